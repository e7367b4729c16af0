from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TeamsSettings:
    """Teams is either authenticated (an app id: every activity must carry a Bot Framework
    token) or the Bot Framework Emulator's local mode, which only an explicit
    `TEAMS_AUTH=emulator` turns on and the composition root allows only on a loopback address.
    There is no third way: a Teams adapter without credentials that is not the emulator
    would accept anyone's activities."""

    app_id: str
    app_password: str
    app_type: str = "MultiTenant"
    tenant_id: str = ""
    emulator: bool = False

    def __post_init__(self) -> None:
        if self.emulator and self.app_id:
            raise ValueError("the emulator mode runs without an app id")
        if not self.emulator and not self.app_id:
            raise ValueError("Teams needs an app id, or the explicit emulator mode")

    @classmethod
    def local_emulator(cls) -> TeamsSettings:
        return cls("", "", emulator=True)

    @property
    def authenticated(self) -> bool:
        return not self.emulator

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TeamsSettings:
    """Empty app_id means unauthenticated local mode (Bot Framework Emulator, tests), which the
    composition root allows only on a loopback address."""

    app_id: str
    app_password: str
    app_type: str = "MultiTenant"
    tenant_id: str = ""

    @property
    def authenticated(self) -> bool:
        return bool(self.app_id)

"""Admins as configured in app.yaml, per platform, and who among the people they name.

Its own module because a Slack admin id is only meaningful with its workspace, and the
parsing and matching of those ids is the one piece of configuration with security weight.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import field_validator

from config.frozen_model import FrozenModel

if TYPE_CHECKING:  # config sits below core: the type only, never the import
    from core.events import Address

SLACK_ADMIN = re.compile(r"(?:(?P<tenant>[TE][A-Z0-9]+):)?(?P<user>[UW][A-Z0-9]+)")


class Admins(FrozenModel):
    """Admins per platform. A Slack user id belongs to one workspace (the same id elsewhere
    is someone else), so a Slack admin is `T…:U…` (workspace id and user id; `E…:W…` for an
    organisation's org-wide install), or a bare `U…`, which counts only with a single bot
    token, in its workspace: with OAuth installs a bare id is dropped at start-up."""

    slack: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    web: tuple[str, ...] = ()

    @field_validator("slack")
    @classmethod
    def _slack_ids(cls, ids: tuple[str, ...]) -> tuple[str, ...]:
        for entry in ids:
            if not SLACK_ADMIN.fullmatch(entry):
                raise ValueError(f"{entry!r} is not a Slack user id (U…) or a workspace id and "
                                 "user id (T…:U…)")
        return ids

    def listed(self) -> dict[str, tuple[str, ...]]:
        """The configured admin ids of each platform."""
        return {name: getattr(self, name) for name in type(self).model_fields}

    def slack_admins(self) -> tuple[tuple[str | None, str], ...]:
        """(workspace or organisation id, or None for a bare id; user id) of each Slack admin."""
        found = (SLACK_ADMIN.fullmatch(entry) for entry in self.slack)
        return tuple((m["tenant"], m["user"]) for m in found if m)

    def bare_slack(self) -> tuple[str, ...]:
        return tuple(user for tenant, user in self.slack_admins() if tenant is None)

    def without_bare_slack(self) -> Admins:
        """For many workspaces (OAuth installs): a bare user id names nobody in particular."""
        return self.model_copy(update={"slack": tuple(
            f"{tenant}:{user}" for tenant, user in self.slack_admins() if tenant is not None)})

    def includes(self, address: Address, directory_id: str | None = None) -> bool:
        if address.platform == "slack":
            return any(user == address.user_id and tenant in (None, address.tenant_id)
                       for tenant, user in self.slack_admins())
        listed = getattr(self, address.platform)
        return address.user_id in listed or (directory_id is not None and directory_id in listed)

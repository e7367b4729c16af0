"""Slack's part in forgetting a person: the group DMs the messenger cached under their id
joined with their partners' (messenger._cache_id), and their id as the installer of an OAuth
install. Their own DM's reference, like every
platform's, goes with the shared tables."""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.slack import tables
from adapters.slack.messenger import GROUP_SEPARATOR, PLATFORM
from core.erasure import PersonRef
from storage import references


class SlackEraser:
    async def erase(self, session: AsyncSession, person: PersonRef) -> None:
        if person.platform == PLATFORM:
            await references.forget_groups_with(session, PLATFORM, person.tenant_id,
                                                person.user_id, GROUP_SEPARATOR)
            # Whoever installed the app through OAuth is named in its installation: no more.
            c = tables.installations.c
            await session.exec(update(tables.installations).where(  # type: ignore[call-overload]
                c.user_id == person.user_id,
                or_(c.team_id == person.tenant_id, c.enterprise_id == person.tenant_id),
            ).values(user_id="", user_token=None, user_scopes=None))

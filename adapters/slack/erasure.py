"""Slack's part in forgetting a person: the group DMs the messenger cached under their id
joined with their partners' (messenger._cache_id). Their own DM's reference, like every
platform's, goes with the shared tables."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.slack.messenger import GROUP_SEPARATOR, PLATFORM
from core.erasure import PersonRef
from storage import references


class SlackEraser:
    async def erase(self, session: AsyncSession, person: PersonRef) -> None:
        if person.platform == PLATFORM:
            await references.forget_groups_with(session, PLATFORM, person.tenant_id,
                                                person.user_id, GROUP_SEPARATOR)

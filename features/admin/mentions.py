"""People named in command text.

Adapters turn platform mentions into `<@user_id>` (Slack's own form, optionally `<@id|name>`);
the web chat, which has no mention picker, also accepts `@user_id`.
"""

from __future__ import annotations

import re

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.events import Address
from storage.models import Person

_TOKEN = re.compile(r"<@([A-Za-z0-9:._\-]+)(?:\|[^>]*)?>|(?<![\w<])@([a-z0-9][a-z0-9._-]{0,39})")


def mentioned_ids(text: str) -> list[str]:
    return [a or b for a, b in _TOKEN.findall(text)]


def without_mentions(text: str) -> str:
    return " ".join(_TOKEN.sub(" ", text).split())


async def find_mentioned(session: AsyncSession, sender: Address, user_id: str) -> Person | None:
    """A person on the sender's platform and tenant, by user id or directory id."""
    result = await session.exec(
        select(Person).where(
            Person.platform == sender.platform,
            Person.tenant_id == sender.tenant_id,
            or_(col(Person.user_id) == user_id, col(Person.directory_id) == user_id),
            col(Person.data_deleted).is_(False),
        )
    )
    return result.first()

"""People named in command text.

Adapters turn platform mentions into `<@user_id>` (Slack's own form, optionally `<@id|name>`);
the web chat, which has no mention picker, also accepts `@user_id`.
"""

from __future__ import annotations

import re

from sqlmodel.ext.asyncio.session import AsyncSession

from core.events import Address
from storage import people
from storage.models import Person

_TOKEN = re.compile(r"<@([A-Za-z0-9:._\-]+)(?:\|[^>]*)?>|(?<![\w<])@([a-z0-9][a-z0-9._-]{0,39})")


def mentioned_ids(text: str) -> list[str]:
    return [a or b for a, b in _TOKEN.findall(text)]


def without_mentions(text: str) -> str:
    return " ".join(_TOKEN.sub(" ", text).split())


async def mentioned_people(session: AsyncSession, sender: Address,
                           text: str) -> tuple[list[Person], list[str]]:
    """The people named in `text` on the sender's platform and tenant, and the ids nobody has."""
    found, missing = [], []
    for user_id in mentioned_ids(text):
        person = await people.find_named(session, sender.platform, sender.tenant_id, user_id)
        if person is None:
            missing.append(user_id)
        else:
            found.append(person)
    return found, missing

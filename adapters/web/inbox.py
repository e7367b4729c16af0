"""The web chat's history, kept per person on the server so it survives reloads.

Each row is one entry of one person's conversation: what they typed, the bot's direct replies
and forms, and the proactive messages delivered through the outbox. The row's JSON payload says
which (`kind`; proactive rows are a plain message, as the messenger writes them) and, for
buttons and forms, whether they are still live: pressed buttons record what was pressed, a
saved form records the answers, and a newer form supersedes older ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.web.tables import WebChatPerson
from storage import traces
from storage.models import WebChatMessage

PAGE_SIZE = 200  # a page polls every few seconds; older history arrives on the next poll
TYPED, REPLY, FORM = "typed", "reply", "form"
OPEN, SAVED, SUPERSEDED = "open", "saved", "superseded"
CHAT = "chat:"  # the key prefix of rows of the person's own exchange (not from the outbox)


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def payload_of(row: WebChatMessage) -> dict[str, Any] | None:
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


async def append(
    session: AsyncSession, user_ids: Sequence[str], payload: dict[str, Any], now: datetime,
    outbox_key: str | None = None,
) -> list[int]:
    """One row per recipient, so each person's inbox is a plain query on their own id."""
    text = _dumps(payload)
    rows = [WebChatMessage(user_id=user_id, payload=text, created_at=now, outbox_key=outbox_key)
            for user_id in user_ids]
    session.add_all(rows)
    await session.flush()
    return [row.id for row in rows if row.id is not None]


async def record(
    session: AsyncSession, user_id: str, payload: dict[str, Any], now: datetime, key: str,
) -> int | None:
    """An entry of the person's own exchange, once per key (a retried request adds nothing)."""
    if await find_by_key(session, key) is not None:
        return None
    if payload.get("kind") == FORM:
        await _supersede_forms(session, user_id)
    ids = await append(session, [user_id], payload, now, key)
    return ids[0] if ids else None


async def _supersede_forms(session: AsyncSession, user_id: str) -> None:
    """A new form replaces any form still open: only the newest one can be sent."""
    result = await session.exec(select(WebChatMessage).where(
        col(WebChatMessage.user_id) == user_id,
        col(WebChatMessage.payload).like('{"kind": "form"%"state": "open"%')))
    for row in result:
        payload = payload_of(row)
        if payload is not None and payload.get("state") == OPEN:
            row.payload = _dumps({**payload, "state": SUPERSEDED})
            session.add(row)


async def update(
    session: AsyncSession, user_id: str, row_id: int, **changes: Any
) -> dict[str, Any] | None:
    """Record what became of a row's buttons or form; only the person's own rows."""
    row = await session.get(WebChatMessage, row_id)
    if row is None or row.user_id != user_id:
        return None
    payload = payload_of(row)
    if payload is None:
        return None
    payload.update(changes)
    row.payload = _dumps(payload)
    session.add(row)
    return payload


async def newer_than(
    session: AsyncSession, user_id: str, after: int, limit: int = PAGE_SIZE
) -> list[WebChatMessage]:
    result = await session.exec(
        select(WebChatMessage)
        .where(col(WebChatMessage.user_id) == user_id, col(WebChatMessage.id) > after)
        .order_by(col(WebChatMessage.id))
        .limit(limit)
    )
    return list(result)


async def find_by_key(session: AsyncSession, outbox_key: str) -> str | None:
    result = await session.exec(
        select(WebChatMessage.id).where(col(WebChatMessage.outbox_key) == outbox_key).limit(1))
    found = result.first()
    return None if found is None else str(found)


# ---------- who is listed, and how far each has read ----------

async def listed(session: AsyncSession) -> list[WebChatPerson]:
    result = await session.exec(select(WebChatPerson).where(col(WebChatPerson.added))
                                .order_by(col(WebChatPerson.created_at)))
    return list(result)


async def add_person(session: AsyncSession, user_id: str, name: str, now: datetime) -> None:
    person = await session.get(WebChatPerson, user_id)
    if person is None:
        session.add(WebChatPerson(user_id=user_id, name=name, added=True, created_at=now))
    elif not person.added:
        person.name, person.added = name, True
        session.add(person)


async def forget(session: AsyncSession, user_id: str) -> None:
    """The person asked to be forgotten: their place under *Act as* goes with their data."""
    person = await session.get(WebChatPerson, user_id)
    if person is not None:
        await session.delete(person)


async def mark_read(session: AsyncSession, user_id: str, upto: int, now: datetime) -> None:
    person = await session.get(WebChatPerson, user_id)
    if person is None:
        session.add(WebChatPerson(user_id=user_id, last_read=upto, created_at=now))
    elif upto > person.last_read:
        person.last_read = upto
        session.add(person)


async def last_read(session: AsyncSession, user_id: str) -> int:
    person = await session.get(WebChatPerson, user_id)
    return 0 if person is None else person.last_read


async def unread(session: AsyncSession, user_ids: Sequence[str]) -> dict[str, int]:
    """Proactive messages (delivered through the outbox) each person has not seen yet."""
    reads = (select(WebChatPerson.user_id, WebChatPerson.last_read)
             .where(col(WebChatPerson.user_id).in_(user_ids)).subquery())
    result = await session.exec(
        select(WebChatMessage.user_id, func.count())
        .join(reads, reads.c.user_id == WebChatMessage.user_id, isouter=True)
        .where(col(WebChatMessage.user_id).in_(user_ids),
               col(WebChatMessage.id) > func.coalesce(reads.c.last_read, 0),
               or_(col(WebChatMessage.outbox_key).is_(None),
                   col(WebChatMessage.outbox_key).not_like(f"{CHAT}%")))
        .group_by(col(WebChatMessage.user_id)))
    return {user: count for user, count in result}


async def forget_inbox(session: AsyncSession, user_id: str) -> None:
    await session.exec(delete(WebChatMessage).where(col(WebChatMessage.user_id) == user_id))  # type: ignore[call-overload]


async def redact_mentions(session: AsyncSession, user_id: str, words: Sequence[str],
                          replacement: dict[str, Any]) -> int:
    """Copies in other people's inboxes that name the person say `replacement` instead. A row
    whose outbox key holds their id (a note an admin sent, keyed by their event id) loses the
    key; the outbox row is redacted too, so nothing needs finding by it again."""
    words = [*words, user_id]
    key = col(WebChatMessage.outbox_key)
    candidates = await session.exec(select(WebChatMessage).where(
        or_(traces.contains_any(col(WebChatMessage.payload), words), traces.has_part(key, user_id))))
    text = json.dumps(replacement, ensure_ascii=False)
    count = 0
    for row in candidates.all():
        in_key = traces.holds_part(row.outbox_key, user_id)
        if in_key:
            row.outbox_key = None
        if traces.mentions(row.payload, words):
            row.payload = text
        elif not in_key:
            continue
        session.add(row)
        count += 1
    await session.flush()
    return count

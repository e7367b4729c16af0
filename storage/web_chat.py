"""The web chat's inboxes (its own table): messages the bot delivered to a person, read back
when the page polls, and what forgetting a person takes out of them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import traces
from storage.models import WebChatMessage

PAGE_SIZE = 200  # a page polls every few seconds; older history arrives on the next poll


async def append(
    session: AsyncSession, user_ids: Sequence[str], payload: dict[str, Any], now: datetime,
    outbox_key: str | None = None,
) -> list[int]:
    """One row per recipient, so each person's inbox is a plain query on their own id."""
    text = json.dumps(payload, ensure_ascii=False)
    rows = [WebChatMessage(user_id=user_id, payload=text, created_at=now, outbox_key=outbox_key)
            for user_id in user_ids]
    session.add_all(rows)
    await session.flush()
    return [row.id for row in rows if row.id is not None]


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

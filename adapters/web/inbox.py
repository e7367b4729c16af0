"""The web chat inbox: messages the bot delivered to a person, read back when the page polls."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

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

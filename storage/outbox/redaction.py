"""Outbox rows emptied of a person when their data is deleted (part of storage/erasure.py).

Apart from the queueing and claiming because it touches sent rows too, and withdraws queued
ones so they are never sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import traces
from storage.models import OutboxMessage

WITHDRAWN = "withdrawn"  # never sent: it was for, or named, someone who had their data deleted


async def redact_for_person(
    session: AsyncSession, platform: str, tenant_id: str, user_id: str, words: Sequence[str],
    replacement: dict[str, Any],
) -> int:
    """Rows sent or queued to a person, or naming them, keep only what holds no trace of them.

    Redacted rather than deleted: the key stays, so the message is never queued again, and
    counts built on keys (poll invitations) stay true. What goes: the payload (replaced), the
    person among the recipients, their id inside a key, and a queued row's chance to be sent.
    """
    theirs = and_(col(OutboxMessage.platform) == platform,
                  col(OutboxMessage.tenant_id) == tenant_id,
                  col(OutboxMessage.recipients).contains(json.dumps(user_id), autoescape=True))
    words = [*words, user_id]
    candidates = await session.exec(select(OutboxMessage).where(or_(
        theirs, traces.has_part(col(OutboxMessage.key), user_id),
        traces.contains_any(col(OutboxMessage.payload), words))))
    redacted = json.dumps(replacement, ensure_ascii=False)
    count = 0
    for row in candidates.all():
        to = json.loads(row.recipients)
        for_them = (row.platform, row.tenant_id) == (platform, tenant_id) and user_id in to
        in_key = traces.holds_part(row.key, user_id)
        if not (for_them or in_key or traces.mentions(row.payload, words)):
            continue
        row.payload, row.last_error = redacted, None
        row.recipients = json.dumps([r for r in to if not for_them or r != user_id])
        if in_key:
            row.key = f"erased:{row.id}"
        if row.status in ("pending", "sending"):
            # A dispatcher holding the row can no longer mark it: the claim is gone.
            row.status, row.claimed_by, row.claimed_until = WITHDRAWN, None, None
        session.add(row)
        count += 1
    await session.flush()
    return count

"""Claiming due outbox rows under a lease, and recording what became of each send.

Claiming is safe across processes: on PostgreSQL the candidate rows are locked with
FOR UPDATE SKIP LOCKED; on both databases the claim itself is a conditional UPDATE, so two
dispatchers can never both own a row. Every later write checks the claim token, so a row
taken over from a dispatcher whose lease ran out cannot be marked by it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, not_, or_, tuple_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import OutboxMessage

MAX_ATTEMPTS = 6


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    # A 'sending' row whose lease ran out belongs to a dispatcher that died mid-send.
    return or_(
        and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == "sending", col(OutboxMessage.claimed_until) < now),
    )


@dataclass(frozen=True)
class Views:
    """Which Home view rows a full pass may take besides its posts.

    Home views go out at views.publish's pace (about 100 a minute), posts at about 100 a
    second: a job re-arms thousands of Home rows, and claimed with the posts, nearly all went
    straight back to wait their turn, costing the posts a third of their rate. So a claim takes
    at most `limit` of them, none from a workspace whose views lane has no turn free soon
    (`busy`), except the rows whose kept turn has come (`kept`) and the rows someone acting
    waits for (their payload is `urgent`), whatever their lane."""
    prefix: str  # of a Home view row's key (core.keys.HOME and its colon)
    limit: int
    busy: frozenset[tuple[str, str]] = frozenset()  # (platform, tenant_id)
    kept: frozenset[int] = frozenset()
    urgent: str | None = None  # the payload of a row re-armed for someone acting, as stored


@dataclass(frozen=True)
class Batch:
    rows: list[OutboxMessage]
    # Rows taken over from a dispatcher whose lease ran out: it may have sent them already.
    reclaimed: frozenset[int]


async def claim(
    session: AsyncSession, now: datetime, limit: int = 50, lease: timedelta = timedelta(minutes=2),
    only: Sequence[int] | None = None, views: Views | None = None,
) -> Batch:
    """Claim up to `limit` due rows for this caller; commit follows in the caller's session.

    With `views`, due Home view rows are left out of the `limit` and only those `views`
    allows are added (a full pass); without, rows are taken by id whatever they are."""
    token = uuid.uuid4().hex
    ids = await _candidates(session, now, limit, only, views)
    if not ids:
        return Batch([], frozenset())
    stale = await session.exec(
        select(OutboxMessage.id).where(col(OutboxMessage.id).in_(ids),
                                       col(OutboxMessage.status) == "sending"))
    reclaimed = frozenset(i for i in stale.all() if i is not None)
    await session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), _claimable(now))
        .values(status="sending", claimed_by=token, claimed_until=now + lease)
    )
    rows = await session.exec(  # by primary key: claimed_by has no index, nor needs one
        select(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), OutboxMessage.claimed_by == token)
        .order_by(col(OutboxMessage.id))
    )
    return Batch(list(rows), reclaimed)


async def _candidates(session: AsyncSession, now: datetime, limit: int,
                      only: Sequence[int] | None, views: Views | None) -> list[int]:
    """The `limit` lowest ids among due rows and lapsed leases, locked on PostgreSQL, and
    the Home view rows `views` allows.

    Asked as separate queries, each on its own partial index (ix_outbox_due, ix_outbox_leased):
    as one query with OR, PostgreSQL walks the primary key from the oldest row, through every
    row ever sent, to reach the few unsent ones at the end."""
    due = and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now)
    lapsed = and_(col(OutboxMessage.status) == "sending", col(OutboxMessage.claimed_until) < now)
    home = col(OutboxMessage.key).startswith(views.prefix) if views is not None else None
    found: list[int] = []
    for where in (due if home is None else and_(due, not_(home)), lapsed):
        found.extend(await _lowest(session, where, limit, only))
    # Rows locked beyond the first `limit` stay unclaimed; the lock ends with the transaction.
    found = sorted(set(found))[:limit]
    if views is not None and home is not None and views.limit > 0:
        allowed = home
        if views.busy:
            allowed = and_(home, not_(tuple_(col(OutboxMessage.platform),
                                             col(OutboxMessage.tenant_id)).in_(views.busy)))
        if views.kept:
            allowed = or_(allowed, and_(home, col(OutboxMessage.id).in_(views.kept)))
        wanted = [allowed]
        if views.urgent is not None:  # asked apart: behind a job's rows by id, they'd wait
            wanted.insert(0, and_(home, col(OutboxMessage.payload) == views.urgent))
        for where in wanted:
            taken = set(found)
            found.extend(i for i in await _lowest(session, and_(due, where), views.limit, only)
                         if i not in taken)
    return sorted(found)


async def _lowest(session: AsyncSession, where: Any, limit: int,
                  only: Sequence[int] | None) -> list[int]:
    candidates = select(OutboxMessage.id).where(where).order_by(col(OutboxMessage.id))
    if only is not None:  # an event's own rows: found by primary key, whatever else is due
        candidates = candidates.where(col(OutboxMessage.id).in_(only))
    candidates = candidates.limit(limit)
    if dialect.is_postgres(session):
        candidates = candidates.with_for_update(skip_locked=True)
    return [i for i in await session.exec(candidates) if i is not None]


async def mark_sent(
    session: AsyncSession, row_id: int, token: str, now: datetime, platform_message_id: str | None
) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.claimed_by) == token)
        .values(
            status="sent",
            sent_at=now,
            platform_message_id=platform_message_id,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def mark_attempt_failed(
    session: AsyncSession, row: OutboxMessage, now: datetime, error: str, retry_after: float | None
) -> str:
    """Schedule a retry with backoff (or the platform's Retry-After); 'failed' after the last."""
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        status, next_at = "failed", now
    else:
        backoff = max(retry_after, 1.0) if retry_after is not None else min(2**attempts, 300)
        status, next_at = "pending", now + timedelta(seconds=backoff)
    await session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row.id, col(OutboxMessage.claimed_by) == row.claimed_by)
        .values(
            status=status,
            attempts=attempts,
            next_attempt_at=next_at,
            last_error=error[:500],
            claimed_until=None,
        )
    )
    return status


async def release(session: AsyncSession, row: OutboxMessage, now: datetime, delay: float) -> None:
    """Give a claimed row back untouched (rate limited before it was tried)."""
    await session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row.id, col(OutboxMessage.claimed_by) == row.claimed_by)
        .values(
            status="pending", next_attempt_at=now + timedelta(seconds=delay), claimed_until=None
        )
    )

"""The outbox: rows first (unique key per logical message), claimed and sent second.

Claiming is safe across processes: on PostgreSQL the candidate rows are locked with
FOR UPDATE SKIP LOCKED; on both databases the claim itself is a conditional UPDATE, so two
dispatchers can never both own a row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import Select, and_, func, literal, or_, union_all, update
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect, traces
from storage.models import OutboxMessage
from storage.types import UTCDateTime

MAX_ATTEMPTS = 6


class NewMessage(TypedDict):
    key: str
    platform: str
    tenant_id: str
    recipients: list[str]
    payload: dict[str, Any]


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    platform: str,
    tenant_id: str,
    recipients: Sequence[str],
    payload: dict,  # type: ignore[type-arg]
    now: datetime,
) -> bool:
    """Queue one logical message; False when a message with this key was queued before."""
    statement = (
        dialect.insert(session, OutboxMessage)
        .values(
            key=key,
            platform=platform,
            tenant_id=tenant_id,
            recipients=json.dumps(list(recipients)),
            payload=json.dumps(payload, ensure_ascii=False),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.id)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return result.first() is not None


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    # A 'sending' row whose lease ran out belongs to a dispatcher that died mid-send.
    return or_(
        and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == "sending", col(OutboxMessage.claimed_until) < now),
    )


@dataclass(frozen=True)
class Batch:
    rows: list[OutboxMessage]
    # Rows taken over from a dispatcher whose lease ran out: it may have sent them already.
    reclaimed: frozenset[int]


async def claim(
    session: AsyncSession, now: datetime, limit: int = 50, lease: timedelta = timedelta(minutes=2),
    only: Sequence[int] | None = None,
) -> Batch:
    """Claim up to `limit` due rows for this caller; commit follows in the caller's session."""
    token = uuid.uuid4().hex
    ids = await _candidates(session, now, limit, only)
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
                      only: Sequence[int] | None) -> list[int]:
    """The `limit` lowest ids among due rows and lapsed leases, locked on PostgreSQL.

    Asked as two queries, each on its own partial index (ix_outbox_due, ix_outbox_leased): as
    one query with OR, PostgreSQL walks the primary key from the oldest row, through every row
    ever sent, to reach the few unsent ones at the end."""
    found: list[int] = []
    for where in (
        and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == "sending", col(OutboxMessage.claimed_until) < now),
    ):
        candidates = select(OutboxMessage.id).where(where).order_by(col(OutboxMessage.id))
        if only is not None:  # an event's own rows: found by primary key, whatever else is due
            candidates = candidates.where(col(OutboxMessage.id).in_(only))
        candidates = candidates.limit(limit)
        if dialect.is_postgres(session):
            candidates = candidates.with_for_update(skip_locked=True)
        found.extend(i for i in await session.exec(candidates) if i is not None)
    # Rows locked beyond the first `limit` stay unclaimed; the lock ends with the transaction.
    return sorted(found)[:limit]


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


UNSENT_STATES = ("pending", "sending", "failed")


def _count_in(state: str) -> Select[tuple[str, int]]:
    # One state per count: each reads its own partial index, where an IN list of states would
    # read the whole table (there is no index over every row's status).
    return core_select(literal(state), func.count()).where(col(OutboxMessage.status) == state)


async def pending_count(session: AsyncSession) -> int:
    counts = await depth(session)
    return counts["pending"] + counts["sending"]


async def depth(session: AsyncSession) -> dict[str, int]:
    """Rows not (yet) sent, by state, every state present. Sent rows are left out: they only
    grow, and counting them on every metrics scrape would cost more the older the program."""
    result = await dialect.rows(session, union_all(*(_count_in(state) for state in UNSENT_STATES)))
    counts = dict.fromkeys(UNSENT_STATES, 0)
    counts.update({str(state): int(count) for state, count in result.all()})
    return counts


async def enqueue_many(
    session: AsyncSession, rows: Sequence[NewMessage], now: datetime, chunk: int = 500
) -> int:
    """Queue many messages in a few statements; keys already queued are skipped."""
    return len(await insert_many(session, rows, now, chunk))


async def insert_many(
    session: AsyncSession, rows: Sequence[NewMessage], now: datetime, chunk: int = 500
) -> list[int]:
    """Like enqueue_many, returning the ids of the rows that are new."""
    payloads: dict[int, str] = {}  # rows sharing one payload object: encoded once

    def encoded(payload: dict[str, Any]) -> str:
        found = payloads.get(id(payload))
        if found is None:
            found = payloads[id(payload)] = json.dumps(payload, ensure_ascii=False)
        return found

    values = [
        {"key": r["key"], "platform": r["platform"], "tenant_id": r["tenant_id"],
         "recipients": json.dumps(list(r["recipients"])),
         "payload": encoded(r["payload"]), "status": "pending",
         "attempts": 0, "next_attempt_at": now, "created_at": now}
        for r in rows
    ]
    queued: list[int] = []
    for start in range(0, len(values), chunk):
        queued.extend(row[0] for row in await dialect.insert_new(
            session, OutboxMessage, values[start:start + chunk], [OutboxMessage.id], ["key"]))
    return queued


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


async def rearm(session: AsyncSession, rows: Sequence[NewMessage], now: datetime, *,
                hurry: bool = True, chunk: int = 500) -> list[int]:
    """Queue rows that stand for "show the latest state" (a Home view): a key never queued
    gets a row; a sent, failed or withdrawn one is due again now; a pending one stays as it is,
    so changes that come faster than delivery coalesce into one send. A row being sent right
    now is taken back (its sender can no longer mark it) and sent again: what it is sending may
    predate this change.

    `hurry` (someone is acting now, a few rows): a pending row that waits for a later turn
    (Home views are paced, and a job may have queued thousands) is made due now as well, and
    the ids of the rows due because of this call are returned, to be delivered with the
    event. Otherwise (a job's batch) a waiting row stays where it waits. Never a multi-row
    VALUES for a job's batch: SQLAlchemy compiles one afresh each time (about a second for a
    thousand rows); PostgreSQL gets the rows as one JSON parameter, SQLite one statement
    executed for every row."""
    unique = {row["key"]: row for row in rows}  # a statement may touch a row once only
    values = [
        {"key": r["key"], "platform": r["platform"], "tenant_id": r["tenant_id"],
         "recipients": json.dumps(list(r["recipients"])),
         "payload": json.dumps(r["payload"], ensure_ascii=False), "status": "pending",
         "attempts": 0, "next_attempt_at": now, "created_at": now}
        for r in sorted(unique.values(), key=lambda row: row["key"])
    ]
    if not values:
        return []
    if dialect.is_postgres(session):
        # The same upsert as one JSON parameter: a multi-row VALUES of 500 rows is compiled by
        # SQLAlchemy and parsed by psycopg afresh each time, seconds for a job's 40,000 people.
        due = "outbox.status <> 'pending'" + (" OR outbox.next_attempt_at > :now" if hurry else "")
        ids = []
        for start in range(0, len(values), chunk * 4):
            ids.extend(row[0] for row in await dialect.upsert_postgres(
                session, OutboxMessage, values[start:start + chunk * 4], [OutboxMessage.id],
                ["key"], "DO UPDATE SET status = 'pending', attempts = 0, next_attempt_at = :now, "
                "claimed_by = NULL, claimed_until = NULL, last_error = NULL, "
                # The payload follows the latest call: whether someone waits for the row.
                "payload = EXCLUDED.payload WHERE " + due,
                now=(now, UTCDateTime())))
        return ids if hurry else []
    again = col(OutboxMessage.status) != "pending"
    if hurry:
        again = or_(again, col(OutboxMessage.next_attempt_at) > now)

    def upsert(statement: Any) -> Any:
        # The payload follows the latest call: it says whether someone waits for the row.
        return statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"status": "pending", "attempts": 0, "next_attempt_at": now,
                  "claimed_by": None, "claimed_until": None, "last_error": None,
                  "payload": statement.excluded.payload},
            where=again)

    if not hurry:  # SQLite runs one statement compiled once for every row
        connection = await session.connection()
        await connection.execute(upsert(dialect.insert(session, OutboxMessage)), values)
        return []
    ids: list[int] = []
    for start in range(0, len(values), chunk):
        statement = upsert(dialect.insert(session, OutboxMessage).values(
            values[start:start + chunk])).returning(OutboxMessage.id)
        result = await session.exec(statement)
        ids.extend(row[0] for row in result.all())
    return ids

"""Queueing outbox rows: one, many at once, and "latest state" rows (a Home view) re-armed.

Every write that adds or re-arms a row lives here; each row's unique key is what makes every
outgoing message idempotent. Claiming and sending them is storage/outbox/claims.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, TypedDict

from sqlalchemy import or_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import OutboxMessage
from storage.types import UTCDateTime


class NewMessage(TypedDict):
    key: str
    platform: str
    tenant_id: str
    recipients: list[str]
    payload: dict[str, Any]


def stored(payload: dict[str, Any]) -> str:
    """A payload as its row holds it (a claim may look a row up by it)."""
    return json.dumps(payload, ensure_ascii=False)


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


async def enqueue_many(
    session: AsyncSession, rows: Sequence[NewMessage], now: datetime, chunk: int = 500
) -> int:
    """Queue many messages in a few statements; keys already queued are skipped."""
    return len(await insert_many(session, rows, now, chunk))


async def insert_many(
    session: AsyncSession, rows: Sequence[NewMessage], now: datetime, chunk: int = 500
) -> list[int]:
    """Like enqueue_many, returning the ids of the rows that are new."""
    values = _values(rows, now)
    queued: list[int] = []
    for start in range(0, len(values), chunk):
        queued.extend(row[0] for row in await dialect.insert_new(
            session, OutboxMessage, values[start:start + chunk], [OutboxMessage.id], ["key"]))
    return queued


def _values(rows: Sequence[NewMessage], now: datetime) -> list[dict[str, Any]]:
    """The rows as the outbox stores them. A job sends one payload object to thousands (a Home
    view's placeholder to everyone it reached): encoded once per object, not once per row."""
    payloads: dict[int, str] = {}

    def encoded(payload: dict[str, Any]) -> str:
        found = payloads.get(id(payload))
        if found is None:
            found = payloads[id(payload)] = stored(payload)
        return found

    return [
        {"key": r["key"], "platform": r["platform"], "tenant_id": r["tenant_id"],
         "recipients": _json_list(r["recipients"]),
         "payload": encoded(r["payload"]), "status": "pending",
         "attempts": 0, "next_attempt_at": now, "created_at": now}
        for r in rows
    ]


def _json_list(strings: Sequence[str]) -> str:
    """json.dumps of a list of strings, character for character, without its encoder's
    Python-level setup per call (a job's 100,000 rows paid more for that than for the text)."""
    return "[" + ", ".join(map(encode_basestring_ascii, strings)) + "]"


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
    values = _values(sorted(unique.values(), key=lambda row: row["key"]), now)
    if not values:
        return []
    if dialect.is_postgres(session):
        # The same upsert as one JSON parameter: a multi-row VALUES of 500 rows is compiled by
        # SQLAlchemy and parsed by psycopg afresh each time, seconds for a job's 40,000 people.
        due = "outbox.status <> 'pending'" + (" OR outbox.next_attempt_at > :now" if hurry else "")
        ids = []
        for start in range(0, len(values), chunk * 4):
            ids.extend(row[0] for row in await dialect.upsert_postgres(
                session, OutboxMessage, values[start:start + chunk * 4],
                [OutboxMessage.id] if hurry else [],
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

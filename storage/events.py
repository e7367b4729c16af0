"""Inbound event dedupe: the first transaction to record an event key owns its effects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import ProcessedEvent
from storage.traces import like_escaped


async def claim_event(session: AsyncSession, key: str, now: datetime) -> bool:
    """Record the event inside the caller's transaction; False when it was already handled.

    The row commits with the event's effects, so a crash before commit leaves it unclaimed
    and the platform's retry is handled normally.
    """
    # One statement, not a read then a guarded insert: a flood of commands is bounded by the
    # database round trips per command. A concurrent delivery of the same event waits for
    # the first to commit (or roll back) and then inserts nothing (or owns it).
    result = await session.exec(_claim(session), params={  # type: ignore[call-overload]
        "the_key": key, "the_time": now})
    return result.first() is not None


_CLAIMS: dict[bool, Any] = {}


def _claim(session: AsyncSession) -> Any:
    """The claim statement for this database, built once (building it cost more than SQLite
    takes to run it)."""
    postgres = dialect.is_postgres(session)
    if postgres not in _CLAIMS:
        _CLAIMS[postgres] = (
            dialect.insert(session, ProcessedEvent)
            .values(key=bindparam("the_key"),
                    processed_at=bindparam("the_time",
                                           type_=ProcessedEvent.__table__.c.processed_at.type))
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(col(ProcessedEvent.key)))
    return _CLAIMS[postgres]


async def forget_events_before(session: AsyncSession, cutoff: datetime) -> None:
    await session.exec(delete(ProcessedEvent).where(col(ProcessedEvent.processed_at) < cutoff))


async def was_handled(session: AsyncSession, key: str) -> bool:
    return await session.get(ProcessedEvent, key) is not None


async def forget_events_starting(session: AsyncSession, prefix: str) -> None:
    """Event keys a platform builds from a person's id (the web chat's): forgetting the person
    forgets them, at the price of not recognising a retry of one of their last requests."""
    await session.exec(delete(ProcessedEvent).where(  # type: ignore[call-overload]
        col(ProcessedEvent.key).like(f"{like_escaped(prefix)}%", escape="\\")))

"""Counts of unsent outbox rows by state: the metrics' depth, and a backlog to wait on.

Apart from claims because these run on every metrics scrape and must stay on the partial
indexes (one state per count); sent rows are never counted.
"""

from __future__ import annotations

from sqlalchemy import Select, func, literal, union_all
from sqlalchemy import select as core_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import OutboxMessage

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

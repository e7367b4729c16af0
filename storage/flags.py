"""Why pairs were flagged for the program team: every reason, each with its date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import PairFlag


async def flag(session: AsyncSession, pair_id: int, kind: str, reason: str,
               now: datetime) -> bool:
    """Record one reason for a pair; True when it is new (each reason is kept once, however
    many replicas or retries record it)."""
    added = await session.exec(  # type: ignore[call-overload]
        dialect.insert(session, PairFlag)
        .values(pair_id=pair_id, kind=kind, reason=reason[:300], flagged_at=now)
        .on_conflict_do_nothing(index_elements=["pair_id", "reason"])
        .returning(PairFlag.id))
    return added.first() is not None


async def has(session: AsyncSession, pair_id: int, kind: str) -> bool:
    found = await session.exec(select(PairFlag.id).where(PairFlag.pair_id == pair_id,
                                                         PairFlag.kind == kind).limit(1))
    return found.first() is not None


async def reasons(session: AsyncSession, pair_ids: Sequence[int]
                  ) -> dict[int, list[tuple[datetime, str]]]:
    """Each pair's reasons, oldest first."""
    found: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    if not pair_ids:
        return found
    rows = await session.exec(
        select(PairFlag.pair_id, PairFlag.flagged_at, PairFlag.reason)
        .where(col(PairFlag.pair_id).in_(list(pair_ids)))
        .order_by(col(PairFlag.flagged_at), col(PairFlag.id)))
    for pair_id, at, reason in rows:
        found[pair_id].append((at, reason))
    return found

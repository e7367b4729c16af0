"""Why pairs were flagged for the program team: every reason, each with its date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, case, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import Pair, PairFlag
from storage.types import UTCDateTime


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


async def flagged(session: AsyncSession, pair_ids: Sequence[int], kind: str) -> set[int]:
    """Which of these pairs were flagged for this kind of reason before."""
    if not pair_ids:
        return set()
    rows = await session.exec(select(PairFlag.pair_id).where(
        dialect.among(session, col(PairFlag.pair_id), pair_ids), PairFlag.kind == kind))
    return set(rows.all())


async def flag_many(session: AsyncSession, reasons: Sequence[tuple[int, str]], kind: str,
                    now: datetime) -> set[int]:
    """Record (pair, reason) flags in one statement and mark each newly flagged pair at risk
    (since now, unless it was already; the reason added to its list) in one more; the pairs
    this call flagged (a reason recorded before, by a rerun or a replica, is left out)."""
    if not reasons:
        return set()
    added = {pair_id for (pair_id,) in await dialect.insert_new(
        session, PairFlag, [{"pair_id": pair_id, "kind": kind, "reason": reason[:300],
                             "flagged_at": now} for pair_id, reason in reasons],
        [PairFlag.pair_id], ["pair_id", "reason"])}
    if added:
        # The reason is appended in SQL, not read and written back: a flag of another kind
        # recorded at the same moment keeps its words.
        current = Pair.__table__.c.at_risk_reason
        appended = func.substr(current + "; " + bindparam("b_reason"), 1, 300)
        await (await session.connection()).execute(
            update(Pair.__table__).where(Pair.__table__.c.id == bindparam("b_id")).values(
                at_risk_since=func.coalesce(Pair.__table__.c.at_risk_since,
                                            bindparam("b_now", type_=UTCDateTime())),
                at_risk_reason=case((func.coalesce(current, "") == "",
                                     func.substr(bindparam("b_reason"), 1, 300)),
                                    else_=appended)),
            [{"b_id": pair_id, "b_reason": reason, "b_now": now}
             for pair_id, reason in reasons if pair_id in added])
    return added


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

"""Set-based figures for `admin stats`: every number is one aggregate query, never a loop.

With a cohort, pair figures cover the cohort's pairs and people figures the people in them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, case, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import (
    HrRecord,
    Meeting,
    Nudge,
    OutboxMessage,
    Pair,
    Person,
    PromptDelivery,
    Status,
    WaitlistEntry,
)


def _month(session: AsyncSession, column):  # type: ignore[no-untyped-def]
    """(what to group by, its 'YYYY-MM' label). PostgreSQL groups by the cheap date_trunc and
    formats only the groups: to_char on every row was most of the query's time."""
    if dialect.is_postgres(session):
        month = func.date_trunc("month", column)
        return month, func.to_char(month, "YYYY-MM")
    label = func.strftime("%Y-%m", column)
    return label, label


def _cohort_people(cohort_id: int) -> Select:  # type: ignore[type-arg]
    mentors = select(Pair.mentor_id).where(Pair.cohort_id == cohort_id)
    mentees = select(Pair.mentee_id).where(Pair.cohort_id == cohort_id)
    return mentors.union(mentees)  # type: ignore[return-value]


async def people_by_role_and_status(
    session: AsyncSession, cohort_id: int | None
) -> dict[tuple[str | None, str], int]:
    query = select(Person.role, Person.status, func.count()).group_by(Person.role, Person.status)
    if cohort_id is not None:
        query = query.where(col(Person.id).in_(_cohort_people(cohort_id)))
    return {(role, status): n for role, status, n in await session.exec(query)}


async def joins_per_month(session: AsyncSession, cohort_id: int | None) -> list[tuple[str, int]]:
    month, label = _month(session, Person.joined_at)
    query = (select(label, func.count()).where(col(Person.joined_at).is_not(None))
             .group_by(month).order_by(month))
    if cohort_id is not None:
        query = query.where(col(Person.id).in_(_cohort_people(cohort_id)))
    return [(m, n) for m, n in await session.exec(query)]


async def enrolled(session: AsyncSession, cohort_id: int | None) -> int:
    """People who ever finished signing up (in a cohort: those in its pairs)."""
    query = select(func.count()).select_from(Person).where(col(Person.joined_at).is_not(None))
    if cohort_id is not None:
        query = query.where(col(Person.id).in_(_cohort_people(cohort_id)))
    return (await session.exec(query)).one()


@dataclass(frozen=True)
class PairFigures:
    active: int
    agreed: int
    average_score: float | None
    met_recently: int
    at_risk: int
    ended: int
    completed: int  # ended as a success: the agreed end, or the goals reached early


async def pair_figures(session: AsyncSession, cohort_id: int | None, since: date) -> PairFigures:
    active = col(Pair.status) == "active"
    query = select(
        func.count().filter(active),
        func.count().filter(and_(active, col(Pair.agreed_at).is_not(None))),
        func.avg(case((active, Pair.score))),
        func.count().filter(and_(active, col(Pair.last_met_on) >= since)),
        func.count().filter(and_(active, col(Pair.at_risk_since).is_not(None))),
        func.count().filter(col(Pair.status) == "ended"),
        func.count().filter(and_(col(Pair.status) == "ended",
                                 col(Pair.end_reason).in_(("completed", "goals reached")))),
    )
    if cohort_id is not None:
        query = query.where(Pair.cohort_id == cohort_id)
    a, b, avg, met, risk, ended, completed = (await session.exec(query)).one()
    return PairFigures(a, b, None if avg is None else float(avg), met, risk, ended, completed)


async def waitlist_reasons(session: AsyncSession) -> list[tuple[str, int]]:
    query = (select(WaitlistEntry.reason, func.count()).join(Person, col(Person.id) == col(WaitlistEntry.person_id))
             .where(Person.status == Status.ACTIVE).group_by(WaitlistEntry.reason)
             .order_by(func.count().desc()))
    return [(r, n) for r, n in await session.exec(query)]


def _pair_scope(query, column, cohort_id: int | None):  # type: ignore[no-untyped-def]
    if cohort_id is None:
        return query
    return query.where(col(column).in_(select(Pair.id).where(Pair.cohort_id == cohort_id)))


async def engagement_counts(session: AsyncSession, cohort_id: int | None) -> dict[str, int]:
    meetings = _pair_scope(select(func.count()).select_from(Meeting), Meeting.pair_id, cohort_id)
    prompts = _pair_scope(select(func.count()).select_from(PromptDelivery),
                          PromptDelivery.pair_id, cohort_id)
    nudges = _pair_scope(select(func.count()).select_from(Nudge).where(Nudge.kind == "inactive"),
                         Nudge.pair_id, cohort_id)
    failed = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
    pairs_met = _pair_scope(select(func.count(func.distinct(Meeting.pair_id))), Meeting.pair_id,
                            cohort_id)
    return {
        "meetings": (await session.exec(meetings)).one(),
        "pairs_met": (await session.exec(pairs_met)).one(),
        "prompts": (await session.exec(prompts)).one(),
        "nudges": (await session.exec(nudges)).one(),
        "failed": (await session.exec(failed)).one(),
    }


@dataclass(frozen=True)
class Retention:
    participants: int
    participants_stayed: int
    others: int
    others_stayed: int


async def retention(session: AsyncSession, since: datetime, today: date) -> Retention | None:
    """Employees on the books at `since` (the first join): how many are still there, split by
    whether they took part. Participants are matched by email or platform user id."""
    if (await session.exec(select(func.count()).select_from(HrRecord))).one() == 0:
        return None
    # Each test guards its NULLs: NOT (false OR NULL) would silently drop the row.
    took_part = or_(
        and_(col(HrRecord.email).is_not(None), col(HrRecord.email).in_(
            select(func.lower(Person.email)).where(col(Person.joined_at).is_not(None),
                                                   col(Person.email).is_not(None)))),
        and_(col(HrRecord.platform_user_id).is_not(None), col(HrRecord.platform_user_id).in_(
            select(Person.user_id).where(col(Person.joined_at).is_not(None)))),
    ).label("took_part")
    employed = and_(or_(col(HrRecord.hire_date).is_(None), col(HrRecord.hire_date) <= since.date()),
                    or_(col(HrRecord.leave_date).is_(None), col(HrRecord.leave_date) >= since.date()))
    stayed = or_(col(HrRecord.leave_date).is_(None), col(HrRecord.leave_date) > today).label("stayed")
    # Grouped by the two tests, each is evaluated once per row: as four FILTERed counts,
    # the participant test ran four times over every HR record.
    query = select(took_part, stayed, func.count()).where(employed).group_by(took_part, stayed)
    counts: Counter[tuple[bool, bool]] = Counter()
    for took, kept, n in await session.exec(query):
        if took is not None:  # as FILTER (WHERE NULL) would, count such a row nowhere
            counts[bool(took), bool(kept)] += n
    return Retention(counts[True, True] + counts[True, False], counts[True, True],
                     counts[False, True] + counts[False, False], counts[False, True])


async def first_join(session: AsyncSession) -> datetime | None:
    return (await session.exec(select(func.min(Person.joined_at)))).one()

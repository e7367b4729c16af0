"""Reads and writes for a pair's journey: the kick-off agreement, its goals, who is still waiting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.engagement import Member, member_columns
from storage.models import (
    GoalRating,
    Kickoff,
    Meeting,
    Pair,
    PairGoal,
    Person,
    PlannedMeeting,
    PromptDelivery,
)

# Built once: `status` reads it for every paired person (see storage/standing.py).
_GOALS = (select(PairGoal.text).where(col(PairGoal.pair_id) == bindparam("the_pair"))
          .order_by(col(PairGoal.number)))


async def goals_of(session: AsyncSession, pair_id: int) -> list[str]:
    rows = await session.exec(_GOALS, params={"the_pair": pair_id})
    return list(rows.all())


async def replace_goals(session: AsyncSession, pair_id: int, goals: Sequence[str]) -> None:
    await session.exec(delete(PairGoal).where(col(PairGoal.pair_id) == pair_id))  # type: ignore[call-overload]
    session.add_all(PairGoal(pair_id=pair_id, number=n, text=text)
                    for n, text in enumerate(goals, start=1))
    await session.flush()


async def not_started(session: AsyncSession) -> list[tuple[Pair, Kickoff | None]]:
    """Active pairs of two active people whose kick-off is not yet confirmed by both."""
    mentor, mentee = aliased(Person), aliased(Person)
    rows = await session.exec(
        select(Pair, Kickoff)
        .join(mentor, col(mentor.id) == col(Pair.mentor_id))
        .join(mentee, col(mentee.id) == col(Pair.mentee_id))
        .outerjoin(Kickoff, col(Kickoff.pair_id) == col(Pair.id))
        .where(Pair.status == "active", mentor.status == "active", mentee.status == "active",
               col(Kickoff.confirmed_at).is_(None))
        .order_by(col(Pair.id))
    )
    return [(pair, kickoff) for pair, kickoff in rows]


@dataclass(frozen=True)
class Unstarted:
    """A pair that has not started, as its reminders need it: plain columns, no entities."""

    id: int
    created_at: datetime
    agreed_at: datetime | None
    mentor_agreed_at: datetime | None
    mentee_agreed_at: datetime | None
    mentor: Member
    mentee: Member
    proposed_by: int | None  # None: no kick-off proposed yet
    kickoff_version: int | None


async def not_started_pages(session: AsyncSession, size: int) -> AsyncIterator[list[Unstarted]]:
    """`not_started`, `size` pairs at a time (keyset on the pair id), each in one statement
    with both people's names and addresses."""
    mentor, mentee = aliased(Person), aliased(Person)
    after = 0
    while True:
        rows = list(await dialect.rows(session,
            select(Pair.id, Pair.created_at, Pair.agreed_at,  # type: ignore[call-overload]
                   Pair.mentor_agreed_at, Pair.mentee_agreed_at, Kickoff.proposed_by,
                   Kickoff.version, *member_columns(mentor), *member_columns(mentee))
            .join(mentor, col(mentor.id) == col(Pair.mentor_id))
            .join(mentee, col(mentee.id) == col(Pair.mentee_id))
            .outerjoin(Kickoff, col(Kickoff.pair_id) == col(Pair.id))
            .where(Pair.status == "active", mentor.status == "active",
                   mentee.status == "active", col(Kickoff.confirmed_at).is_(None),
                   col(Pair.id) > after)
            .order_by(col(Pair.id)).limit(size)))
        if not rows:
            return
        yield [Unstarted(r[0], r[1], r[2], r[3], r[4], Member(*r[7:14]), Member(*r[14:21]),
                         r[5], r[6]) for r in rows]
        after = rows[-1][0]


@dataclass(frozen=True)
class GoalProgress:
    people: int  # distinct people who rated their goals at this stage
    ratings: dict[str, int]  # not-started | progressing | achieved -> goals


async def goal_progress(session: AsyncSession, stage: str, cohort_id: int | None = None,
                        exclude_cohort: bool = False) -> GoalProgress:
    """Goal ratings of a stage in total, for a cohort, or (`exclude_cohort`) for everyone else."""
    scope = select(GoalRating.person_id, GoalRating.rating).where(GoalRating.stage == stage)
    if cohort_id is not None:
        scope = scope.join(Pair, col(Pair.id) == col(GoalRating.pair_id))
        scope = scope.where((col(Pair.cohort_id) != cohort_id) | col(Pair.cohort_id).is_(None)
                            if exclude_cohort else col(Pair.cohort_id) == cohort_id)
    rows = list(await session.exec(scope))
    ratings: dict[str, int] = {}
    for _, rating in rows:
        ratings[rating] = ratings.get(rating, 0) + 1
    return GoalProgress(len({person for person, _ in rows}), ratings)


async def replace_proposals(session: AsyncSession, pair_id: int) -> None:
    """A new pick replaces the pair's earlier unconfirmed ones."""
    await session.exec(update(PlannedMeeting)  # type: ignore[call-overload]
                       .where(col(PlannedMeeting.pair_id) == pair_id,
                              col(PlannedMeeting.status) == "proposed")
                       .values(status="replaced"))


async def confirmed_between(session: AsyncSession, start: datetime, end: datetime
                            ) -> list[PlannedMeeting]:
    """Confirmed meetings of active pairs starting in [start, end)."""
    rows = await session.exec(
        select(PlannedMeeting).join(Pair, col(Pair.id) == col(PlannedMeeting.pair_id))
        .where(PlannedMeeting.status == "confirmed", Pair.status == "active",
               col(PlannedMeeting.starts_at) >= start, col(PlannedMeeting.starts_at) < end)
        .order_by(col(PlannedMeeting.id)))
    return list(rows)


async def latest_prompt(session: AsyncSession, pair_id: int) -> str | None:
    rows = await session.exec(
        select(PromptDelivery.prompt_id).where(PromptDelivery.pair_id == pair_id,
                                               PromptDelivery.slot == 0)
        .order_by(col(PromptDelivery.created_at).desc()).limit(1))
    return rows.first()


async def meeting_counts(session: AsyncSession) -> dict[str, int]:
    """Booked meetings by status: planned (confirmed, ahead), held, missed."""
    rows = await session.exec(select(PlannedMeeting.status, func.count())
                              .group_by(PlannedMeeting.status))
    return dict(rows.all())


async def last_meeting(session: AsyncSession, pair_id: int) -> datetime | None:
    """The day the pair last met (logged with `met`, *We met* or a booked meeting held), as
    the middle of that day in UTC: its local date is what was logged."""
    day = (await session.exec(select(func.max(Meeting.day))
                              .where(Meeting.pair_id == pair_id))).first()
    return None if day is None else datetime.combine(day, time(12), UTC)


async def booked_ahead(session: AsyncSession, pair_id: int, now: datetime) -> bool:
    rows = await session.exec(select(PlannedMeeting.id).where(
        PlannedMeeting.pair_id == pair_id, PlannedMeeting.status == "confirmed",
        col(PlannedMeeting.starts_at) > now).limit(1))
    return rows.first() is not None


async def next_meeting(session: AsyncSession, pair_id: int, now: datetime) -> PlannedMeeting | None:
    """The pair's next booked meeting still ahead (confirmed, or proposed and not yet)."""
    rows = await session.exec(
        select(PlannedMeeting)
        .where(PlannedMeeting.pair_id == pair_id,
               col(PlannedMeeting.status).in_(("proposed", "confirmed")),
               col(PlannedMeeting.starts_at) >= now)
        .order_by(col(PlannedMeeting.starts_at)).limit(1))
    return rows.first()

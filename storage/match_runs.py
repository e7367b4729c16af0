"""Matching rounds being computed, and the marker that lets only one run at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect, task_runs
from storage.models import MatchRun, Pair, Person, Status, SurveyAnswers

RUNNING = "running"


async def waiting_count(session: AsyncSession, mentees_per_mentor: int) -> dict[str, int]:
    """How many mentors have room ("mentor") or none ("mentor_full") and how many mentees have
    no pair ("mentee"), in one query (the pool itself is read later, off the event loop)."""
    mentored = select(func.count()).where(
        col(Pair.mentor_id) == col(Person.id), col(Pair.status) == "active"
    ).scalar_subquery()
    mentoring = select(func.count()).where(
        col(Pair.mentee_id) == col(Person.id), col(Pair.status) == "active"
    ).scalar_subquery()
    load = case((col(Person.role) == "mentor", mentored), else_=mentoring)
    room = case((col(Person.role) == "mentor", mentees_per_mentor), else_=1)
    has_room = (load < room).label("has_room")
    rows = await session.exec(
        select(Person.role, has_room, func.count())
        .join(SurveyAnswers, col(SurveyAnswers.person_id) == col(Person.id))
        .where(Person.status == Status.ACTIVE, col(Person.role).in_(("mentor", "mentee")))
        .group_by(Person.role, has_room)
    )
    counts: dict[str, int] = {}
    for role, room_left, n in rows.all():
        if room_left or role == "mentor":
            key = str(role) if room_left else f"{role}_full"
            counts[key] = counts.get(key, 0) + int(n)
    return counts


async def abandon_stale(session: AsyncSession, beaten_before: datetime,
                        now: datetime) -> list[MatchRun]:
    """Runs whose process stopped (no beat since `beaten_before`): no longer running."""
    return await task_runs.abandon_stale(session, MatchRun, RUNNING, beaten_before, now)


async def start(session: AsyncSession, admin_id: int | None, people: int,
                now: datetime) -> int | None:
    """The new run's id, or None while another is running (whichever replica started it)."""
    result = await session.exec(  # type: ignore[call-overload]
        dialect.insert(session, MatchRun)
        .values(status=RUNNING, admin_id=admin_id, people=people, started_at=now, beat_at=now)
        .on_conflict_do_nothing()
        .returning(MatchRun.id)
    )
    row = result.first()
    return None if row is None else int(row[0])


async def running(session: AsyncSession) -> MatchRun | None:
    return (await session.exec(select(MatchRun).where(MatchRun.status == RUNNING))).first()


async def finish(session: AsyncSession, run_id: int, status: str, now: datetime,
                 round_id: int | None = None) -> MatchRun | None:
    """End a running run; None if it had already ended (abandoned as stale meanwhile)."""
    result = await session.exec(  # type: ignore[call-overload]
        update(MatchRun)
        .where(col(MatchRun.id) == run_id, col(MatchRun.status) == RUNNING)
        .values(status=status, finished_at=now, round_id=round_id)
        .returning(MatchRun.id)
    )
    if result.first() is None:
        return None
    return await session.get(MatchRun, run_id, populate_existing=True)

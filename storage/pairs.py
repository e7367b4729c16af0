"""Queries about pairs, match rounds, exclusions and the waitlist."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    MatchExclusion,
    MatchRound,
    Pair,
    Person,
    PersonTopic,
    Status,
    SurveyAnswers,
    WaitlistEntry,
)


async def matchable_people(
    session: AsyncSession,
) -> tuple[list[tuple[Person, str]], dict[int, dict[str, set[str]]]]:
    """Active people who finished the survey, with their cadence, and everyone's topics."""
    rows = list(
        await session.exec(
            select(Person, SurveyAnswers.cadence)
            .join(SurveyAnswers, col(SurveyAnswers.person_id) == col(Person.id))
            .where(Person.status == Status.ACTIVE, col(Person.role).in_(("mentor", "mentee")))
            .order_by(col(Person.id))
        )
    )
    # Plain columns, not ORM objects: a 10,000 x 10,000 round reads some 100,000 topic rows.
    topic_rows = await session.exec(
        select(PersonTopic.person_id, PersonTopic.direction, PersonTopic.topic)
        .join(Person, col(Person.id) == col(PersonTopic.person_id))
        .where(Person.status == Status.ACTIVE)
    )
    topics: dict[int, dict[str, set[str]]] = {}
    for person_id, direction, topic in topic_rows:
        topics.setdefault(person_id, {"teach": set(), "learn": set()})[direction].add(topic)
    return [(person, cadence) for person, cadence in rows], topics


async def active_load(session: AsyncSession) -> tuple[dict[int, int], set[int]]:
    """Active pairs per mentor, and the mentees already in an active pair."""
    per_mentor = dict(
        (
            await session.exec(
                select(Pair.mentor_id, func.count())
                .where(Pair.status == "active")
                .group_by(Pair.mentor_id)
            )
        ).all()
    )
    paired_mentees = set(
        (await session.exec(select(Pair.mentee_id).where(Pair.status == "active"))).all()
    )
    return per_mentor, paired_mentees


async def never_again(session: AsyncSession) -> set[tuple[int, int]]:
    """(mentor, mentee) pairs that must not be proposed: together before, or excluded."""
    before = (await session.exec(select(Pair.mentor_id, Pair.mentee_id))).all()
    excluded = (
        await session.exec(select(MatchExclusion.mentor_id, MatchExclusion.mentee_id))
    ).all()
    return {(a, b) for a, b in before} | {(a, b) for a, b in excluded}


async def exclude(
    session: AsyncSession, mentor_id: int, mentee_id: int, reason: str, now: datetime
) -> None:
    if await session.get(MatchExclusion, (mentor_id, mentee_id)) is None:
        session.add(
            MatchExclusion(
                mentor_id=mentor_id, mentee_id=mentee_id, reason=reason[:300], created_at=now
            )
        )


async def active_pairs_of(session: AsyncSession, person_id: int) -> list[Pair]:
    return list(
        await session.exec(
            select(Pair)
            .where(
                Pair.status == "active",
                or_(col(Pair.mentor_id) == person_id, col(Pair.mentee_id) == person_id),
            )
            .order_by(col(Pair.id))
        )
    )


async def decide_round(
    session: AsyncSession, round_id: int, status: str, by: int | None, now: datetime
) -> bool:
    """Move a proposed round to confirmed or discarded; False when someone already decided it."""
    result = await session.exec(  # type: ignore[call-overload]
        update(MatchRound)
        .where(col(MatchRound.id) == round_id, col(MatchRound.status) == "proposed")
        .values(status=status, decided_by=by, decided_at=now)
        .returning(MatchRound.id)
    )
    return result.first() is not None


async def replace_waitlist(
    session: AsyncSession, round_id: int, entries: Iterable[tuple[int, str, str]], now: datetime
) -> None:
    """The latest confirmed round's waitlist replaces the previous one."""
    await session.exec(delete(WaitlistEntry))  # type: ignore[call-overload]
    session.add_all(
        WaitlistEntry(
            person_id=person_id, round_id=round_id, code=code, reason=reason[:300], since=now
        )
        for person_id, code, reason in entries
    )


async def leave_waitlist(session: AsyncSession, person_ids: Iterable[int]) -> None:
    ids = list(person_ids)
    if ids:
        await session.exec(  # type: ignore[call-overload]
            delete(WaitlistEntry).where(col(WaitlistEntry.person_id).in_(ids))
        )


async def waitlist_reason(session: AsyncSession, person_id: int) -> str | None:
    entry = await session.get(WaitlistEntry, person_id)
    return entry.reason if entry else None


async def waitlist_entries(session: AsyncSession) -> list[tuple[int, str, str]]:
    """(person, role, reason code) of everyone active on the waitlist."""
    rows = await session.exec(
        select(WaitlistEntry.person_id, Person.role, WaitlistEntry.code)
        .join(Person, col(Person.id) == col(WaitlistEntry.person_id))
        .where(Person.status == Status.ACTIVE))
    return [(pid, role or "", code) for pid, role, code in rows]

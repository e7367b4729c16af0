"""Set-based reads and writes for the engagement engine: prompts, meetings, nudges."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import (
    Kickoff,
    Meeting,
    Nudge,
    Pair,
    Person,
    PersonTopic,
    PromptDelivery,
    Status,
)


@dataclass(frozen=True)
class Member:
    id: int
    platform: str
    tenant_id: str
    user_id: str
    name: str | None
    timezone: str | None
    last_active_at: datetime | None


@dataclass(frozen=True)
class LivePair:
    id: int
    created_at: datetime
    last_met_on: date | None
    at_risk_since: datetime | None
    mentor: Member
    mentee: Member
    cohort_id: int | None = None
    rhythm: str = "weekly"
    started_at: datetime | None = None  # when both confirmed the kick-off agreement
    ends_on: date | None = None


def member_columns(person: Any) -> list[Any]:
    return [person.id, person.platform, person.tenant_id, person.user_id, person.display_name,
            person.timezone, person.last_active_at]


async def live_pairs(session: AsyncSession, *, started: bool = False, after: int = 0,
                     limit: int | None = None) -> list[LivePair]:
    """Active pairs whose members are both active (a paused member pauses the pair); with
    `started`, only those whose kick-off agreement both have confirmed. In pair id order; a
    job pages through them with `after` (the last id it saw) and `limit`.

    Plain columns, not ORM entities: a page of a thousand pairs is 3,000 fewer objects."""
    mentor, mentee = aliased(Person), aliased(Person)
    statement = (
        select(Pair.id, Pair.created_at, Pair.last_met_on, Pair.at_risk_since,  # type: ignore[call-overload]
               Pair.cohort_id, Kickoff.rhythm, Kickoff.confirmed_at, Kickoff.ends_on,
               *member_columns(mentor), *member_columns(mentee))
        .join(mentor, col(mentor.id) == col(Pair.mentor_id))
        .join(mentee, col(mentee.id) == col(Pair.mentee_id))
        .outerjoin(Kickoff, col(Kickoff.pair_id) == col(Pair.id))
        .where(Pair.status == "active", mentor.status == "active", mentee.status == "active",
               col(Pair.id) > after)
        .order_by(col(Pair.id))
    )
    if started:
        # The kick-off's own bound lets its index scan start at the page, not at pair 1.
        statement = statement.where(col(Pair.agreed_at).is_not(None),
                                    col(Kickoff.confirmed_at).is_not(None),
                                    col(Kickoff.pair_id) > after)
    if limit is not None:
        statement = statement.limit(limit)
    return [LivePair(r[0], r[1], r[2], r[3], Member(*r[8:15]), Member(*r[15:22]), r[4],
                     r[5] or "weekly", r[6], r[7])
            for r in await dialect.rows(session, statement)]


async def pages(session: AsyncSession, size: int, *,
                started: bool = False) -> AsyncIterator[list[LivePair]]:
    """Every live pair, `size` at a time (keyset pagination on the pair id)."""
    after = 0
    while page := await live_pairs(session, started=started, after=after, limit=size):
        yield page
        after = page[-1].id


async def first_cohorts(session: AsyncSession, person_ids: Sequence[int],
                        created_before: datetime) -> dict[int, int]:
    """For each of these people, the cohort of their first live pair (by id) made before
    `created_before` that is in a cohort; people with none are left out."""
    mentor, mentee = aliased(Person), aliased(Person)
    found: dict[int, tuple[int, int]] = {}
    for chunk in _chunks(person_ids):
        for side in (Pair.mentor_id, Pair.mentee_id):
            rows = await session.exec(
                select(side, Pair.id, Pair.cohort_id)  # type: ignore[call-overload]
                .join(mentor, col(mentor.id) == col(Pair.mentor_id))
                .join(mentee, col(mentee.id) == col(Pair.mentee_id))
                .where(Pair.status == "active", mentor.status == "active",
                       mentee.status == "active", col(Pair.cohort_id).is_not(None),
                       col(Pair.created_at) <= created_before, dialect.among(session, col(side), chunk)))
            for person_id, pair_id, cohort_id in rows:
                if person_id not in found or pair_id < found[person_id][0]:
                    found[person_id] = (pair_id, cohort_id)
    return {person_id: cohort for person_id, (_, cohort) in found.items()}


async def recent_prompts(session: AsyncSession, pair_ids: Sequence[int],
                         count: int = 3) -> dict[int, list[tuple[datetime, bool]]]:
    """The last `count` scheduled prompts of each pair, newest first: (sent, skipped)."""
    found: dict[int, list[tuple[datetime, bool]]] = {}
    ids = list(pair_ids)
    for start in range(0, len(ids), 500):
        # Only each pair's last `count`, ranked in the database: a long pairing has had
        # dozens of prompts, and all of them crossed the wire before.
        ranked = (select(PromptDelivery.pair_id, PromptDelivery.created_at,  # type: ignore[call-overload]
                         PromptDelivery.skipped,
                         func.row_number().over(
                             partition_by=PromptDelivery.pair_id,
                             order_by=col(PromptDelivery.created_at).desc()).label("n"))
                  .where(dialect.among(session, col(PromptDelivery.pair_id), ids[start:start + 500]),
                         PromptDelivery.slot == 0).subquery())
        rows = await dialect.rows(session, select(
            ranked.c.pair_id, ranked.c.created_at, ranked.c.skipped)
            .where(ranked.c.n <= count).order_by(ranked.c.pair_id, ranked.c.created_at.desc()))
        for pair_id, created_at, skipped in rows:
            found.setdefault(pair_id, []).append((created_at, skipped))
    return found


def _chunks(ids: Sequence[int], size: int = 1000) -> list[list[int]]:
    ids = list(ids)
    return [ids[start:start + size] for start in range(0, len(ids), size)]


async def prompts_this_week(session: AsyncSession, weeks: Sequence[str],
                            pair_ids: Sequence[int]) -> set[int]:
    """Which of these pairs already have their weekly prompt of one of these weeks."""
    done: set[int] = set()
    for chunk in _chunks(pair_ids):
        rows = await dialect.rows(session,
            select(PromptDelivery.pair_id).where(col(PromptDelivery.week).in_(list(weeks)),
                                                 PromptDelivery.slot == 0,
                                                 dialect.among(session, col(PromptDelivery.pair_id), chunk)))
        done.update(r[0] for r in rows)
    return done


async def prompt_history(session: AsyncSession, pair_ids: Sequence[int]) -> dict[int, list[str]]:
    """Prompt ids each of these pairs has had, oldest first."""
    history: dict[int, list[str]] = {}
    postgres = dialect.is_postgres(session)
    for chunk in _chunks(pair_ids):
        if postgres:  # one row per pair, not one per prompt a pair ever had
            rows = await dialect.rows(session, select(  # type: ignore[call-overload]
                PromptDelivery.pair_id, func.array_agg(aggregate_order_by(
                    PromptDelivery.prompt_id, col(PromptDelivery.created_at),
                    col(PromptDelivery.slot))))
                .where(dialect.among(session, col(PromptDelivery.pair_id), chunk))
                .group_by(col(PromptDelivery.pair_id)))
            history.update((pair_id, list(used)) for pair_id, used in rows)
            continue
        rows = await dialect.rows(session,
            select(PromptDelivery.pair_id, PromptDelivery.prompt_id)
            .where(dialect.among(session, col(PromptDelivery.pair_id), chunk))
            .order_by(col(PromptDelivery.created_at), col(PromptDelivery.slot)))
        for pair_id, prompt_id in rows:
            history.setdefault(pair_id, []).append(prompt_id)
    return history


async def topics_of(session: AsyncSession,
                    person_ids: Sequence[int]) -> dict[int, dict[str, set[str]]]:
    """What each of these people teaches and wants to learn."""
    topics: dict[int, dict[str, set[str]]] = {}
    postgres = dialect.is_postgres(session)
    for chunk in _chunks(person_ids):
        if postgres:  # one row per person; both arrays aggregate the same rows in one order
            rows = await dialect.rows(session, select(  # type: ignore[call-overload]
                PersonTopic.person_id, func.array_agg(PersonTopic.direction),
                func.array_agg(PersonTopic.topic))
                .where(dialect.among(session, col(PersonTopic.person_id), chunk))
                .group_by(col(PersonTopic.person_id)))
            for person_id, directions, names in rows:
                mine: dict[str, set[str]] = {"teach": set(), "learn": set()}
                for direction, topic in zip(directions, names, strict=True):
                    mine[direction].add(topic)
                topics[person_id] = mine
            continue
        rows = await dialect.rows(session,
            select(PersonTopic.person_id, PersonTopic.direction, PersonTopic.topic)
            .where(dialect.among(session, col(PersonTopic.person_id), chunk)))
        for person_id, direction, topic in rows:
            topics.setdefault(person_id, {"teach": set(), "learn": set()})[direction].add(topic)
    return topics


async def claim_prompts(
    session: AsyncSession, rows: Sequence[tuple[int, str, int, str]], now: datetime
) -> set[tuple[int, int]]:
    """Record (pair, week, slot, prompt) rows; returns the (pair, slot) rows this call inserted,
    so two schedulers racing on one week queue each prompt once."""
    inserted = await dialect.insert_new(
        session, PromptDelivery,
        [{"pair_id": p, "week": w, "slot": s, "prompt_id": i, "skipped": False,
          "created_at": now} for p, w, s, i in rows],
        [PromptDelivery.pair_id, PromptDelivery.slot])
    return {(pair_id, slot) for pair_id, slot in inserted}


async def log_meeting(
    session: AsyncSession, pair_id: int, day: date, by: int, note: str | None, now: datetime
) -> bool:
    """False when the pair's meeting for that day was already logged."""
    existing = await session.exec(
        select(Meeting.id).where(Meeting.pair_id == pair_id, Meeting.day == day))
    if existing.first() is not None:
        return False
    session.add(Meeting(pair_id=pair_id, day=day, reported_by=by, note=note, created_at=now))
    pair = await session.get(Pair, pair_id)
    if pair is not None and (pair.last_met_on is None or pair.last_met_on < day):
        pair.last_met_on = day
        session.add(pair)
    await session.flush()
    return True


async def nudges_since(session: AsyncSession, kind: str,
                       person_ids: Sequence[int]) -> dict[int, list[datetime]]:
    """Every nudge of a kind to these people, per person, oldest first."""
    found: dict[int, list[datetime]] = {}
    for chunk in _chunks(person_ids):
        rows = await dialect.rows(session,
            select(Nudge.person_id, Nudge.sent_at)
            .where(Nudge.kind == kind, dialect.among(session, col(Nudge.person_id), chunk))
            .order_by(col(Nudge.sent_at)))
        for person_id, sent_at in rows:
            found.setdefault(person_id, []).append(sent_at)
    return found


async def pending_signups(session: AsyncSession, *, after: int = 0,
                          limit: int | None = None) -> list[Person]:
    """People who started the survey and never finished, in id order from `after`."""
    statement = (select(Person).where(Person.status == Status.PENDING,
                                      col(Person.data_deleted).is_(False), col(Person.id) > after)
                 .order_by(col(Person.id)))
    return list(await session.exec(statement.limit(limit) if limit else statement))


async def record_nudges(session: AsyncSession, rows: Sequence[tuple[str, int, int | None]],
                        kind: str, now: datetime) -> set[str]:
    """Record (key, person, pair) nudges in a few statements; the keys this call recorded
    (a logical nudge recorded before, by another replica or a rerun, is left out)."""
    recorded = await dialect.insert_new(
        session, Nudge, [{"key": key, "person_id": person, "pair_id": pair, "kind": kind,
                          "sent_at": now} for key, person, pair in rows],
        [Nudge.key], ["key"])
    return {key for (key,) in recorded}


async def record_nudge(
    session: AsyncSession, key: str, person_id: int, pair_id: int | None, kind: str, now: datetime
) -> bool:
    """False when this logical nudge was recorded before (another replica, a rerun)."""
    statement = (
        dialect.insert(session, Nudge)
        .values(key=key, person_id=person_id, pair_id=pair_id, kind=kind, sent_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Nudge.id)
    )
    return (await session.exec(statement)).first() is not None  # type: ignore[call-overload]

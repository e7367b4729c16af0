"""Set-based reads and writes for the engagement engine: prompts, meetings, nudges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_
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


def _member(p: Person) -> Member:
    assert p.id is not None
    return Member(p.id, p.platform, p.tenant_id, p.user_id, p.display_name, p.timezone,
                  p.last_active_at)


async def live_pairs(session: AsyncSession, *, started: bool = False) -> list[LivePair]:
    """Active pairs whose members are both active (a paused member pauses the pair); with
    `started`, only those whose kick-off agreement both have confirmed."""
    mentor, mentee = aliased(Person), aliased(Person)
    statement = (
        select(Pair, mentor, mentee, Kickoff)
        .join(mentor, col(mentor.id) == col(Pair.mentor_id))
        .join(mentee, col(mentee.id) == col(Pair.mentee_id))
        .outerjoin(Kickoff, col(Kickoff.pair_id) == col(Pair.id))
        .where(Pair.status == "active", mentor.status == "active", mentee.status == "active")
        .order_by(col(Pair.id))
    )
    if started:
        statement = statement.where(col(Pair.agreed_at).is_not(None),
                                    col(Kickoff.confirmed_at).is_not(None))
    return [LivePair(p.id, p.created_at, p.last_met_on, p.at_risk_since, _member(a), _member(b),  # type: ignore[arg-type]
                     p.cohort_id, k.rhythm if k else "weekly", k.confirmed_at if k else None,
                     k.ends_on if k else None)
            for p, a, b, k in await session.exec(statement)]


async def recent_prompts(session: AsyncSession, pair_ids: Sequence[int],
                         count: int = 3) -> dict[int, list[tuple[datetime, bool]]]:
    """The last `count` scheduled prompts of each pair, newest first: (sent, skipped)."""
    found: dict[int, list[tuple[datetime, bool]]] = {}
    ids = list(pair_ids)
    for start in range(0, len(ids), 500):
        rows = await session.exec(
            select(PromptDelivery.pair_id, PromptDelivery.created_at, PromptDelivery.skipped)
            .where(col(PromptDelivery.pair_id).in_(ids[start:start + 500]), PromptDelivery.slot == 0)
            .order_by(col(PromptDelivery.pair_id), col(PromptDelivery.created_at).desc()))
        for pair_id, created_at, skipped in rows:
            kept = found.setdefault(pair_id, [])
            if len(kept) < count:
                kept.append((created_at, skipped))
    return found


async def prompts_this_week(session: AsyncSession, weeks: Sequence[str]) -> set[int]:
    rows = await session.exec(
        select(PromptDelivery.pair_id).where(col(PromptDelivery.week).in_(list(weeks)),
                                             PromptDelivery.slot == 0))
    return set(rows.all())


async def prompt_history(session: AsyncSession) -> dict[int, list[str]]:
    """Prompt ids each active pair has had, oldest first."""
    rows = await session.exec(
        select(PromptDelivery.pair_id, PromptDelivery.prompt_id)
        .join(Pair, col(Pair.id) == col(PromptDelivery.pair_id))
        .where(Pair.status == "active")
        .order_by(col(PromptDelivery.created_at), col(PromptDelivery.slot))
    )
    history: dict[int, list[str]] = {}
    for pair_id, prompt_id in rows:
        history.setdefault(pair_id, []).append(prompt_id)
    return history


async def topics_of_paired(session: AsyncSession) -> dict[int, dict[str, set[str]]]:
    rows = await session.exec(
        select(PersonTopic).join(Pair, and_(
            col(Pair.status) == "active",
            (col(Pair.mentor_id) == col(PersonTopic.person_id))
            | (col(Pair.mentee_id) == col(PersonTopic.person_id)))))
    topics: dict[int, dict[str, set[str]]] = {}
    for row in rows:
        topics.setdefault(row.person_id, {"teach": set(), "learn": set()})[row.direction].add(row.topic)
    return topics


async def claim_prompts(
    session: AsyncSession, rows: Sequence[tuple[int, str, int, str]], now: datetime
) -> set[tuple[int, int]]:
    """Record (pair, week, slot, prompt) rows; returns the (pair, slot) rows this call inserted,
    so two schedulers racing on one week queue each prompt once."""
    inserted: set[tuple[int, int]] = set()
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        statement = (
            dialect.insert(session, PromptDelivery)
            .values([{"pair_id": p, "week": w, "slot": s, "prompt_id": i, "skipped": False,
                      "created_at": now} for p, w, s, i in chunk])
            .on_conflict_do_nothing()
            .returning(PromptDelivery.pair_id, PromptDelivery.slot)
        )
        inserted.update((await session.exec(statement)).all())  # type: ignore[call-overload]
    return inserted


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


async def nudges_since(session: AsyncSession, kind: str) -> dict[int, list[datetime]]:
    """Every nudge of a kind, per person, oldest first."""
    rows = await session.exec(
        select(Nudge.person_id, Nudge.sent_at).where(Nudge.kind == kind).order_by(col(Nudge.sent_at)))
    found: dict[int, list[datetime]] = {}
    for person_id, sent_at in rows:
        found.setdefault(person_id, []).append(sent_at)
    return found


async def pending_signups(session: AsyncSession) -> list[Person]:
    rows = await session.exec(select(Person).where(Person.status == Status.PENDING,
                                                   col(Person.data_deleted).is_(False)))
    return list(rows)


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

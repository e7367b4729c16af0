"""Outcome figures: running totals of the pairs' own check-ins, read for release, and the
released values (`outcome_release`) the program team may see; plus the exact activity
figures goals measure (meeting rhythm, enrolment).

Nothing here hands a caller one person's answer: tallies are sums per cohort, and what stats
and goals show comes from released rows only.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CheckinAnswer, GoalRating, Kickoff, OutcomeRelease, Pair, Person

WHOLE = 0  # the scope of figures over the whole program
RHYTHM_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 28}
RATINGS = ("achieved", "progressing", "not-started")


@dataclass
class Tally:
    """One figure's running total for one group: how many answers, and named counts."""

    answers: int = 0
    counts: Counter[str] = field(default_factory=Counter)


Tallies = dict[str, dict[int | None, Tally]]  # figure -> cohort (None: no cohort) -> tally


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day where that day does not exist)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


async def checkin_tallies(session: AsyncSession, cutoff: datetime,
                          applied_months: Sequence[int]) -> Tallies:
    """Every check-in figure per cohort, over the answers given before `cutoff`.

    mid / end: everyone's mid-point or closing check-in, with their goal ratings (and at the
    end the ROI answers); mentee: senior mentees, whether they applied a new skill (at all,
    and within N months of their pair's start); mentee-end: the seniors' retention question."""
    found: Tallies = defaultdict(lambda: defaultdict(Tally))
    a = CheckinAnswer
    rows = await session.exec(
        select(a.pair_id, a.person_id, a.stage, a.role, a.grew, a.future_leader,
               a.changed_view, a.recommend, a.helps_retention, a.answered_at, Pair.cohort_id,
               Pair.agreed_at, Pair.created_at)
        .join(Pair, col(Pair.id) == col(a.pair_id)).where(col(a.answered_at) < cutoff))
    applied: dict[tuple[int, int], set[str]] = {}
    mentee_cohort: dict[tuple[int, int], int | None] = {}
    for (pair, person, stage, role, grew, leader, view, recommend, helps, answered, cohort,
         agreed, created) in rows:
        whole = found[stage][cohort]
        whole.answers += 1
        if stage == "end":
            whole.counts.update({
                "responses": 1, "future_leader": leader == "yes", "view_more": view == "more",
                "view_less": view == "less", "recommend_sum": recommend or 0,
                "promoters": recommend == 5, "detractors": (recommend or 0) in (1, 2, 3)})
        if role != "mentee":
            continue
        found["mentee"][cohort].answers += 1
        key = (pair, person)
        mentee_cohort[key] = cohort
        said = applied.setdefault(key, set())
        if grew == "yes":
            said.add("applied")
            start = agreed or created
            said.update(f"applied:{n}" for n in applied_months
                        if answered <= add_months(start, n))
        if stage == "end" and helps:
            seniors = found["mentee-end"][cohort]
            seniors.answers += 1
            seniors.counts.update({"asked": 1, "yes": helps == "yes"})
    for key, said in applied.items():
        counts = found["mentee"][mentee_cohort[key]].counts
        counts.update({"people": 1, **{name: 1 for name in said}})
    ratings = await session.exec(
        select(GoalRating.stage, Pair.cohort_id, GoalRating.rating, func.count())
        .join(Pair, col(Pair.id) == col(GoalRating.pair_id))
        .where(col(GoalRating.answered_at) < cutoff)
        .group_by(GoalRating.stage, Pair.cohort_id, GoalRating.rating))
    for stage, cohort, rating, n in ratings:
        if stage in found and cohort in found[stage]:
            found[stage][cohort].counts.update({"goals": n, rating: n})
    return found


async def latest_answers(session: AsyncSession) -> dict[tuple[str, int], int]:
    """(figure, scope) -> how many answers its latest release covered."""
    last = (select(OutcomeRelease.figure, OutcomeRelease.scope,
                   func.max(OutcomeRelease.id).label("id"))
            .group_by(OutcomeRelease.figure, OutcomeRelease.scope).subquery())
    rows = await session.exec(select(OutcomeRelease.figure, OutcomeRelease.scope,
                                     OutcomeRelease.answers)
                              .join(last, col(OutcomeRelease.id) == last.c.id))
    return {(figure, scope): n for figure, scope, n in rows}


def add_release(session: AsyncSession, figure: str, scope: int, answers: int,
                counts: Mapping[str, int], now: datetime) -> None:
    session.add(OutcomeRelease(figure=figure, scope=scope, answers=answers,
                               counts=json.dumps(dict(sorted(counts.items()))), released_at=now))


@dataclass(frozen=True)
class Released:
    """One released value of a figure."""

    released_at: datetime
    answers: int
    counts: dict[str, int]

    def get(self, name: str) -> int:
        return self.counts.get(name, 0)


async def series(session: AsyncSession, figure: str, scope: int) -> list[Released]:
    """Every released value of a figure for a scope, oldest first."""
    rows = await session.exec(
        select(OutcomeRelease.released_at, OutcomeRelease.answers, OutcomeRelease.counts)
        .where(OutcomeRelease.figure == figure, OutcomeRelease.scope == scope)
        .order_by(col(OutcomeRelease.released_at), col(OutcomeRelease.id)))
    return [Released(at, n, json.loads(counts)) for at, n, counts in rows]


@dataclass(frozen=True)
class Rhythm:
    pairs: int  # live pairs with an agreed rhythm, each at least one interval old
    on_rhythm: int  # of those, the ones that met within 1.5 intervals


async def rhythm(session: AsyncSession, now: datetime, cohort_id: int | None) -> Rhythm:
    """Exact: pairs meeting at the rhythm they agreed in their kick-off."""
    today = now.date()
    old_enough = or_(*(and_(col(Kickoff.rhythm) == name, col(Kickoff.confirmed_at)
                            <= now - timedelta(days=days)) for name, days in RHYTHM_DAYS.items()))
    recent = or_(*(and_(col(Kickoff.rhythm) == name, col(Pair.last_met_on)
                        >= today - timedelta(days=-(-3 * days // 2)))
                   for name, days in RHYTHM_DAYS.items()))
    query = (select(func.count(), func.count().filter(recent))
             .select_from(Pair).join(Kickoff, col(Kickoff.pair_id) == col(Pair.id))
             .where(Pair.status == "active", old_enough))
    if cohort_id is not None:
        query = query.where(Pair.cohort_id == cohort_id)
    pairs, met = (await session.exec(query)).one()
    return Rhythm(pairs, met)


async def enrolled(session: AsyncSession, cohort_id: int | None, at: datetime) -> int:
    """Exact: people who finished signing up by `at` (and, in a cohort, were in its pairs)."""
    query = select(func.count()).select_from(Person).where(
        col(Person.joined_at).is_not(None), col(Person.joined_at) <= at)
    if cohort_id is not None:
        members = (select(Pair.mentor_id).where(Pair.cohort_id == cohort_id)
                   .union(select(Pair.mentee_id).where(Pair.cohort_id == cohort_id)))
        query = query.where(col(Person.id).in_(members))
    return (await session.exec(query)).one()


async def nth_enrolment(session: AsyncSession, cohort_id: int | None, n: int) -> datetime | None:
    """When the n-th person (by join time) enrolled: the day an enrolment target was reached."""
    query = (select(Person.joined_at).where(col(Person.joined_at).is_not(None))
             .order_by(col(Person.joined_at)).offset(n - 1).limit(1))
    if cohort_id is not None:
        members = (select(Pair.mentor_id).where(Pair.cohort_id == cohort_id)
                   .union(select(Pair.mentee_id).where(Pair.cohort_id == cohort_id)))
        query = query.where(col(Person.id).in_(members))
    return (await session.exec(query)).first()


async def first_pair(session: AsyncSession) -> datetime | None:
    """When the first pair started: pair goals count their months from there."""
    return (await session.exec(select(func.min(Pair.created_at)))).one()



async def released_words(session: AsyncSession, cohort_id: int | None
                         ) -> list[tuple[str, str]]:
    """(question, text) of the pairs' own closing words their authors agreed to share, counted
    in a released figure of this scope; nothing that says who wrote them."""
    scope = WHOLE if cohort_id is None else cohort_id
    last = (select(func.max(OutcomeRelease.released_at))
            .where(OutcomeRelease.figure == "end", OutcomeRelease.scope == scope)
            .scalar_subquery())
    a = CheckinAnswer
    query = select(a.learned, a.taught).where(a.stage == "end", col(a.share_text).is_(True),
                                              col(a.answered_at) < last)
    if cohort_id is not None:
        query = query.where(col(a.pair_id).in_(select(Pair.id).where(Pair.cohort_id == cohort_id)))
    return [(question, text) for learned, taught in await session.exec(query)
            for question, text in (("learned", learned), ("taught", taught)) if text]

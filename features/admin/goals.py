"""Program goals (app.yaml `goals:`): each goal's current value against its target, its trend,
and whether it is on track, since when. `admin goals`, the top of `admin stats` and the
leadership report all read `evaluate`.

Figures from answers come only from released results (features.feedback.results and
.outcomes): a goal drawn from answers moves only when a round or a batch is released, and
reads "too few to report" below `privacy.min_group_size`. Activity figures (enrolment, meeting
rhythm) are exact and current.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.goals import CATALOGUE, Goal, Unit
from config.program import Program
from core.privacy import TOO_FEW
from storage import closing, outcomes, polls, stats
from storage.models import CheckinAnswer, Cohort, Pair, PulseAnswer
from storage.outcomes import WHOLE, Released

State = Literal["on track", "off track", "too early", "too few to report"]
Trend = Literal["up", "down", "steady", "new", ""]
ON_TRACK, OFF_TRACK, TOO_EARLY = "on track", "off track", "too early"


@dataclass(frozen=True)
class Point:
    """A goal's value at one moment (None: not shown then)."""

    at: datetime
    value: float | None


@dataclass(frozen=True)
class GoalStatus:
    """One goal as the program team sees it."""

    key: str  # metric:by_month, unique per program
    name: str
    metric: str
    unit: Unit
    from_answers: bool  # held to the minimum group size; else exact activity
    target: float
    by_month: int
    deadline: date | None  # None: nothing has started yet
    value: float | None  # None: too early, or too few to report
    previous: float | None  # the value before the latest change, for the trend
    trend: Trend
    state: State
    since: date | None  # when the goal entered its current state

    def value_text(self) -> str:
        return "–" if self.value is None else _format(self.value, self.unit)

    def target_text(self) -> str:
        return _format(self.target, self.unit)


def _format(value: float, unit: Unit) -> str:
    if unit == "percent":
        return f"{value:.0f}%"
    if unit == "score":
        return f"{value:.1f} / 5"
    if unit in ("nps", "points"):
        return f"{value:+.0f}" + (" points" if unit == "points" else "")
    return f"{value:,.0f}"


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


async def evaluate(session: AsyncSession, program: Program, now: datetime,
                   cohort: Cohort | None = None) -> list[GoalStatus]:
    """Every configured goal, in app.yaml's order, for the program or one cohort. Reads only
    released and exact figures; call it after results were released (stats does)."""
    scope = WHOLE if cohort is None else cohort.id
    assert scope is not None
    cohort_id = None if cohort is None else cohort.id
    starts = {"pairs": cohort.started_at if cohort else await outcomes.first_pair(session),
              "people": cohort.started_at if cohort else await stats.first_join(session)}
    found = []
    for goal in program.goals:
        start = starts["people" if goal.metric in ("enrolment", "retention") else "pairs"]
        points, answered = await _points(session, program, now, goal, scope, cohort_id)
        found.append(_status(goal, program, now, start, points, answered))
    return found


async def _points(session: AsyncSession, program: Program, now: datetime, goal: Goal,
                  scope: int, cohort_id: int | None) -> tuple[list[Point], int]:
    """The goal's values over time, the current one last, and how many answers (or pairs, or
    people) there are so far, released or not: only whether any exist is ever shown."""
    metric = goal.metric
    if metric == "enrolment":
        count = await outcomes.enrolled(session, cohort_id, now)
        month_ago = now - timedelta(days=28)
        points = [Point(month_ago, await outcomes.enrolled(session, cohort_id, month_ago))]
        target = max(1, int(-(-goal.target // 1)))
        reached = await outcomes.nth_enrolment(session, cohort_id, target)
        if reached is not None and reached > month_ago:
            points.append(Point(reached, target))
        return [*points, Point(now, count)], count
    if metric == "meeting_rhythm":
        live = await outcomes.rhythm(session, now, cohort_id)
        history = await outcomes.series(session, "rhythm", scope) if cohort_id is None else []
        return ([*_released(history, lambda r: _share(r.get("on_rhythm"), r.get("pairs"))),
                 Point(now, _share(live.on_rhythm, live.pairs))], live.pairs)
    if metric == "retention":
        history = await outcomes.series(session, "retention", WHOLE)
        return _released(history, _retention_gap), len(history)
    if metric == "satisfaction":
        rounds = [r for r in await polls.rounds(session, cohort_id) if r.released]
        points = [Point(r.closes_at, None if r.value_sum is None or not r.responses
                        else r.value_sum / r.responses) for r in rounds]
        return points, sum(r.responses for r in rounds) + await _answered(
            session, PulseAnswer, cohort_id)
    if metric == "applied_new_skill":
        history = await outcomes.series(session, "mentee", scope)
        points = _released(history, lambda r: _share(r.get(goal.key.replace(
            "applied_new_skill", "applied")), r.get("people")))
        return points, await _answered(session, CheckinAnswer, cohort_id, role="mentee")
    # The closing figures: the pairs' own closing surveys plus the cohorts' closing surveys.
    end = await outcomes.series(session, "end", scope)
    answered = await _answered(session, CheckinAnswer, cohort_id, stage="end")
    if metric == "goals_achieved":
        return _released(end, lambda r: _share(r.get("achieved"), r.get("goals"))), answered
    surveys = [s for s in await closing.surveys(session, cohort_id)
               if s.released and s.recommend_sum is not None and s.released_at is not None]
    answered += sum(s.responses for s in await closing.surveys(session, cohort_id))
    events = sorted([(r.released_at, r, None) for r in end]
                    + [(s.released_at, None, s) for s in surveys], key=lambda e: e[0])
    latest: Released | None = None
    cohorts: dict[int, closing.Survey] = {}
    points = []
    for at, release, survey in events:
        if release is not None:
            latest = release
        if survey is not None:
            cohorts[survey.cohort_id] = survey
        totals = _closing_totals(latest, cohorts.values())
        points.append(Point(at, _closing_value(metric, totals)))
    return points, answered


def _released(history: list[Released], value: Callable[[Released], float | None]
              ) -> list[Point]:
    return [Point(r.released_at, value(r)) for r in history]


def _retention_gap(r: Released) -> float | None:
    ours, others = (_share(r.get("participants_stayed"), r.get("participants")),
                    _share(r.get("others_stayed"), r.get("others")))
    return None if ours is None or others is None else ours - others


def _closing_totals(end: Released | None, surveys: object) -> dict[str, int]:
    totals = {name: end.get(name) if end else 0 for name in (
        "responses", "future_leader", "promoters", "detractors")}
    for s in surveys:  # type: ignore[attr-defined]
        totals["responses"] += s.responses
        totals["future_leader"] += s.future_leader_yes or 0
        totals["promoters"] += s.promoters or 0
        totals["detractors"] += s.detractors or 0
    return totals


def _closing_value(metric: str, totals: dict[str, int]) -> float | None:
    n = totals["responses"]
    if not n:
        return None
    if metric == "future_leader":
        return _share(totals["future_leader"], n)
    return 100 * (totals["promoters"] - totals["detractors"]) / n


async def _answered(session: AsyncSession, table: type, cohort_id: int | None,
                    **where: str) -> int:
    """How many answers exist, released or not: a count, never what they say."""
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(getattr(table, name) == value)
    if cohort_id is not None:
        query = query.where(col(table.cohort_id) == cohort_id) if hasattr(table, "cohort_id") \
            else query.where(col(table.pair_id).in_(_cohort_pairs(cohort_id)))
    return (await session.exec(query)).one()


def _cohort_pairs(cohort_id: int):  # type: ignore[no-untyped-def]
    return select(Pair.id).where(Pair.cohort_id == cohort_id)


def _state(goal: Goal, program: Program, at: datetime, start: datetime | None,
           value: float | None, answered: int) -> State:
    if start is None:
        return TOO_EARLY
    deadline = outcomes.add_months(start, goal.by_month)
    if value is None:
        early = at < deadline and not answered
        return TOO_EARLY if early else TOO_FEW  # type: ignore[return-value]
    if value >= goal.target:
        return ON_TRACK
    return TOO_EARLY if at < start + (deadline - start) / 2 else OFF_TRACK


def _status(goal: Goal, program: Program, now: datetime, start: datetime | None,
            points: list[Point], answered: int) -> GoalStatus:
    metric = CATALOGUE[goal.metric]
    current = points[-1].value if points else None
    values = [p.value for p in points if p.value is not None]
    earlier = [v for v in values[:-1] if v != current] if current is not None else []
    previous = earlier[-1] if earlier else None
    trend: Trend = ("" if current is None else "new" if len(values) < 2
                    else "steady" if values[-2] == current
                    else "up" if current > values[-2] else "down")
    state = _state(goal, program, now, start, current, answered)
    deadline = outcomes.add_months(start, goal.by_month) if start else None
    return GoalStatus(
        key=goal.key, name=goal.title, metric=goal.metric, unit=metric.unit,
        from_answers=metric.from_answers, target=goal.target, by_month=goal.by_month,
        deadline=deadline.date() if deadline else None, value=current, previous=previous,
        trend=trend, state=state,
        since=_since(goal, program, now, start, points, answered, state))


def _since(goal: Goal, program: Program, now: datetime, start: datetime | None,
           points: list[Point], answered: int, state: State) -> date | None:
    """When the goal entered its current state: walk its history, including the moment half
    the time to its deadline had gone (when "too early" turns into "off track")."""
    if start is None:
        return None
    deadline = outcomes.add_months(start, goal.by_month)
    moments = sorted({p.at for p in points} | {start + (deadline - start) / 2, deadline})
    since = start
    last: State | None = None
    for moment in [m for m in moments if start <= m <= now] + [now]:
        value = next((p.value for p in reversed(points) if p.at <= moment), None)
        here = _state(goal, program, moment, start, value, answered)
        if here != last:
            since, last = moment, here
    return (since if last == state else now).date()


"""What the admin charts show, as plain data: the one model `admin stats` and `admin report`
both draw, so the picture, its alt text and its text version always hold the same numbers.

Enrolment and meetings are activity (exact at any size); satisfaction comes only from poll
rounds released at their close and answered by at least `privacy.min_group_size` people
(features.feedback.results), and every other round is a gap with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from core.context import Context
from core.privacy import TOO_FEW
from features.feedback.results import poll_rounds
from storage import trends

MONTHS = 12
WEEKS = 12
ROUNDS = 6
BAR = "█"
WIDE = 12  # the longest text bar, in characters


def month_name(month: date) -> str:
    return f"{month:%b %Y}"


def week_name(monday: date) -> str:
    return f"{monday.day} {monday:%b}"


def _people(count: int, role: str) -> str:
    return f"{count} {role}" + ("" if count == 1 else "s")


def _bars(rows: Sequence[tuple[str, float | None, str]]) -> str:
    """Text bars for where a picture cannot go: `label` bar value, one row each."""
    peak = max((v for _, v, _ in rows if v), default=0) or 1
    return "\n".join(f"`{label}` {BAR * max(1, round(WIDE * v / peak)) if v else ''} {text}"
                     .replace("  ", " ") for label, v, text in rows)


@dataclass(frozen=True)
class Enrolment:
    """People enrolled by the end of each month, by role (everyone who ever joined)."""

    months: tuple[date, ...]  # first days of months, oldest first
    mentors: tuple[int, ...]
    mentees: tuple[int, ...]

    title = "People enrolled, by role"
    x_label = "month"
    y_label = "people enrolled (running total)"

    @property
    def alt(self) -> str:
        first, last = month_name(self.months[0]), month_name(self.months[-1])
        span = f"in {last}" if len(self.months) == 1 else f"from {first} to {last}"
        return (f"Line chart of people enrolled by the end of each month, {span}: junior "
                f"mentors {self._change(self.mentors)}, senior mentees "
                f"{self._change(self.mentees)}.")

    @staticmethod
    def _change(series: tuple[int, ...]) -> str:
        return str(series[-1]) if len(series) == 1 else f"from {series[0]} to {series[-1]}"

    @property
    def fallback(self) -> str:
        rows = [(f"{m:%b %Y}", float(a + b), f"{_people(a, 'mentor')} · {_people(b, 'mentee')}")
                for m, a, b in zip(self.months, self.mentors, self.mentees, strict=True)]
        return _bars(rows)


@dataclass(frozen=True)
class WeeklyMeetings:
    weeks: tuple[date, ...]  # Mondays, oldest first
    counts: tuple[int, ...]

    title = "Meetings logged per week"
    x_label = "week starting"
    y_label = "meetings logged"

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def alt(self) -> str:
        peak = max(self.counts)
        busiest = week_name(self.weeks[self.counts.index(peak)])
        return (f"Bar chart of meetings logged per week, the {len(self.weeks)} weeks from "
                f"{week_name(self.weeks[0])} to {week_name(self.weeks[-1])}: "
                f"{self.total} in all, the most ({peak}) in the week of {busiest}, "
                f"{self.counts[-1]} so far this week.")

    @property
    def fallback(self) -> str:
        rows = [(week_name(w).rjust(6), float(n), str(n))
                for w, n in zip(self.weeks, self.counts, strict=True)]
        return _bars(rows)


@dataclass(frozen=True)
class RoundPoint:
    name: str  # "poll of 28 Dec"
    value: float | None  # the average (1-5), only when released and reportable
    gap: str = ""  # why there is no value: "open until 4 Jan", "too few to report"


@dataclass(frozen=True)
class Satisfaction:
    rounds: tuple[RoundPoint, ...]

    title = "Satisfaction per poll round"
    x_label = "poll round"
    y_label = "average rating (1 to 5)"

    @property
    def alt(self) -> str:
        parts = [f"{r.name} {r.value:.1f}" if r.value is not None else f"{r.name} not shown "
                 f"({r.gap})" for r in self.rounds]
        return "Line chart of the average rating out of 5 per poll round: " + "; ".join(parts) + "."

    @property
    def fallback(self) -> str:
        rows = [(r.name, r.value, f"{r.value:.1f}" if r.value is not None else f"· {r.gap}")
                for r in self.rounds]
        return "Out of 5:\n" + _bars(rows)


@dataclass(frozen=True)
class GoalBar:
    """One goal as the chart draws it: its value as a share of the target."""

    name: str
    current: float | None  # None: too early or too few to report
    target: float
    current_text: str  # "31%", "4.2"
    target_text: str
    state: str  # on track / off track / too early / too few to report

    @property
    def label(self) -> str:
        """What the chart writes by the bar: the value, the target and the state."""
        return f"{self.current_text} · target {self.target_text} · {self.state}"

    @property
    def progress(self) -> float | None:
        """The current value as a percentage of the target (100: reached)."""
        if self.current is None or not self.target:
            return None
        return 100 * self.current / self.target


@dataclass(frozen=True)
class GoalProgress:
    goals: tuple[GoalBar, ...]

    title = "Goal progress against target"
    x_label = "current value as % of target (the line is the target)"
    y_label = ""

    @property
    def alt(self) -> str:
        parts = [f"{g.name}: {g.current_text} against a target of {g.target_text}, {g.state}"
                 if g.current is not None else f"{g.name}: {g.state}" for g in self.goals]
        return "Bar chart of each goal against its target. " + "; ".join(parts) + "."

    @property
    def fallback(self) -> str:
        rows = [(g.name, g.progress, f"{g.label}"
                 if g.current is not None else g.state) for g in self.goals]
        return _bars(rows)


Chart = Enrolment | WeeklyMeetings | Satisfaction | GoalProgress


class GoalLike(Protocol):
    """What the goal chart reads of a goal's status (features.admin.goals.GoalStatus)."""

    name: str
    value: float | None
    target: float
    state: str
    since: date | None

    def value_text(self) -> str: ...

    def target_text(self) -> str: ...


def goal_progress(goals: Sequence[GoalLike]) -> GoalProgress | None:
    """Bars as a share of each target; a negative value or target (a net score, a gap in
    points) draws no bar past zero, but its words still say the figure."""
    bars = tuple(GoalBar(g.name, None if g.value is None else max(0.0, g.value),
                         g.target if g.target > 0 else 0.0, g.value_text(), g.target_text(),
                         g.state) for g in goals)
    return GoalProgress(bars) if bars else None


def _month_starts(last: date, count: int) -> list[date]:
    months, year, month = [], last.year, last.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


async def enrolment(ctx: Context, cohort_id: int | None) -> Enrolment | None:
    rows = await trends.joins_by_month_and_role(ctx.session, cohort_id)
    if not rows:
        return None
    today = ctx.now().date()
    first = date.fromisoformat(rows[0][0] + "-01")
    span = (today.year - first.year) * 12 + today.month - first.month + 1
    months = _month_starts(today, max(1, min(MONTHS, span)))
    joined: dict[tuple[str, str], int] = {(m, role): n for m, role, n in rows}
    mentors, mentees = [], []
    for month in months:
        upto = f"{month:%Y-%m}"
        mentors.append(sum(n for (m, r), n in joined.items() if r == "mentor" and m <= upto))
        mentees.append(sum(n for (m, r), n in joined.items() if r == "mentee" and m <= upto))
    return Enrolment(tuple(months), tuple(mentors), tuple(mentees))


async def weekly_meetings(ctx: Context, cohort_id: int | None) -> WeeklyMeetings | None:
    today = ctx.now().date()
    this_week = today - timedelta(days=today.weekday())
    weeks = [this_week - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    counts = dict.fromkeys(weeks, 0)
    for day, n in await trends.meetings_by_day(ctx.session, cohort_id, weeks[0]):
        monday = day - timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += n
    found = WeeklyMeetings(tuple(weeks), tuple(counts[w] for w in weeks))
    return found if found.total else None


async def satisfaction(ctx: Context, cohort_id: int | None) -> Satisfaction | None:
    rounds = await poll_rounds(ctx, cohort_id, last=ROUNDS)
    if not rounds:
        return None
    points = []
    for poll in rounds:
        if not poll.released:
            points.append(RoundPoint(poll.name, None, f"open until {poll.closes_at:%-d %b}"))
        elif not poll.shown:
            points.append(RoundPoint(poll.name, None, TOO_FEW))
        else:
            points.append(RoundPoint(poll.name, poll.value.value))
    return Satisfaction(tuple(points))


async def charts(ctx: Context, cohort_id: int | None,
                 goals: GoalProgress | None = None) -> list[Chart]:
    """The charts there is something to draw for, in the order they are shown."""
    found: list[Chart | None] = [
        await enrolment(ctx, cohort_id),
        await weekly_meetings(ctx, cohort_id),
        await satisfaction(ctx, cohort_id),
        goals if goals is not None and goals.goals else None,
    ]
    return [chart for chart in found if chart is not None]

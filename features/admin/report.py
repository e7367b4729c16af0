"""`admin report [cohort NAME]`: one PDF page for leadership, delivered privately like the export.

The page holds a plain-language summary, the goals with their status, the four charts and the
figures of `admin stats`, read by the same code (stats.figures, trends.charts), so the report
can never say more than the stats do, nor something else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.context import Context
from core.events import Command
from core.messages import Response
from features.admin import goals_text, stats, trends
from features.run_beats import STALE
from storage import reports
from storage import stats as figures_store
from storage.models import Cohort, Person

TASK = "leadership_report"
PREPARING = "Building your report… it arrives in a private message in a moment."


@dataclass(frozen=True)
class GoalRow:
    name: str
    target: str
    current: str
    state: str
    since: str


@dataclass(frozen=True)
class Report:
    """Everything the page shows, already decided: rendering adds no figure of its own."""

    program: str
    scope: str  # "the whole program" or "cohort “Spring”"
    made_on: date
    summary: str
    goals: tuple[GoalRow, ...]
    charts: tuple[trends.Chart, ...]
    figures: tuple[str, ...]  # the lines of `admin stats`, footnote last


def goal_rows(goals: Sequence[trends.GoalLike]) -> tuple[GoalRow, ...]:
    return tuple(GoalRow(g.name, g.target_text(), g.value_text(), g.state,
                         f"since {g.since.day} {g.since:%b %Y}" if g.since else "")
                 for g in goals)


async def report_command(ctx: Context, admin: Person, event: Command, args: str) -> Response:
    """Answer at once; the report is built and sent by the task (features/admin/report_run.py),
    so no platform's request waits for a page of charts to be drawn."""
    cohort, error = await stats.find_cohort(ctx, args)
    if error:
        return Response.say(error)
    busy = await reports.building(ctx.session, admin.id, ctx.now() - STALE)
    if busy is not None:
        return Response.say(
            f"Your report is already being built (asked at {busy.requested_at:%H:%M} UTC) and "
            "arrives in a private message in a moment. One report at a time: type "
            "`admin report` again once it's here if you need another.")
    request_id = await reports.request(ctx.session, admin.id, cohort.id if cohort else None,
                                       ctx.now())
    ctx.start(TASK, request_id)
    return Response.say(PREPARING)


async def build(ctx: Context, cohort: Cohort | None) -> Report:
    """The goals (as `admin goals` reads them), the charts and the lines of `admin stats`."""
    cohort_id = cohort.id if cohort else None
    goals = await goals_text.program_goals(ctx, cohort)
    rows = goal_rows(goals)
    lines = await stats.figures(ctx, cohort_id)
    charts = await trends.charts(ctx, cohort_id, trends.goal_progress(goals))
    summary = await _summary(ctx, cohort_id, charts, rows)
    scope = f"cohort “{cohort.name}”" if cohort else "the whole program"
    return Report(ctx.program.name, scope, ctx.now().date(), summary, rows, tuple(charts),
                  tuple(lines))


async def _summary(ctx: Context, cohort_id: int | None, charts: list[trends.Chart],
                   goals: tuple[GoalRow, ...]) -> str:
    """A few sentences a busy reader can take in at once, each from a figure on the page."""
    counts = await figures_store.people_by_role_and_status(ctx.session, cohort_id)
    mentors, mentees = counts.get(("mentor", "active"), 0), counts.get(("mentee", "active"), 0)
    pairs = await figures_store.pair_figures(ctx.session, cohort_id, ctx.now().date())
    said = [f"{_count(mentors, 'junior mentor')} and {_count(mentees, 'senior mentee')} "
            f"take part; {_count(pairs.active, 'pair')} {'is' if pairs.active == 1 else 'are'}"
            f" active and {pairs.completed} completed."]
    for chart in charts:
        if isinstance(chart, trends.WeeklyMeetings):
            said.append(f"Pairs logged {_count(chart.total, 'meeting')} in the last "
                        f"{len(chart.weeks)} weeks.")
        if isinstance(chart, trends.Satisfaction):
            shown = [r for r in chart.rounds if r.value is not None]
            said.append(f"The latest poll round with enough answers ({shown[-1].name}) rated "
                        f"the program {shown[-1].value:.1f} out of 5." if shown else
                        "No poll round has enough answers to report satisfaction yet.")
    if goals:
        on_track = sum(1 for g in goals if g.state == "on track")
        said.append(f"{on_track} of {_count(len(goals), 'goal')} "
                    f"{'is' if on_track == 1 else 'are'} on track.")
    return " ".join(said)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def filename(day: date, cohort: str | None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", cohort.lower()).strip("-")[:40] if cohort else ""
    return f"turnabout-report-{slug + '-' if slug else ''}{day.isoformat()}.pdf"

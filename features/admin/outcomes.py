"""Outcomes and ROI for stats, the export and the report: what the closing surveys (the pairs'
own and the cohorts') and the mid-point check-ins say, from released figures only.

The pairs' check-ins are released in batches (features.feedback.outcomes), the cohorts'
closing surveys once each (features.feedback.results); a total here is a sum of released
figures, so it tells no more than they do. Where nothing is released: how many answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from core.context import Context
from core.dates import friendly
from core.privacy import TOO_FEW, Figure
from core.text import plural
from features.feedback.results import release_due
from storage import closing, outcomes
from storage.models import CheckinAnswer, Pair
from storage.outcomes import WHOLE, Released


@dataclass(frozen=True)
class GoalSplit:
    people: int
    achieved: Figure
    progressing: Figure
    not_started: Figure


@dataclass(frozen=True)
class Outcomes:
    closings: int  # released closing answers, the pairs' own and the cohorts'
    future_leader: Figure  # percent
    view_more: Figure  # percent more positive about the company and their career there
    view_less: Figure
    promoters: Figure  # percent recommending 5 of 5
    detractors: Figure  # percent recommending 1 to 3
    seniors: int  # senior mentees whose check-ins are released
    applied: Figure  # percent who applied a new skill
    helps_asked: int  # senior mentees who answered the retention question, released
    helps_retention: Figure  # percent saying yes
    mid: GoalSplit | None
    end: GoalSplit | None
    waiting: int  # check-in answers given but not (yet) in a release: a count only
    released_at: datetime | None  # the latest release these figures come from

    @property
    def nps(self) -> Figure:
        if self.promoters.value is None or self.detractors.value is None:
            return Figure(None)
        return Figure(self.promoters.value - self.detractors.value)


def _latest(found: list[Released]) -> Released | None:
    return found[-1] if found else None


def _split(found: Released | None) -> GoalSplit | None:
    if found is None:
        return None
    goals = found.get("goals")
    return GoalSplit(found.answers, Figure.share(found.get("achieved"), goals),
                     Figure.share(found.get("progressing"), goals),
                     Figure.share(found.get("not-started"), goals))


async def outcomes_of(ctx: Context, cohort_id: int | None) -> Outcomes:
    await release_due(ctx)
    session, scope = ctx.session, WHOLE if cohort_id is None else cohort_id
    end = _latest(await outcomes.series(session, "end", scope))
    mid = _latest(await outcomes.series(session, "mid", scope))
    seniors = _latest(await outcomes.series(session, "mentee", scope))
    helps = _latest(await outcomes.series(session, "mentee-end", scope))
    surveys = [s for s in await closing.surveys(session, cohort_id)
               if s.released and s.recommend_sum is not None]
    totals = {name: end.get(name) if end else 0 for name in (
        "responses", "future_leader", "view_more", "view_less", "promoters", "detractors")}
    helps_asked, helps_yes = (helps.get("asked"), helps.get("yes")) if helps else (0, 0)
    for s in surveys:
        totals["responses"] += s.responses
        totals["future_leader"] += s.future_leader_yes or 0
        totals["view_more"] += s.view_more or 0
        totals["view_less"] += s.view_less or 0
        totals["promoters"] += s.promoters or 0
        totals["detractors"] += s.detractors or 0
        helps_asked += s.helps_asked or 0
        helps_yes += s.helps_yes or 0
    n = totals["responses"]
    dates = [r.released_at for r in (end, mid, seniors, helps) if r is not None]
    dates += [s.released_at for s in surveys if s.released_at is not None]
    released = sum(r.answers for r in (end, mid) if r is not None)
    return Outcomes(
        closings=n, future_leader=Figure.share(totals["future_leader"], n),
        view_more=Figure.share(totals["view_more"], n),
        view_less=Figure.share(totals["view_less"], n),
        promoters=Figure.share(totals["promoters"], n),
        detractors=Figure.share(totals["detractors"], n),
        seniors=seniors.get("people") if seniors else 0,
        applied=Figure.share(seniors.get("applied"), seniors.get("people")) if seniors
        else Figure(None),
        helps_asked=helps_asked, helps_retention=Figure.share(helps_yes, helps_asked),
        mid=_split(mid), end=_split(end),
        waiting=max(0, await _checkins(ctx, cohort_id) - released),
        released_at=max(dates) if dates else None)


async def _checkins(ctx: Context, cohort_id: int | None) -> int:
    query = select(func.count()).select_from(CheckinAnswer)
    if cohort_id is not None:
        query = query.where(col(CheckinAnswer.pair_id).in_(
            select(Pair.id).where(Pair.cohort_id == cohort_id)))
    return (await ctx.session.exec(query)).one()


def _pct(figure: Figure) -> str:
    return figure.text("{:.0f}%")


def stats_lines(found: Outcomes) -> list[str]:
    """The outcomes section of `admin stats`."""
    lines = ["*Outcomes* (closing surveys and check-ins, as released)"]
    if found.closings:
        lines.append(
            f"- Closing surveys ({plural(found.closings, 'answer')}): a potential future "
            "leader surfaced "
            f"{_pct(found.future_leader)} · more positive about the company and their career "
            f"there {_pct(found.view_more)}, less {_pct(found.view_less)}")
        lines.append(
            f"- Would recommend: {_pct(found.promoters)} promoters (5 of 5), "
            f"{_pct(found.detractors)} detractors (1–3) · NPS-style score "
            f"{found.nps.text('{:+.0f}')}")
    else:
        lines.append("- Closing surveys: nothing released yet")
    lines.append(f"- Senior mentees who applied a new skill: {_pct(found.applied)}"
                 + (f" of {found.seniors}" if found.applied.value is not None else ""))
    if found.helps_asked or found.closings:
        lines.append(f"- Senior mentees who learned something that will help keep junior "
                     f"staff: {_pct(found.helps_retention)}"
                     + (f" of {found.helps_asked}" if found.helps_retention.value is not None
                        else ""))
    for label, split in (("at the mid-point", found.mid), ("at the end", found.end)):
        if split is None:
            continue
        lines.append(f"- Goals {label} ({plural(split.people, 'person', 'people')}): "
                     f"{_pct(split.achieved)} "
                     f"achieved · {_pct(split.progressing)} progressing · "
                     f"{_pct(split.not_started)} not started")
    if found.waiting:
        lines.append(f"- Check-in answers waiting for the next release: {found.waiting}")
    return lines


OUTCOME_COLUMNS = ("figure", "value", "answers", "released")


def csv_rows(found: Outcomes) -> list[tuple[str, str, int | str, str]]:
    """outcomes.csv: one row per figure, blank where too few answered."""
    day = friendly(found.released_at.date()) if found.released_at else ""

    def row(name: str, figure: Figure, answers: int, fmt: str = "{:.0f}%"
            ) -> tuple[str, str, int | str, str]:
        return (name, figure.text(fmt, hidden=TOO_FEW if answers else ""), answers, day)

    rows = [row("closing: a potential future leader surfaced", found.future_leader,
                found.closings),
            row("closing: more positive about the company and their career", found.view_more,
                found.closings),
            row("closing: less positive", found.view_less, found.closings),
            row("closing: would recommend, promoters (5 of 5)", found.promoters, found.closings),
            row("closing: would recommend, detractors (1-3)", found.detractors, found.closings),
            # A leading + would be escaped as a formula in the CSV: the score goes plain.
            row("closing: would recommend, NPS-style score", found.nps, found.closings,
                "{:.0f}"),
            row("senior mentees who applied a new skill", found.applied, found.seniors),
            row("senior mentees who can help keep junior staff", found.helps_retention,
                found.helps_asked)]
    for label, split in (("mid-point", found.mid), ("end", found.end)):
        if split is not None:
            rows += [row(f"goals at the {label}: {name}", figure, split.people)
                     for name, figure in (("achieved", split.achieved),
                                          ("progressing", split.progressing),
                                          ("not started", split.not_started))]
    return rows


"""`admin goals [cohort NAME]`, and the goals section at the top of `admin stats`."""

from __future__ import annotations

from dataclasses import replace

from core.context import Context
from core.dates import friendly
from core.messages import Message, Response
from features.admin.goals import GoalStatus, evaluate
from features.feedback.results import release_due
from storage.models import Cohort

MARK = {"on track": "✅", "off track": "⚠️", "too early": "⏳", "too few to report": "·"}


def line(goal: GoalStatus) -> str:
    """One goal: its target, its value, the trend and the state, since when."""
    deadline = (f"by {friendly(goal.deadline)}" if goal.deadline
                else f"by month {goal.by_month}")
    if goal.value is None:
        now = "no figure yet"
    else:
        before = _value(goal, goal.previous)
        # "3.9, up from 3.9" reads as a mistake: a change too small to show is no change.
        moved = goal.previous is not None and before != goal.value_text()
        trend = (f", {goal.trend} from {before}" if goal.trend in ("up", "down") and moved
                 else ", unchanged" if goal.trend in ("up", "down", "steady") else "")
        now = f"now {goal.value_text()}{trend}"
    since = f" since {friendly(goal.since)}" if goal.since else ""
    return (f"- {MARK[goal.state]} *{goal.name}*: target {goal.target_text()} {deadline} · "
            f"{now} · {goal.state}{since}")


def _value(goal: GoalStatus, value: float | None) -> str:
    return "–" if value is None else replace(goal, value=value).value_text()


def section(goals: list[GoalStatus]) -> list[str]:
    if not goals:
        return []
    return ["*Program goals*", *(line(g) for g in goals)]


async def program_goals(ctx: Context, cohort: Cohort | None) -> list[GoalStatus]:
    await release_due(ctx)  # a round that just closed counts before anything is read
    return await evaluate(ctx.session, ctx.program, ctx.now(), cohort)


async def goals_command(ctx: Context, cohort: Cohort | None) -> Response:
    goals = await program_goals(ctx, cohort)
    if not goals:
        return Response.say("No goals are set. Add them under `goals:` in app.yaml.")
    minimum = ctx.program.privacy.min_group_size
    title = f"Program goals: {cohort.name}" if cohort else "Program goals"
    text = "\n".join([*(line(g) for g in goals),
                      f"_Goals from answers (skills applied, goals achieved, satisfaction, "
                      f"recommendation, future leaders, retention) move only when a poll or "
                      f"survey is released, and show only over at least {minimum} people; "
                      f"enrolment and meeting rhythm are exact, as of now._"])
    return Response(messages=(Message(title=title, text=text),))

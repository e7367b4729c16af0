"""`admin stats [cohort NAME]`: the program at a glance, in one message.

Figures that come from people's answers or outcomes (poll scores, match scores, retention) are
shown only over at least `privacy.min_group_size` people. With a cohort, the rest of the program
must be empty or large enough too: otherwise the whole minus the cohort reveals a few answers.
"""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.context import Context
from core.messages import Image, Message, Response
from features.admin.charts import bar_chart_png
from storage import stats
from storage.models import Cohort

TOO_FEW = "too few to report"
BAR = "█"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


async def find_cohort(ctx: Context, words: str) -> tuple[Cohort | None, str | None]:
    """The cohort named in `words` (after an optional 'cohort'), or an error to show."""
    name = words.removeprefix("cohort").strip() if words.startswith("cohort") else words.strip()
    if not name:
        return None, None
    cohort = (await ctx.session.exec(
        select(Cohort).where(func.lower(Cohort.name) == name.lower()))).first()
    if cohort is None:
        known = [c.name for c in await ctx.session.exec(select(Cohort).order_by(Cohort.id))]
        listed = ", ".join(known) if known else "none yet"
        return None, f"I don't know a cohort called “{name[:40]}”. Cohorts: {listed}."
    return cohort, None


async def stats_command(ctx: Context, args: str) -> Response:
    cohort, error = await find_cohort(ctx, args)
    if error:
        return Response.say(error)
    cohort_id = cohort.id if cohort else None
    minimum = ctx.program.privacy.min_group_size
    lines = await _enrollment(ctx, cohort_id)
    lines += await _matching(ctx, cohort_id, minimum)
    lines += await _satisfaction(ctx, cohort_id, minimum)
    lines += await _retention(ctx, minimum) if cohort_id is None else []
    title = f"Program stats: {cohort.name}" if cohort else "Program stats"
    lines.append(f"_Poll, score and retention figures over fewer than {minimum} people are "
                 "hidden, so no one's answers can be worked out._")
    chart = await joins_chart(ctx, cohort_id)
    return Response(messages=(Message(title=title, text="\n".join(lines), image=chart),))


async def _enrollment(ctx: Context, cohort_id: int | None) -> list[str]:
    counts = await stats.people_by_role_and_status(ctx.session, cohort_id)

    def n(role: str | None, status: str) -> int:
        return counts.get((role, status), 0)

    pending = sum(v for (_, s), v in counts.items() if s == "pending")
    paused = sum(v for (_, s), v in counts.items() if s == "paused")
    left = sum(v for (_, s), v in counts.items() if s == "left")
    lines = ["*Enrollment*",
             f"- Active: {n('mentor', 'active')} junior mentors, {n('mentee', 'active')} senior mentees",
             f"- Survey not finished: {pending} · paused: {paused} · left: {left}"]
    return lines


async def joins_chart(ctx: Context, cohort_id: int | None) -> Image | None:
    """Joins over the last six months: a PNG where the platform shows one, else text bars."""
    months = (await stats.joins_per_month(ctx.session, cohort_id))[-6:]
    if not months:
        return None
    peak = max(count for _, count in months)
    bars = "\n".join(f"`{m}` {BAR * max(1, round(12 * c / peak))} {c}" for m, c in months)
    png = base64.b64encode(bar_chart_png(months)).decode("ascii")
    return Image(png, "Joins per month, last six months", "*Joins per month*\n" + bars)


async def _matching(ctx: Context, cohort_id: int | None, minimum: int) -> list[str]:
    since = ctx.now().date() - timedelta(days=30)
    pairs = await stats.pair_figures(ctx.session, cohort_id, since)
    counts = await stats.engagement_counts(ctx.session, cohort_id)
    score = (f"{pairs.average_score:.1f}" if pairs.average_score is not None
             and pairs.active >= minimum else TOO_FEW)
    lines = ["*Matching*",
             f"- Pairs active: {pairs.active} ({pairs.agreed} agreed) · ended: {pairs.ended}",
             f"- Average match score: {score}"]
    if cohort_id is None:
        waiting = await stats.waitlist_reasons(ctx.session)
        total = sum(n for _, n in waiting)
        lines.append(f"- Waitlisted: {total}" + ("".join(
            f"\n  - {n} × {reason}" for reason, n in waiting[:5]) if waiting else ""))
    met = (_share(pairs.met_recently, pairs.active) if pairs.active >= minimum else TOO_FEW)
    lines += ["*Engagement*",
              f"- Pairs that met in the last 30 days: {met}",
              f"- Meetings logged: {counts['meetings']} · prompts delivered: {counts['prompts']}"
              f" · “we met” rate: {_share(counts['meetings'], counts['prompts'])}",
              f"- Nudges sent: {counts['nudges']} · pairs at risk: {pairs.at_risk}",
              f"- Messages that failed after retries: {counts['failed']}"]
    return lines


async def _satisfaction(ctx: Context, cohort_id: int | None, minimum: int) -> list[str]:
    polls = await stats.poll_figures(ctx.session, cohort_id)
    if not polls:
        return ["*Satisfaction*", "- No pulse polls yet."]
    rest = (await stats.poll_figures(ctx.session, cohort_id, exclude_cohort=True)
            if cohort_id is not None else None)
    shown = []
    for n, poll in enumerate(polls):
        complement = rest[n].answers if rest else 0
        safe = poll.answers >= minimum and (complement == 0 or complement >= minimum)
        shown.append((poll, safe))
    latest, safe = shown[-1]
    if not safe:
        return ["*Satisfaction*", f"- Latest poll ({latest.period}): {TOO_FEW}"]
    trend = " → ".join(f"{p.average_value:.1f}" if ok and p.average_value else "·"
                       for p, ok in shown)
    return ["*Satisfaction*",
            f"- Latest poll ({latest.period}): {latest.answers} answers, response rate "
            f"{_share(latest.answers, latest.invited)}",
            f"- Average value: {latest.average_value:.1f} / 5 · roles kept reversed: "
            f"{_share(latest.roles_kept, latest.answers)}",
            f"- Trend over the last polls: {trend}"]


async def _retention(ctx: Context, minimum: int) -> list[str]:
    since = await stats.first_join(ctx.session)
    found = await stats.retention(ctx.session, since, ctx.now().date()) if since else None
    if found is None:
        return ["*Retention*", "- To compare retention of participants with everyone else, "
                "import an HR export: `turnabout import-people FILE.csv`."]
    if found.participants < minimum or found.others < minimum:
        return ["*Retention*", f"- {TOO_FEW}"]
    return ["*Retention* (since the first join)",
            f"- Participants still here: {_share(found.participants_stayed, found.participants)}"
            f" of {found.participants} · everyone else: "
            f"{_share(found.others_stayed, found.others)} of {found.others}"]

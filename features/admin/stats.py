"""`admin stats [cohort NAME]`: the program at a glance, in one message.

Figures that come from people's answers or outcomes (poll scores, match scores, retention) are
shown only over at least `privacy.min_group_size` people (core.privacy). Poll and closing-survey
figures come from the results released once when a round closes (features.feedback.results):
before that, only how many answered.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.context import Context
from core.dates import friendly
from core.messages import Message, Response
from core.privacy import TOO_FEW, reportable
from core.text import plural
from features.admin import charts, goals_text, outcomes, trends
from features.feedback.results import ClosingSurvey, PollRound, closing_surveys, poll_rounds
from features.matching import waiting
from storage import journey, requests, stats
from storage.models import Cohort


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
    goals = await goals_text.program_goals(ctx, cohort)
    title = f"Program stats: {cohort.name}" if cohort else "Program stats"
    text = Message(title=title, text="\n".join(goals_text.section(goals)
                                               + await figures(ctx, cohort_id)))
    drawn = await trends.charts(ctx, cohort_id, trends.goal_progress(goals))
    return Response(messages=(text, *await charts.messages(drawn)))


async def figures(ctx: Context, cohort_id: int | None) -> list[str]:
    """Every line of `admin stats` after the goals, footnote last: the report prints them."""
    minimum = ctx.program.privacy.min_group_size
    lines = await _enrollment(ctx, cohort_id)
    lines += await _matching(ctx, cohort_id)
    lines += await _satisfaction(ctx, cohort_id)
    lines += await _closing(ctx, cohort_id)
    lines += outcomes.stats_lines(await outcomes.outcomes_of(ctx, cohort_id))
    lines += await _retention(ctx) if cohort_id is None else []
    lines.append(f"_Exact at any size, being no one's opinion: people enrolled, pairs, meetings "
                 f"logged, prompts delivered and who met. Answers (poll scores, survey and "
                 f"check-in choices, comments) appear once, when their poll, survey or batch is "
                 f"released, and, like the match score and retention, only over at least "
                 f"{minimum} people, so no one's answers can be worked out._")
    return lines


async def _enrollment(ctx: Context, cohort_id: int | None) -> list[str]:
    counts = await stats.people_by_role_and_status(ctx.session, cohort_id)

    def n(role: str | None, status: str) -> int:
        return counts.get((role, status), 0)

    pending = sum(v for (_, s), v in counts.items() if s == "pending")
    paused = sum(v for (_, s), v in counts.items() if s == "paused")
    left = sum(v for (_, s), v in counts.items() if s == "left")
    enrolled = await stats.enrolled(ctx.session, cohort_id)
    lines = ["*Enrollment*",
             f"- Enrolled so far: {plural(enrolled, 'person', 'people')}",
             f"- Active: {n('mentor', 'active'):,} junior mentors, {n('mentee', 'active'):,} senior mentees",
             f"- Survey not finished: {pending:,} · paused: {paused:,} · left: {left:,}"]
    return lines


async def _matching(ctx: Context, cohort_id: int | None) -> list[str]:
    since = ctx.now().date() - timedelta(days=30)
    pairs = await stats.pair_figures(ctx.session, cohort_id, since)
    counts = await stats.engagement_counts(ctx.session, cohort_id)
    enough = reportable(pairs.active, ctx.program)
    score = (f"{pairs.average_score:.1f}" if pairs.average_score is not None and enough
             else TOO_FEW)
    lines = ["*Matching*",
             f"- Pairs formed: {pairs.active + pairs.ended:,} · active: {pairs.active:,} "
             f"({pairs.agreed:,} agreed) · ended: {pairs.ended:,} ({pairs.completed:,} completed)",
             f"- Average match score: {score}"]
    if cohort_id is None:
        lines += await waiting.stats_lines(ctx)
        chosen = await requests.figures(ctx.session)
        if ctx.program.matching.mode != "assigned":
            lines.append(f"- Senior mentees choosing a mentor: {chosen.choosing:,} waiting · "
                         f"{chosen.open_requests:,} requests open")
        lines.append(f"- Asked the program team to find them a match: {chosen.asked_for_help:,}")
    formed = pairs.active + pairs.ended
    lines += ["*Engagement*",
              f"- Pairs that met in the last 30 days: {pairs.met_recently:,} of {pairs.active:,}"
              f" active ({_share(pairs.met_recently, pairs.active)})",
              f"- Meetings logged: {counts['meetings']:,} · prompts delivered: {counts['prompts']:,}",
              f"- “We met” reported by {counts['pairs_met']:,} of {plural(formed, 'pair')}"
              f" ({_share(counts['pairs_met'], formed)})",
              f"- Nudges sent: {counts['nudges']:,} · pairs at risk: {pairs.at_risk:,}",
              _booked(await journey.meeting_counts(ctx.session)),
              f"- Messages that failed after retries: {counts['failed']:,}"]
    return lines


def _booked(counts: dict[str, int]) -> str:
    return (f"- Meetings booked with *Find a time*: {counts.get('confirmed', 0)} planned · "
            f"{counts.get('held', 0)} held · {counts.get('missed', 0)} missed")


async def _satisfaction(ctx: Context, cohort_id: int | None) -> list[str]:
    rounds = await poll_rounds(ctx, cohort_id, last=4)
    if not rounds:
        return ["*Satisfaction*", "- No poll answers from this cohort yet." if cohort_id
                else "- No pulse polls yet."]
    lines = ["*Satisfaction*"]
    if not rounds[-1].released:
        lines.append(_open_round(rounds[-1]))
    released = [r for r in rounds if r.released]
    if released:
        latest = released[-1]
        lines.append(f"- {latest.title}: {plural(latest.answers, 'answer')}, response rate "
                     f"{_share(latest.answers, latest.invited)}")
        if latest.shown:
            lines.append(f"- Average value: {latest.value.text()} / 5 · roles kept reversed: "
                         f"{latest.roles_kept.text('{:.0f}%')}")
            lines.append("- Trend over the last polls: " + " → ".join(
                r.value.text(hidden="·") for r in released))
        else:
            lines.append(f"- Average value: {TOO_FEW}")
    return lines


def _open_round(poll: PollRound) -> str:
    return (f"- {poll.title}, open until {friendly(poll.closes_at.date())}: "
            f"{plural(poll.answers, 'answer')} so far of {poll.invited:,} invited; results when "
            "it closes")


async def _closing(ctx: Context, cohort_id: int | None) -> list[str]:
    surveys = await closing_surveys(ctx, cohort_id)
    return ["*Closing survey*", _survey(surveys[-1])] if surveys else []


def _survey(survey: ClosingSurvey) -> str:
    if not survey.released:
        return (f"- {survey.cohort}, open until {friendly(survey.closes_at.date())}: "
                f"{plural(survey.answers, 'answer')} so far of {survey.invited:,} invited; "
                "results when "
                "it closes")
    head = (f"- {survey.cohort}: {plural(survey.answers, 'answer')}, response rate "
            f"{_share(survey.answers, survey.invited)}")
    if not survey.shown:
        return f"{head} · {TOO_FEW}"
    return (f"{head} · would recommend {survey.recommend.text()} / 5 · a potential future "
            f"leader surfaced: {survey.future_leader.text('{:.0f}%')} · more positive about "
            f"the company: {survey.view_more.text('{:.0f}%')}")


async def _retention(ctx: Context) -> list[str]:
    since = await stats.first_join(ctx.session)
    found = await stats.retention(ctx.session, since, ctx.now().date()) if since else None
    if found is None:
        return ["*Retention*", "- To compare retention of participants with everyone else, "
                "import an HR export: `turnabout import-people FILE.csv`."]
    if not (reportable(found.participants, ctx.program) and reportable(found.others, ctx.program)):
        return ["*Retention*", f"- {TOO_FEW}"]
    return ["*Retention* (since the first join)",
            f"- Participants still here: {_share(found.participants_stayed, found.participants)}"
            f" of {found.participants:,} · everyone else: "
            f"{_share(found.others_stayed, found.others)} of {found.others:,}"]

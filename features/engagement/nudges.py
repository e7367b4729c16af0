"""Accountability nudges for quiet senior mentees, escalation to admins, signup reminders.

The junior mentor is never nudged or blamed for the senior's silence: the senior is the learner
and sets the pace.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta

from core import keys
from core.context import Context
from core.events import Address
from core.messages import Button, Message
from core.outgoing import Outgoing
from core.text import literal
from features.engagement.prompts import MET, address, interval_weeks
from features.enrolment.membership import PAUSE_FOR
from features.enrolment.survey import OPEN as SURVEY_OPEN
from features.journey.booking import find_button
from features.people import address_of, admins, for_admins
from storage import engagement, flags
from storage.engagement import LivePair
from storage.models import Person

SCHEDULE = "engage.schedule"
SIGNUP_REMINDERS = 2
QUIET_SKIPS = 3  # skipped meetings in a row that make a pair quiet
QUIET = "quiet"  # the pair_flag kind of a pair flagged after unanswered nudges


def threshold_days(rhythm: str, inactive_days: int) -> int:
    """Quiet means half an interval past the agreed rhythm, and never sooner than configured:
    a monthly pair is not quiet after two weeks."""
    return max(math.ceil(1.5 * 7 * interval_weeks(rhythm)), inactive_days)


def last_activity(pair: LivePair) -> datetime:
    met = datetime.combine(pair.last_met_on, time(), tzinfo=UTC) if pair.last_met_on else None
    start = pair.started_at or pair.created_at
    return max(t for t in (pair.mentee.last_active_at, met, start) if t is not None)


def skipped_since(pair: LivePair, recent: list[tuple[datetime, bool]]) -> datetime | None:
    """When the pair's streak of skipped meetings began, if the last few were all skipped and
    no meeting was logged since."""
    if len(recent) < QUIET_SKIPS or not all(skipped for _, skipped in recent):
        return None
    began = recent[-1][0]
    if pair.last_met_on is not None and pair.last_met_on >= began.date():
        return None
    return began


BATCH = 1000  # pairs (or people) per page, each page its own transaction


async def run(ctx: Context, batch: int = BATCH) -> int:
    """Nudge the senior mentee of every started pair that is quiet (no activity for longer than
    its rhythm allows, or three skipped meetings in a row), at most once per `every_days`;
    after `escalate_after` unanswered nudges, report the pair to the admins instead."""
    sent = 0
    team: list[Address] | None = None  # the admins, looked up once, when first needed
    async for page in engagement.pages(ctx.session, batch, started=True):
        count, escalations = await _nudge_page(ctx, page)
        if escalations and team is None:
            team = await admins(ctx)
        await _escalate(ctx, escalations, team or [])
        sent += count
        await ctx.commit()
    return sent


Escalation = tuple[LivePair, int, int]  # the pair, days without activity, unanswered nudges


async def _nudge_page(ctx: Context, live: list[LivePair]) -> tuple[int, list[Escalation]]:
    now, cfg = ctx.now(), ctx.program.nudges
    nudged = await engagement.nudges_since(ctx.session, "inactive", [p.mentee.id for p in live])
    recent = await engagement.recent_prompts(ctx.session, [p.id for p in live], QUIET_SKIPS)
    wanted: list[tuple[str, LivePair, Message]] = []
    escalations: list[Escalation] = []
    for pair in live:
        skipping = skipped_since(pair, recent.get(pair.id, []))
        last = skipping or last_activity(pair)
        if skipping is None and now - last < timedelta(
                days=threshold_days(pair.rhythm, cfg.inactive_days)):
            continue
        unanswered = [t for t in nudged.get(pair.mentee.id, []) if t > last]
        if unanswered and now - unanswered[-1] < timedelta(days=cfg.every_days):
            continue
        if len(unanswered) >= cfg.escalate_after:
            escalations.append((pair, (now - last).days, len(unanswered)))
            continue
        wanted.append((keys.nudge(pair.id, last.date(), len(unanswered) + 1), pair,
                       _nudge(pair, (now - last).days, skipping is not None)))
    recorded = await engagement.record_nudges(
        ctx.session, [(key, pair.mentee.id, pair.id) for key, pair, _ in wanted], "inactive", now)
    # A nudge changes nothing a Home view shows (an escalation does: the admins' at-risk count).
    await ctx.queue(*(Outgoing.dm(key, address(pair.mentee), message)
                      for key, pair, message in wanted if key in recorded), changes_home=False)
    return len(recorded), escalations


def _situation(pair: LivePair, days: int, skipping: bool) -> str:
    """The nudge names what is true: no first meeting yet, skipped meetings, or the gap."""
    mentor = literal(pair.mentor.name or "your partner")
    if skipping:
        return f"you and {mentor} have skipped your last {QUIET_SKIPS} meetings"
    if pair.last_met_on is None:
        return f"you and {mentor} haven't had your first meeting yet"
    return f"it's been {days} days since you and {mentor} last connected"


def _nudge(pair: LivePair, days: int, skipping: bool = False) -> Message:
    return Message(
        title="A quick check-in",
        text=(f"Hi {literal(pair.mentee.name or 'there')}, {_situation(pair, days, skipping)}. "
              "As the learner in this pairing you set the pace, and even 20 minutes "
              "keeps the momentum. What fits?"),
        buttons=(Button("We met", MET, str(pair.id), style="primary"),
                 find_button(pair.id),
                 Button("Pause for 2 weeks", PAUSE_FOR, "14")),
    )


async def _escalate(ctx: Context, escalations: list[Escalation], team: list[Address]) -> None:
    """Flag each pair as quiet, once, whatever else it was flagged for before (a request for a
    check-in stays listed beside it), and tell the admins about the pairs this run flagged:
    a page's flags, at-risk marks and notices in a few statements."""
    if not escalations:
        return
    already = await flags.flagged(ctx.session, [p.id for p, _, _ in escalations], QUIET)
    reasons: dict[int, tuple[LivePair, str]] = {}
    for pair, days, nudges in escalations:
        if pair.id in already:
            continue
        reason = f"no activity from the senior mentee for {days} days after {nudges} nudges"
        if pair.last_met_on is None:
            reason += "; they haven't had a first meeting"
        reasons[pair.id] = (pair, reason)
    added = await flags.flag_many(
        ctx.session, [(pair_id, reason) for pair_id, (_, reason) in reasons.items()], QUIET,
        ctx.now())
    notices = []
    for pair_id in sorted(added):
        pair, reason = reasons[pair_id]
        mentor, mentee = (literal(pair.mentor.name or "a junior mentor"),
                          literal(pair.mentee.name or "a senior mentee"))
        text = (f"The pair {mentor} → {mentee} "
                f"may be stalling: {reason}. A personal word from you often helps.")
        notices.append((keys.at_risk(pair.id, ctx.now().date()),
                        Message(title="A pair may need help", text=text)))
    await ctx.queue(*for_admins(team, notices))


async def remind_signups(ctx: Context, batch: int = BATCH) -> int:
    """Up to two reminders, `signup_reminder_days` apart, for people who never finished."""
    sent, after = 0, 0
    while people := await engagement.pending_signups(ctx.session, after=after, limit=batch):
        sent += await _remind_page(ctx, people)
        after = people[-1].id or after
        await ctx.commit()
    return sent


async def _remind_page(ctx: Context, people: list[Person]) -> int:
    now = ctx.now()
    gap = timedelta(days=ctx.program.nudges.signup_reminder_days)
    reminded = await engagement.nudges_since(ctx.session, "signup",
                                             [p.id for p in people if p.id is not None])
    wanted: list[tuple[str, Person, bool]] = []
    for person in people:
        assert person.id is not None
        before = reminded.get(person.id, [])
        since = before[-1] if before else person.created_at
        if len(before) >= SIGNUP_REMINDERS or now - since < gap:
            continue
        wanted.append((keys.signup_reminder(person.id, len(before) + 1), person,
                       len(before) + 1 == SIGNUP_REMINDERS))
    recorded = await engagement.record_nudges(
        ctx.session, [(key, person.id, None) for key, person, _ in wanted],  # type: ignore[misc]
        "signup", now)
    await ctx.queue(*(Outgoing.dm(key, address_of(person), _reminder(last))
                      for key, person, last in wanted if key in recorded), changes_home=False)
    return len(recorded)


def _reminder(last: bool) -> Message:
    return Message(
        text=("You started joining the reverse mentoring program but haven't finished the "
              "survey. It takes about two minutes, and then you're in the next matching round."
              + (" This is the last reminder." if last else "")),
        buttons=(Button("Finish the survey", SURVEY_OPEN, style="primary"),))

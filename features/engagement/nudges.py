"""Accountability nudges for quiet senior mentees, escalation to admins, signup reminders.

The junior mentor is never nudged or blamed for the senior's silence: the senior is the learner
and sets the pace.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from core import keys
from core.context import Context
from core.messages import Button, Message
from core.outgoing import Outgoing
from core.text import literal
from features.engagement.prompts import MET, address
from features.enrolment.membership import PAUSE_FOR
from features.enrolment.survey import OPEN as SURVEY_OPEN
from features.people import address_of, notify_admins
from storage import engagement
from storage.engagement import LivePair
from storage.models import Pair

SCHEDULE = "engage.schedule"
SIGNUP_REMINDERS = 2


def last_activity(pair: LivePair) -> datetime:
    met = datetime.combine(pair.last_met_on, time(), tzinfo=UTC) if pair.last_met_on else None
    return max(t for t in (pair.mentee.last_active_at, met, pair.created_at) if t is not None)


async def run(ctx: Context) -> int:
    """Nudge every senior mentee quiet for `inactive_days`, at most once per `every_days`;
    after `escalate_after` unanswered nudges, report the pair to the admins instead."""
    now, cfg = ctx.now(), ctx.program.nudges
    nudged = await engagement.nudges_since(ctx.session, "inactive")
    sent = 0
    for pair in await engagement.live_pairs(ctx.session):
        last = last_activity(pair)
        if now - last < timedelta(days=cfg.inactive_days):
            continue
        unanswered = [t for t in nudged.get(pair.mentee.id, []) if t > last]
        if unanswered and now - unanswered[-1] < timedelta(days=cfg.every_days):
            continue
        if len(unanswered) >= cfg.escalate_after:
            await _escalate(ctx, pair, (now - last).days, len(unanswered))
            continue
        key = keys.nudge(pair.id, last.date(), len(unanswered) + 1)
        if await engagement.record_nudge(ctx.session, key, pair.mentee.id, pair.id, "inactive", now):
            await ctx.queue(Outgoing.dm(key, address(pair.mentee), _nudge(pair, (now - last).days)))
            sent += 1
    return sent


def _nudge(pair: LivePair, days: int) -> Message:
    mentor = literal(pair.mentor.name or "your mentor")
    return Message(
        title="A quick check-in",
        text=(f"Hi {literal(pair.mentee.name or 'there')}, it's been {days} days since you and {mentor} last "
              "connected. As the learner in this pairing you set the pace, and even 20 minutes "
              "this week keeps the momentum. What fits?"),
        buttons=(Button("We met", MET, str(pair.id), style="primary"),
                 Button("I'll schedule one", SCHEDULE, str(pair.id)),
                 Button("Pause for 2 weeks", PAUSE_FOR, "14")),
    )


async def _escalate(ctx: Context, pair: LivePair, days: int, nudges: int) -> None:
    if pair.at_risk_since is not None:
        return
    row = await ctx.session.get(Pair, pair.id)
    assert row is not None
    row.at_risk_since = ctx.now()
    row.at_risk_reason = f"no activity from the senior mentee for {days} days after {nudges} nudges"
    ctx.session.add(row)
    mentor, mentee = (literal(pair.mentor.name or "a junior mentor"),
                      literal(pair.mentee.name or "a senior mentee"))
    text = (f"The pair {mentor} → {mentee} "
            f"may be stalling: {row.at_risk_reason}. A personal word from you often helps.")
    await notify_admins(ctx, keys.at_risk(pair.id, ctx.now().date()),
                        Message(title="A pair may need help", text=text))


async def remind_signups(ctx: Context) -> int:
    """Up to two reminders, `signup_reminder_days` apart, for people who never finished."""
    now = ctx.now()
    gap = timedelta(days=ctx.program.nudges.signup_reminder_days)
    reminded = await engagement.nudges_since(ctx.session, "signup")
    sent = 0
    for person in await engagement.pending_signups(ctx.session):
        assert person.id is not None
        before = reminded.get(person.id, [])
        since = before[-1] if before else person.created_at
        if len(before) >= SIGNUP_REMINDERS or now - since < gap:
            continue
        key = keys.signup_reminder(person.id, len(before) + 1)
        if await engagement.record_nudge(ctx.session, key, person.id, None, "signup", now):
            last = len(before) + 1 == SIGNUP_REMINDERS
            await ctx.queue(Outgoing.dm(key, address_of(person), Message(
                text=("You started joining the reverse mentoring program but haven't finished the "
                      "survey. It takes about two minutes, and then you're in the next matching round."
                      + (" This is the last reminder." if last else "")),
                buttons=(Button("Finish the survey", SURVEY_OPEN, style="primary"),))))
            sent += 1
    return sent

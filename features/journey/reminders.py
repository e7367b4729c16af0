"""Reminders for a pair that hasn't started: whoever hasn't agreed to the introduction, then to
the kick-off, hears on the configured days (3 and 7); after that the admins hear, once."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import keys
from core.context import Context
from core.messages import Button, Message
from core.outgoing import Outgoing
from features.journey.kickoff import confirm_buttons, invitation
from features.matching.intros import AGREE
from features.people import address_of, name_of, notify_admins
from storage import journey
from storage.models import Kickoff, Pair, Person


def _waiting(pair: Pair, kickoff: Kickoff | None) -> tuple[str, datetime, list[int]]:
    """The stage the pair is stuck in, since when, and who it is waiting for."""
    if pair.agreed_at is None:
        waiting = [pid for pid, at in ((pair.mentor_id, pair.mentor_agreed_at),
                                       (pair.mentee_id, pair.mentee_agreed_at)) if at is None]
        return "intro", pair.created_at, waiting
    if kickoff is None:
        return "kickoff", pair.agreed_at, [pair.mentor_id, pair.mentee_id]
    other = pair.mentee_id if kickoff.proposed_by == pair.mentor_id else pair.mentor_id
    return "kickoff", pair.agreed_at, [other]


async def run(ctx: Context) -> int:
    now, cfg = ctx.now(), ctx.program.nudges
    sent = 0
    for pair, kickoff in await journey.not_started(ctx.session):
        assert pair.id is not None
        stage, since, waiting = _waiting(pair, kickoff)
        elapsed = now - since
        if elapsed >= timedelta(days=cfg.agreement_escalate_days):
            await _tell_admins(ctx, pair, stage, elapsed.days)
            continue
        due = [n for n, day in enumerate(cfg.agreement_reminder_days, start=1)
               if elapsed >= timedelta(days=day)]
        if not due:
            continue
        # Only the latest due reminder: a scheduler that was down sends one, not a backlog.
        number = due[-1]
        for person_id in waiting:
            person = await ctx.session.get(Person, person_id)
            partner = await ctx.session.get(
                Person, pair.mentee_id if person_id == pair.mentor_id else pair.mentor_id)
            assert person is not None and partner is not None
            sent += await ctx.queue(Outgoing.dm(
                keys.agreement_reminder(pair.id, stage, person_id, number), address_of(person),
                _reminder(pair, kickoff, stage, partner)))
    return sent


def _reminder(pair: Pair, kickoff: Kickoff | None, stage: str, partner: Person) -> Message:
    assert pair.id is not None
    partner_name = name_of(partner)
    if stage == "intro":
        return Message(title="Your pairing is waiting for you",
                       text=(f"Your introduction to {partner_name} is waiting for your *I agree*. "
                             "Once you both agree, you set your goals together."),
                       buttons=(Button("I agree", AGREE, str(pair.id), style="primary"),))
    if kickoff is None:
        return Message(title="Your kick-off is waiting",
                       text=(f"You and {partner_name} haven't filled in your kick-off yet: "
                             "your goals, how often you meet and one ground rule. "
                             "Two minutes, and your journey starts."),
                       buttons=(invitation(pair.id),))
    return Message(title="Your kick-off is waiting",
                   text=(f"{partner_name} has proposed your kick-off agreement and is waiting "
                         "for you to confirm or change it."),
                   buttons=confirm_buttons(pair.id, kickoff.version))


async def _tell_admins(ctx: Context, pair: Pair, stage: str, days: int) -> None:
    assert pair.id is not None
    mentor = await ctx.session.get(Person, pair.mentor_id)
    mentee = await ctx.session.get(Person, pair.mentee_id)
    assert mentor is not None and mentee is not None
    what = "agreed to their introduction" if stage == "intro" else "confirmed their kick-off"
    await notify_admins(ctx, keys.agreement_stalled(pair.id, stage), Message(
        title="A pair hasn't started",
        text=(f"The pair {name_of(mentor)} → {name_of(mentee)} hasn't {what} after {days} days, "
              "despite two reminders. A personal word from you often helps.")))

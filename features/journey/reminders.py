"""Reminders for a pair that hasn't started: whoever hasn't agreed to the introduction, then to
the kick-off, hears on the configured days (3 and 7); after that the admins hear, once."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import keys
from core.context import Context
from core.events import Address
from core.messages import Button, Message
from core.outgoing import Outgoing
from core.text import literal
from features.journey.kickoff import confirm_buttons, invitation
from features.matching.intros import AGREE
from features.people import admins, for_admins
from storage import journey
from storage.engagement import Member
from storage.journey import Unstarted

BATCH = 1000  # pairs per page, each page its own transaction


def _waiting(pair: Unstarted) -> tuple[str, datetime, list[Member]]:
    """The stage the pair is stuck in, since when, and who it is waiting for."""
    if pair.agreed_at is None:
        waiting = [m for m, at in ((pair.mentor, pair.mentor_agreed_at),
                                   (pair.mentee, pair.mentee_agreed_at)) if at is None]
        return "intro", pair.created_at, waiting
    if pair.proposed_by is None:
        return "kickoff", pair.agreed_at, [pair.mentor, pair.mentee]
    other = pair.mentee if pair.proposed_by == pair.mentor.id else pair.mentor
    return "kickoff", pair.agreed_at, [other]


async def run(ctx: Context, batch: int = BATCH) -> int:
    """Queue every due reminder (and every escalation to the admins), a page of pairs at a time:
    one read, one bulk insert of outbox rows under their keys (so a rerun, or another replica,
    queues nothing twice) and a commit per page. Returns how many reminders were queued."""
    team: list[Address] | None = None  # the admins, looked up once, when first needed
    sent = 0
    async for page in journey.not_started_pages(ctx.session, batch):
        reminders, notices = _page(ctx, page)
        if notices and team is None:
            team = await admins(ctx)
        sent += await ctx.queue(*reminders)
        await ctx.queue(*for_admins(team or [], notices))
        await ctx.commit()
    return sent


def _page(ctx: Context, page: list[Unstarted]) -> tuple[list[Outgoing], list[tuple[str, Message]]]:
    now, cfg = ctx.now(), ctx.program.nudges
    reminders: list[Outgoing] = []
    notices: list[tuple[str, Message]] = []
    for pair in page:
        stage, since, waiting = _waiting(pair)
        elapsed = now - since
        if elapsed >= timedelta(days=cfg.agreement_escalate_days):
            notices.append((keys.agreement_stalled(pair.id, stage),
                            _stalled(pair, stage, elapsed.days)))
            continue
        due = [n for n, day in enumerate(cfg.agreement_reminder_days, start=1)
               if elapsed >= timedelta(days=day)]
        if not due:
            continue
        # Only the latest due reminder: a scheduler that was down sends one, not a backlog.
        number = due[-1]
        for person in waiting:
            partner = pair.mentee if person.id == pair.mentor.id else pair.mentor
            reminders.append(Outgoing.dm(
                keys.agreement_reminder(pair.id, stage, person.id, number), _address(person),
                _reminder(pair, stage, partner)))
    return reminders, notices


def _address(member: Member) -> Address:
    return Address(member.platform, member.user_id, member.tenant_id)  # type: ignore[arg-type]


def _name(member: Member) -> str:
    return literal(member.name) if member.name else "your partner"


def _reminder(pair: Unstarted, stage: str, partner: Member) -> Message:
    partner_name = _name(partner)
    if stage == "intro":
        return Message(title="Your pairing is waiting for you",
                       text=(f"Your introduction to {partner_name} is waiting for your *I agree*. "
                             "Once you both agree, you set your goals together."),
                       buttons=(Button("I agree", AGREE, str(pair.id), style="primary"),))
    if pair.proposed_by is None:
        return Message(title="Your kick-off is waiting",
                       text=(f"You and {partner_name} haven't filled in your kick-off yet: "
                             "your goals, how often you meet and one ground rule. "
                             "Two minutes, and your journey starts."),
                       buttons=(invitation(pair.id),))
    assert pair.kickoff_version is not None
    return Message(title="Your kick-off is waiting",
                   text=(f"{partner_name} has proposed your kick-off agreement and is waiting "
                         "for you to confirm or change it."),
                   buttons=confirm_buttons(pair.id, pair.kickoff_version))


def _stalled(pair: Unstarted, stage: str, days: int) -> Message:
    what = "agreed to their introduction" if stage == "intro" else "confirmed their kick-off"
    return Message(title="A pair hasn't started",
                   text=(f"The pair {_name(pair.mentor)} → {_name(pair.mentee)} hasn't {what} "
                         f"after {days} days, despite two reminders. A personal word from you "
                         "often helps."))

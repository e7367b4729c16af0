"""Milestones along an agreed pairing, each at the configured local time on its day: the
mid-point agenda and check-in, the closing agenda two weeks before the end, the closing survey
on the end day (each person in their own timezone), then a kind ending once both have had it.
Every message has its own key, so running this job often sends each one once. None of them
changes what a Home view shows (the ending does, and refreshes it itself)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from config.prompt_catalog import Catalog
from core import keys
from core.calendar import zone
from core.context import Context
from core.messages import Message
from core.outgoing import Outgoing
from features.engagement.prompts import address
from features.journey import checkins, ending
from storage import engagement
from storage.engagement import LivePair, Member
from storage.models import Pair, Person

CLOSING_AGENDA_BEFORE = timedelta(days=14)


def reached(now: datetime, day: date, tz: str | None, at: time) -> bool:
    return now >= _moment(day, tz, at)


@lru_cache(maxsize=8192)
def _moment(day: date, tz: str | None, at: time) -> datetime:
    # Cached: a run asks about six milestones for each of tens of thousands of pairs, whose
    # days and time zones repeat.
    return datetime.combine(day, at, tzinfo=zone(tz))


def mid_point(pair: LivePair) -> date:
    assert pair.started_at is not None and pair.ends_on is not None
    start = pair.started_at.astimezone(zone(pair.mentee.timezone)).date()
    return start + (pair.ends_on - start) / 2


def agenda_message(catalog: Catalog, agenda_id: str, intro: str) -> Message:
    agenda = catalog.agenda(agenda_id)
    return Message(title=f"This time: {agenda.title}",
                   text=intro + "\n" + "\n".join(f"- {step}" for step in agenda.steps))


BATCH = 1000  # pairs per page, each page its own transaction


async def run(ctx: Context, batch: int = BATCH) -> int:
    queued = 0
    async for page in engagement.pages(ctx.session, batch, started=True):
        queued += await _page(ctx, page)
        await ctx.commit()
    return queued


async def _page(ctx: Context, page: list[LivePair]) -> int:
    """One page's milestones, queued together: most runs find them all queued before, and one
    statement per page says so instead of one per pair."""
    now, at = ctx.now(), ctx.program.prompts.local_time
    queued, items = 0, []
    for pair in page:
        if pair.ends_on is None:
            continue
        both = (address(pair.mentor), address(pair.mentee))
        members: tuple[Member, Member] = (pair.mentor, pair.mentee)
        mid = mid_point(pair)
        if reached(now, mid, pair.mentee.timezone, at):
            items.append(Outgoing.group(keys.milestone(pair.id, "mid"), both,
                agenda_message(ctx.catalog, "mid-point-review",
                               "You're half-way: a plan for your mid-point conversation.")))
        for member in members:
            if reached(now, mid, member.timezone, at):
                items.append(Outgoing.dm(
                    keys.checkin(pair.id, checkins.MID, member.id), address(member), Message(
                        title="Half-way: how are your goals doing?",
                        text="Rate each goal in a few clicks; only totals reach the program team.",
                        buttons=(checkins.button(pair.id, checkins.MID),))))
        if reached(now, pair.ends_on - CLOSING_AGENDA_BEFORE, pair.mentee.timezone, at):
            items.append(Outgoing.group(keys.milestone(pair.id, "closing"), both,
                agenda_message(ctx.catalog, "closing-session",
                               "Two weeks to go: a plan for your closing conversation.")))
        arrived = [m for m in members if reached(now, pair.ends_on, m.timezone, at)]
        for member in arrived:
            partner = pair.mentee if member is pair.mentor else pair.mentor
            items.append(Outgoing.dm(
                keys.checkin(pair.id, checkins.END, member.id), address(member),
                ending.survey_message(pair.id, _named(partner))))
        if len(arrived) == len(members):
            # Everything before the ending is queued first, as it always was.
            queued += await ctx.queue(*items, changes_home=False)
            items = []
            row = await ctx.session.get(Pair, pair.id)
            assert row is not None
            await ending.finish(ctx, row, None, ending.COMPLETED)
    return queued + await ctx.queue(*items, changes_home=False)


def _named(member: Member) -> Person:
    """Just enough of a person to name them in a message."""
    return Person(id=member.id, platform=member.platform, user_id=member.user_id,
                  display_name=member.name)

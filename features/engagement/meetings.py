"""What pairs report: meetings (`met`), skipped weeks, and asking for another prompt."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core import keys
from core.calendar import local_date
from core.context import Context
from core.dates import friendly
from core.messages import Response
from core.outgoing import Outgoing
from core.text import clean, length
from features.engagement.prompts import choose, interval_weeks, prompt_message
from features.people import address_of
from storage import engagement, pairs
from storage.engagement import LivePair, Member
from storage.models import Kickoff, Pair, Person, PromptDelivery

MAX_EXTRA_PROMPTS = 2
NOTE_LIMIT = 500

# Said the same to someone whose pairing ended and to someone who was never in it: which
# one it is would tell an outsider whether the pair exists.
NOT_YOURS = "That button is for a pairing you're not in (or one that has ended), so nothing changed."


def touch(ctx: Context, person: Person | None) -> None:
    """Anything a person does counts as activity: nudges go only to the quiet."""
    if person is not None:
        person.last_active_at = ctx.now()
        ctx.session.add(person)


async def _own_pair(ctx: Context, person: Person | None, pair_id: str | None) -> Pair | None:
    if person is None or person.id is None:
        return None
    active = await pairs.active_pairs_of(ctx.session, person.id)
    if pair_id is None:
        return active[0] if len(active) == 1 else None
    return next((p for p in active if str(p.id) == pair_id), None)


async def met(ctx: Context, person: Person | None, pair_id: str | None, note: str = "") -> Response:
    pair = await _own_pair(ctx, person, pair_id)
    if pair is None or person is None:
        return Response.say("You're not in an active pair, so there's no meeting to log."
                            if pair_id is None else NOT_YOURS)
    note = clean(note)
    if length(note) > NOTE_LIMIT:
        return Response.say(f"Please keep the note to {NOTE_LIMIT:,} characters (it has "
                            f"{length(note):,}). Nothing was logged yet.")
    day = local_date(ctx.now(), person.timezone)
    assert pair.id is not None and person.id is not None
    if not await engagement.log_meeting(ctx.session, pair.id, day, person.id, note or None, ctx.now()):
        return Response.say(f"Your meeting on {friendly(day)} is already logged. Thanks!")
    return Response.say(f"Logged your meeting on {friendly(day)}. Nice work, both of you!")


async def skip(ctx: Context, person: Person | None, value: str) -> Response:
    pair_id, _, week = value.partition(":")
    pair = await _own_pair(ctx, person, pair_id)
    if pair is None:
        return Response.say(NOT_YOURS)
    row = await ctx.session.get(PromptDelivery, (pair.id, week, 0))
    if row is not None:
        row.skipped = True
        ctx.session.add(row)
    return Response.say("No problem: this meeting is skipped. The next prompt comes at your "
                        "usual rhythm.")


async def another(ctx: Context, person: Person | None, value: str) -> Response:
    pair_id, _, week = value.partition(":")
    pair = await _own_pair(ctx, person, pair_id)
    if pair is None or pair.id is None:
        return Response.say(NOT_YOURS)
    weekly = await ctx.session.get(PromptDelivery, (pair.id, week, 0))
    kickoff = await ctx.session.get(Kickoff, pair.id)
    weeks = interval_weeks(kickoff.rhythm) if kickoff else 1
    if weekly is None or ctx.now() - weekly.created_at > timedelta(weeks=weeks):
        return Response.say("That prompt is from an earlier meeting; a fresh one comes at your "
                            "usual rhythm.")
    slots = (await ctx.session.exec(
        select(PromptDelivery.slot).where(PromptDelivery.pair_id == pair.id,
                                          PromptDelivery.week == week))).all()
    if len(slots) > MAX_EXTRA_PROMPTS:
        return Response.say("That's all the extra prompts for this time; enjoy the conversation!")
    live = await _live(ctx, pair)
    history = (await engagement.prompt_history(ctx.session, [pair.id])).get(pair.id, [])
    topics = await engagement.topics_of(ctx.session, [pair.mentor_id, pair.mentee_id])
    # The weekly prompt is in the history already, so this never picks the first-meeting agenda.
    prompt_id = choose(ctx.catalog, live, topics, history)
    slot = max(slots, default=0) + 1
    if not await engagement.claim_prompts(ctx.session, [(pair.id, week, slot, prompt_id)], ctx.now()):
        return Response.say("Another prompt is already on its way.")
    message = prompt_message(ctx.catalog, prompt_id, pair.id, week, slot)
    await ctx.queue(Outgoing.group(
        keys.prompt(pair.id, week, slot),
        [address_of(live_person) for live_person in await _people(ctx, pair)], message))
    return Response.say("Here comes another prompt for you both.")


async def _people(ctx: Context, pair: Pair) -> list[Person]:
    found = [await ctx.session.get(Person, pair.mentor_id), await ctx.session.get(Person, pair.mentee_id)]
    return [p for p in found if p is not None]


def _member(p: Person) -> Member:
    assert p.id is not None
    return Member(p.id, p.platform, p.tenant_id, p.user_id, p.display_name, p.timezone, p.last_active_at)


async def _live(ctx: Context, pair: Pair) -> LivePair:
    mentor, mentee = await _people(ctx, pair)
    assert pair.id is not None
    return LivePair(pair.id, pair.created_at, pair.last_met_on, pair.at_risk_since,
                    _member(mentor), _member(mentee), pair.cohort_id)

"""Both partners agreeing to their pairing, and the kick-off invitation once both have."""

from __future__ import annotations

from core import keys
from core.context import Context
from core.messages import Message, Response
from core.outgoing import Outgoing
from core.text import parse_id
from features.journey.kickoff import invitation
from features.people import address_of, name_of
from storage.models import Pair, Person


async def agree(ctx: Context, person: Person | None, pair_id: str) -> Response:
    number = parse_id(pair_id)
    pair = await ctx.session.get(Pair, number) if number else None
    if person is None or pair is None or person.id not in (pair.mentor_id, pair.mentee_id):
        return Response.say("This agreement belongs to another pair.")
    if pair.status != "active":
        return Response.say("This pairing has ended, so there's nothing to agree to.")
    now = ctx.now()
    field = "mentor_agreed_at" if person.id == pair.mentor_id else "mentee_agreed_at"
    if getattr(pair, field) is not None:
        return Response.say("You've already agreed. Thank you!")
    setattr(pair, field, now)
    ctx.session.add(pair)
    # Both may press at the same moment: write ours, then read the row again. Our write waits
    # for the partner's transaction, so whichever of the two writes second sees both
    # agreements and sends the news (read before writing, both would see only their own).
    await ctx.session.flush()
    await ctx.session.refresh(pair)
    if pair.mentor_agreed_at and pair.mentee_agreed_at:
        pair.agreed_at = now
        mentor = await ctx.session.get(Person, pair.mentor_id)
        mentee = await ctx.session.get(Person, pair.mentee_id)
        assert mentor is not None and mentee is not None
        await ctx.queue(Outgoing.group(keys.agreed(pair.id),
            [address_of(mentor), address_of(mentee)],
            Message(
                text=f"You've both agreed, {name_of(mentor)} and {name_of(mentee)}. One last "
                "step before your first meeting: a two-minute kick-off with your goals, how "
                "often you meet and one ground rule. One of you proposes it, the other confirms.",
                buttons=(invitation(pair.id),),
            ),
        ))
    ctx.session.add(pair)
    waiting = "" if pair.agreed_at else " We'll let you both know once your partner agrees too."
    return Response.say(f"Thanks for agreeing!{waiting}")

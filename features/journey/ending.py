"""A pairing that ends well: at its agreed end, or early because the goals were reached. Both
get the closing survey and a kind goodbye with an offer to join the next round; they rest
(paused) until they take it, so the very next round does not rematch them unasked."""

from __future__ import annotations

from core import keys
from core.context import Context
from core.messages import Button, Message, Response
from core.outgoing import Outgoing
from features.enrolment import lifecycle
from features.journey import checkins
from features.people import address_of, name_of
from storage import pairs
from storage.models import Pair, Person, Status

COMPLETED, GOALS_REACHED = "completed", "goals reached"
AGAIN = "journey.again"
SUCCESSES = (COMPLETED, GOALS_REACHED)


def survey_message(pair_id: int, partner: Person) -> Message:
    return Message(
        title="Your pairing's closing survey",
        text=(f"Your pairing with {name_of(partner)} is coming to its end. How far did your goals "
              "get, and what did you take from it? A few questions; answers stay confidential."),
        buttons=(checkins.button(pair_id, checkins.END),))


async def finish(ctx: Context, pair: Pair, by: int | None, reason: str) -> None:
    assert pair.id is not None and reason in SUCCESSES
    now = ctx.now()
    pair.status, pair.ended_at, pair.ended_by, pair.end_reason = "ended", now, by, reason
    ctx.session.add(pair)
    await ctx.session.flush()
    mentor = await ctx.session.get(Person, pair.mentor_id)
    mentee = await ctx.session.get(Person, pair.mentee_id)
    assert mentor is not None and mentee is not None
    for person, partner in ((mentor, mentee), (mentee, mentor)):
        assert person.id is not None
        if person.status == Status.LEFT:
            continue
        if person.status == Status.ACTIVE and not await pairs.active_pairs_of(ctx.session, person.id):
            lifecycle.pause(person, None, now)
            ctx.session.add(person)
        await ctx.queue(Outgoing.dm(keys.checkin(pair.id, checkins.END, person.id),
                                    address_of(person), survey_message(pair.id, partner)))
        well = ("You reached your goals early: congratulations!" if reason == GOALS_REACHED
                else "Your pairing has reached the end you agreed on.")
        await ctx.queue(Outgoing.dm(keys.farewell(pair.id, person.id), address_of(person), Message(
            title=f"Thank you, {name_of(person)}!",
            text=(f"{well} Thank you for the time and openness you gave {name_of(partner)}. "
                  "We're taking you out of matching for now, so nothing arrives unasked. "
                  "Would you like to join the next round with a new partner?"),
            buttons=(Button("Join the next round", AGAIN, style="primary"),))))


async def join_again(ctx: Context, person: Person | None) -> Response:
    """The offer in the goodbye: back into matching for the next round."""
    if person is None or person.status in (Status.PENDING, Status.LEFT, Status.VISITOR):
        return Response.say("You're not in the program right now. Type `join` to sign up again.")
    if person.status == Status.PAUSED:
        lifecycle.resume(person, ctx.now())
        ctx.session.add(person)
    return Response.say("You're in! We'll introduce you to a new partner in the next "
                        "matching round.")

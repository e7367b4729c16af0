"""Pairings ending: a partner's `end` (with a reason, or goals reached), an admin's `unpair`,
and someone leaving the program; the other side is always told kindly."""

from __future__ import annotations

from core import keys
from core.context import Context
from core.messages import Button, Message, Response
from core.outgoing import Outgoing
from core.text import length, literal, one_line, within
from features.admin.cohorts import CLOSED_REASON
from features.journey import ending
from features.people import address_of, name_of, notify_admins
from storage import pairs
from storage.models import Pair, Person

END, KEEP = "pair.end", "pair.keep"
UNPAIR, KEEP_PAIRED = "pair.unpair", "pair.keep_paired"
END_REASONS = {
    "goals": "We reached our goals",
    "mismatch": "Not a good match",
    "time": "No time right now",
}
REASON_LIMIT = 300
LEFT_REASON, TEAM_REASON = "left the program", "ended by the program team"
# End reasons that are our labels, not anyone's words: they stay when a person is forgotten.
STANDARD_END_REASONS = frozenset({*END_REASONS.values(), LEFT_REASON, TEAM_REASON, CLOSED_REASON})


async def end_question(ctx: Context, person: Person | None, reason: str) -> Response:
    """`end` asks why; `end <reason>` asks to confirm. Nothing ends until a button says so."""
    active = await pairs.active_pairs_of(ctx.session, person.id) if person and person.id else []
    if not active:
        return Response.say("You're not in a pair right now, so there's nothing to end.")
    words = one_line(reason)
    if length(words) > REASON_LIMIT or len(words) > REASON_LIMIT * 4:  # the button carries it
        return Response.say(f"Please keep the reason to {REASON_LIMIT} characters (yours has "
                            f"{length(words)}). Nothing has changed.")
    messages = []
    for pair in active:
        partner = await partner_of(ctx, pair, person.id)  # type: ignore[union-attr]
        who = name_of(partner) if partner else "your partner"
        if words:
            shown = END_REASONS.get(words.lower(), words)
            outcome = ("You each get the closing survey: a success!" if words.lower() == "goals"
                       else "We'll tell them kindly.")
            messages.append(Message(
                text=(f"End your pairing with {who}? Your reason: “{literal(shown)}” (only the "
                      f"program team sees it). {outcome}"),
                buttons=(Button("End the pairing", END, f"{pair.id}:{words}", style="danger"),
                         Button("Keep it", KEEP, str(pair.id)))))
            continue
        messages.append(Message(
            text=f"End your pairing with {who}? Tell us why; only the program team sees it.",
            buttons=(*(Button(label, END, f"{pair.id}:{code}")
                       for code, label in END_REASONS.items()),
                     Button("Cancel", KEEP, str(pair.id)))))
    return Response(messages=tuple(messages))


async def keep(ctx: Context, person: Person | None, pair_id: int) -> Response:
    """*Keep it* / *Cancel* on the end question: nothing changes."""
    pair = await ctx.session.get(Pair, pair_id)
    if person is None or pair is None or person.id not in (pair.mentor_id, pair.mentee_id):
        return Response.say("That pairing isn't yours.")
    if pair.status != "active":
        return Response.say("That pairing has already ended.")
    partner = await partner_of(ctx, pair, person.id)
    return Response.say(f"Good: nothing changed, and your pairing with "
                        f"{name_of(partner) if partner else 'your partner'} continues.")


async def end(ctx: Context, person: Person, pair_id: int, reason: str) -> Response:
    pair = await ctx.session.get(Pair, pair_id)
    if pair is None or person.id not in (pair.mentor_id, pair.mentee_id):
        return Response.say("That pairing isn't yours to end.")
    if pair.status != "active":
        return Response.say("That pairing has already ended.")
    if reason.lower() == "goals":
        return await _goals_reached(ctx, person, pair)
    words = END_REASONS.get(reason.lower(), within(one_line(reason), REASON_LIMIT))
    await _close(ctx, pair, person.id, words)  # type: ignore[arg-type]
    if reason.lower() == "mismatch":
        await pairs.exclude(ctx.session, pair.mentor_id, pair.mentee_id, words, ctx.now())
    partner = await _tell_partner(ctx, pair, person, f"{name_of(person)} has closed your "
                                  "pairing. Thank you for the time you gave it; you're back in "
                                  "the pool for the next matching round.")
    await notify_admins(ctx, keys.ended_notice(pair.id), Message(
        title="A pair has ended",
        text=f"{name_of(person)} ended their pairing with {name_of(partner)}. Reason: {literal(words)}"))
    return Response.say(
        "Your pairing is closed, and your partner has been told kindly. "
        "You're back in the pool; we won't pair you two again."
    )


async def _goals_reached(ctx: Context, person: Person, pair: Pair) -> Response:
    """A success, not a failure: the closing survey, a completed pairing, no rematch unasked."""
    assert pair.id is not None
    await ending.finish(ctx, pair, person.id, ending.GOALS_REACHED)
    partner = await partner_of(ctx, pair, person.id)
    await notify_admins(ctx, keys.ended_notice(pair.id), Message(
        title="A pair reached its goals",
        text=f"{name_of(person)} and {name_of(partner) if partner else 'their partner'} closed "
             "their pairing early: they reached their goals."))
    return Response.say("Congratulations to you both! Your pairing is closed as a success; "
                        "you each get the closing survey and an invitation to the next round.")


async def unpair_question(ctx: Context, person: Person) -> Response:
    """`admin unpair @person` (and *Unpair* in the at-risk list) asks first, per pairing."""
    active = await pairs.active_pairs_of(ctx.session, person.id)  # type: ignore[arg-type]
    if not active:
        return Response.say(f"{name_of(person)} isn't in a pair right now.")
    return Response(messages=tuple([await unpair_message(ctx, pair) for pair in active]))


async def unpair_message(ctx: Context, pair: Pair) -> Message:
    mentor = await ctx.session.get(Person, pair.mentor_id)
    mentee = await ctx.session.get(Person, pair.mentee_id)
    names = f"{name_of(mentor) if mentor else '?'} and {name_of(mentee) if mentee else '?'}"
    return Message(
        title=f"Unpair {names}?",
        text="Their pairing ends now. Both are told kindly and go back to the pool for a fresh "
             "match.",
        buttons=(Button("Unpair", UNPAIR, str(pair.id), style="danger"),
                 Button("Cancel", KEEP_PAIRED, str(pair.id))))


async def unpair(ctx: Context, admin: Person, pair_id: int) -> Response:
    """*Unpair* pressed: the pairing shown ends, once, however often it is pressed."""
    pair = await ctx.session.get(Pair, pair_id)
    if pair is None or pair.id is None:
        return Response.say("That pairing no longer exists.")
    if pair.status != "active":
        return Response.say("That pairing has already ended; nobody was told twice.")
    await _close(ctx, pair, admin.id, TEAM_REASON)  # type: ignore[arg-type]
    names = []
    for member_id in (pair.mentor_id, pair.mentee_id):
        member = await ctx.session.get(Person, member_id)
        assert member is not None
        names.append(name_of(member))
        await ctx.queue(Outgoing.dm(keys.unpaired(pair.id, member_id),
            address_of(member),
            Message(
                text="The program team has closed your current pairing. Thank you for the time "
                "you put in; you're back in the pool and will get a fresh match."
            ),
        ))
    return Response.say(f"Done: the pairing of {' and '.join(names)} ended; both were told "
                        "kindly and are back in the pool.")


async def keep_paired(ctx: Context, pair_id: int) -> Response:
    pair = await ctx.session.get(Pair, pair_id)
    if pair is None or pair.status != "active":
        return Response.say("That pairing has already ended.")
    return Response.say("Nothing changed: the pairing continues.")


async def close_all_for_leaver(ctx: Context, person: Person, *, named: bool = True) -> None:
    """Someone leaving the program ends their pairs; each partner hears it kindly. Unnamed
    when the leaver is being forgotten: the notice must not keep their name."""
    assert person.id is not None
    who = name_of(person) if named else "Your partner"
    for pair in await pairs.active_pairs_of(ctx.session, person.id):
        await _close(ctx, pair, person.id, LEFT_REASON)
        await _tell_partner(ctx, pair, person, f"{who} has left the program, so "
                            "your pairing has ended. Thank you for the time you gave it; you're "
                            "back in the pool for the next round.")


async def partner_of(ctx: Context, pair: Pair, person_id: int | None) -> Person | None:
    return await ctx.session.get(
        Person, pair.mentee_id if pair.mentor_id == person_id else pair.mentor_id)


async def _tell_partner(ctx: Context, pair: Pair, person: Person, text: str) -> Person:
    partner = await partner_of(ctx, pair, person.id)
    assert partner is not None
    await ctx.queue(Outgoing.dm(keys.ended(pair.id, partner.id), address_of(partner), Message(text=text)))
    return partner


async def _close(ctx: Context, pair: Pair, by: int, reason: str) -> None:
    pair.status, pair.ended_at, pair.ended_by, pair.end_reason = "ended", ctx.now(), by, reason
    ctx.session.add(pair)

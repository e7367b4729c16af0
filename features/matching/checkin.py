"""One check-in for people who have waited long for a match: still interested?

They can stay, pause, leave, or ask the program team to find them a match, which puts them
first in the admin's list of people waiting.
"""

from __future__ import annotations

from datetime import timedelta

from core import keys
from core.context import Context
from core.messages import Button, Message, Response
from core.outgoing import Outgoing
from features.enrolment import membership
from features.matching.suggestions import suggest_buttons
from features.people import ROLE_NAMES, address_of, name_of, notify_admins
from storage import engagement, pairs
from storage import requests as stored
from storage.models import Person, Status

KEEP, PAUSE, LEAVE, HELP = "waiting.keep", "waiting.pause", "waiting.leave", "waiting.help"


async def run(ctx: Context) -> int:
    """Everyone waiting longer than `check_in_days` hears from us once per waiting spell."""
    now, days = ctx.now(), ctx.program.matching.check_in_days
    sent = 0
    for waiting in await stored.waiting(ctx.session):
        person = waiting.person
        assert person.id is not None
        if now - waiting.since < timedelta(days=days):
            continue
        key = keys.still_interested(person.id, waiting.since.date())
        if not await engagement.record_nudge(ctx.session, key, person.id, None, "waiting", now):
            continue
        await ctx.queue(Outgoing.dm(key, address_of(person), Message(
            title="Still interested?",
            text=(f"You've been waiting for a match for {(now - waiting.since).days} days, and "
                  "we're sorry it's taking a while. Would you like to stay in the program?"),
            buttons=(Button("Yes, keep me in", KEEP, style="primary"),
                     Button("Ask the program team to find me a match", HELP),
                     *suggest_buttons(ctx.program, person.role),
                     Button("Pause", PAUSE),
                     Button("Leave", LEAVE)))))
        sent += 1
    return sent


def _waiting(person: Person | None) -> bool:
    return person is not None and person.status == Status.ACTIVE


async def keep(ctx: Context, person: Person | None) -> Response:
    if not _waiting(person):
        return Response.say("That button has expired. Type `status` to see where you stand.")
    return Response.say("Great, you stay in line. We'll introduce you as soon as there's a match.")


async def ask_team(ctx: Context, person: Person | None) -> Response:
    if not _waiting(person):
        return Response.say("That button has expired. Type `status` to see where you stand.")
    assert person is not None and person.id is not None
    if await pairs.active_pairs_of(ctx.session, person.id):
        return Response.say("You're paired already, so there's nothing to ask. Enjoy it!")
    if await stored.ask_for_help(ctx.session, person.id, ctx.now()):
        role = ROLE_NAMES.get(person.role or "", "participant")
        await notify_admins(ctx, keys.match_help(person.id, ctx.now().date()), Message(
            title="Someone waiting asked you for a match",
            text=f"{name_of(person)} ({role}) has waited a while and asked the program team to "
                 "find them a match. They're first in your list of people waiting."))
    return Response.say("Done: the program team will look for a match for you by hand, and "
                        "you're first on their list.")


async def pause(ctx: Context, person: Person | None) -> Response:
    return await membership.pause(ctx, person, "")


async def leave(_ctx: Context, person: Person | None) -> Response:
    return membership.leave_question(person)

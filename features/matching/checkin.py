"""One check-in for people who have waited long for a match: still interested?

They can stay, pause, leave, or ask the program team to find them a match, which puts them
first in the admin's list of people waiting.
"""

from __future__ import annotations

from datetime import timedelta

from core import keys
from core.context import Context
from core.events import Address
from core.messages import Button, Message, Response
from core.outgoing import Outgoing
from core.text import plural
from features.enrolment import membership
from features.matching.suggestions import suggest_buttons
from features.people import ROLE_NAMES, name_of, notify_admins
from storage import engagement, pairs, waiting
from storage import requests as stored
from storage.models import Person, Status
from storage.waiting import Waiter

KEEP, PAUSE, LEAVE, HELP = "waiting.keep", "waiting.pause", "waiting.leave", "waiting.help"


BATCH = 1000  # people read per page, each page its own transaction


async def run(ctx: Context, batch: int = BATCH) -> int:
    """Everyone waiting longer than `check_in_days` hears from us once per waiting spell.

    Pages through the people waiting; each page records its check-ins and queues their
    messages in two statements (keys already recorded, by a rerun or another replica, are
    left out) and commits."""
    sent = 0
    async for page in waiting.pages(ctx.session, batch):
        sent += await _check_page(ctx, page)
        await ctx.commit()
    return sent


async def _check_page(ctx: Context, page: list[Waiter]) -> int:
    now, days = ctx.now(), timedelta(days=ctx.program.matching.check_in_days)
    due = [(keys.still_interested(w.id, w.since.date()), w) for w in page if now - w.since >= days]
    recorded = await engagement.record_nudges(
        ctx.session, [(key, w.id, None) for key, w in due], "waiting", now)
    buttons: dict[str, tuple[Button, ...]] = {}
    for _, w in due:
        if w.role not in buttons:
            buttons[w.role] = _buttons(ctx, w.role)
    await ctx.queue(*(Outgoing.dm(key, Address(w.platform, w.user_id, w.tenant_id), Message(  # type: ignore[arg-type]
        title="Still interested?",
        text=(f"You've been waiting for a match for {plural((now - w.since).days, 'day')}, and "
              "we're sorry it's taking a while. Would you like to stay in the program?"),
        buttons=buttons[w.role])) for key, w in due if key in recorded))
    return len(recorded)


def _buttons(ctx: Context, role: str) -> tuple[Button, ...]:
    return (Button("Yes, keep me in", KEEP, style="primary"),
            Button("Ask the program team to find me a match", HELP),
            *suggest_buttons(ctx.program, role),
            Button("Pause", PAUSE),
            Button("Leave", LEAVE))


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

"""`admin …` commands and buttons: for the program team only."""

from __future__ import annotations

from flows import export, match_round, pairs
from flows.context import Context
from flows.events import Action, Command
from flows.mentions import find_mentioned, mentioned_ids, without_mentions
from flows.messages import Message, Response
from flows.people import is_admin
from storage.models import Person
from storage.people import get_or_create_person

REFUSAL = (
    "Admin commands are for the program team, and nothing was changed. "
    "If you think you should have access, ask a program admin."
)

ADMIN_COMMANDS = (
    ("admin match", "propose a matching round and preview it before anything is sent"),
    ("admin pair @junior @senior [force]", "pair two people by hand; the hard rules still apply"),
    ("admin unpair @person", "end someone's current pairing; both go back to the pool"),
)


def admin_help(prefix: str) -> Message:
    lines = "\n".join(f"- `{prefix}{usage}`: {summary}" for usage, summary in ADMIN_COMMANDS)
    return Message(title="Admin commands", text=lines)


async def command(
    ctx: Context, event: Command, person: Person | None, args: str, prefix: str
) -> Response:
    if not is_admin(ctx.program, person, event):
        return Response.say(REFUSAL)
    admin = await _admin_person(ctx, event, person)
    word, _, rest = args.partition(" ")
    match word.lower():
        case "" | "help":
            return Response(messages=(admin_help(prefix),))
        case "match":
            return await match_round.propose_round(ctx, admin)
        case "pair":
            return await _pair(ctx, event, admin, rest)
        case "unpair":
            return await _unpair(ctx, event, admin, rest)
        case "export":
            return await export.export_command(ctx, admin, event, rest)
    return Response.say(
        f"I don't know `admin {word[:30]}`. Type `{prefix}admin help` for the list."
    )


async def action(ctx: Context, event: Action, person: Person | None) -> Response:
    if not is_admin(ctx.program, person, event):
        return Response.say(REFUSAL)
    admin = await _admin_person(ctx, event, person)
    if not event.value.isdigit():
        return Response.say("That button has expired. Type `admin match` for a fresh preview.")
    if event.action_id == match_round.CONFIRM:
        return await match_round.confirm_round(ctx, admin, int(event.value))
    return await match_round.discard_round(ctx, admin, int(event.value))


async def _admin_person(ctx: Context, event: Command | Action, person: Person | None) -> Person:
    """Admins need a row too (rounds record who decided), even if they never joined."""
    if person is not None:
        return person
    s = event.sender
    return await get_or_create_person(ctx.session, s.platform, s.tenant_id, s.user_id, ctx.now())


async def _mentioned(ctx: Context, event: Command, text: str) -> tuple[list[Person], list[str]]:
    found, missing = [], []
    for user_id in mentioned_ids(text):
        person = await find_mentioned(ctx.session, event.sender, user_id)
        (found.append(person) if person else missing.append(user_id))  # type: ignore[func-returns-value]
    return found, missing


async def _pair(ctx: Context, event: Command, admin: Person, text: str) -> Response:
    people, missing = await _mentioned(ctx, event, text)
    if missing:
        return Response.say(
            f"I don't know {len(missing)} of those people yet; they need to `join` first."
        )
    if len(people) != 2:
        return Response.say(
            "Name two people: `admin pair @junior @senior` (add `force` to override a rule)."
        )
    force = without_mentions(text).lower().split() == ["force"]
    return await pairs.pair_by_hand(ctx, admin, people[0], people[1], force)


async def _unpair(ctx: Context, event: Command, admin: Person, text: str) -> Response:
    people, missing = await _mentioned(ctx, event, text)
    if len(people) != 1 or missing:
        return Response.say("Name one person who has joined: `admin unpair @person`.")
    return await pairs.unpair(ctx, admin, people[0])

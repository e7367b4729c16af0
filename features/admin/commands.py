"""`admin …` commands, buttons and forms: for the program team only, answered privately."""

from __future__ import annotations

from core.context import Context
from core.events import Action, Command, FormSubmission
from core.messages import Message, Response
from core.text import parse_id
from features.admin import cohorts, export, program_team, stats
from features.admin.mentions import find_mentioned, mentioned_ids, without_mentions
from features.matching import pairs
from features.matching import round as match_round
from features.people import is_admin
from storage.models import Pair, Person
from storage.people import get_or_create_person

REFUSAL = ("Admin commands are for the program team, and nothing was changed. "
           "If you think you should have access, ask a program admin.")

ADMIN_COMMANDS = (
    ("admin stats [cohort NAME]", "enrollment, matching, engagement, satisfaction, retention"),
    ("admin match", "propose a matching round and preview it before anything is sent"),
    ("admin pair @junior @senior [force]", "pair two people by hand; the hard rules still apply"),
    ("admin unpair @person", "end someone's current pairing; both go back to the pool"),
    ("admin at-risk", "pairs flagged by nudges or polls, with one-click actions"),
    ("admin export [cohort NAME]", "CSV files, delivered to you privately"),
    ("admin cohort start NAME [ends DATE]", "start a cohort; new pairs join it"),
    ("admin cohort close", "send the closing survey, thank the pairs and end them"),
    ("admin announce TEXT", "a message to every active participant"),
    ("admin grant @person / admin revoke @person", "add or remove an admin"),
)
ACTIONS = (match_round.CONFIRM, match_round.DISCARD, program_team.MESSAGE_PAIR,
           program_team.UNPAIR_PAIR)


def admin_help(prefix: str) -> Message:
    lines = "\n".join(f"- `{prefix}{usage}`: {summary}" for usage, summary in ADMIN_COMMANDS)
    return Message(title="Admin commands", text=lines)


async def command(ctx: Context, event: Command, person: Person | None, args: str,
                  prefix: str) -> Response:
    if not await is_admin(ctx.session, ctx.program, person, event):
        return Response.say(REFUSAL)
    admin = await _admin_person(ctx, event, person)
    word, _, rest = args.partition(" ")
    match word.lower():
        case "" | "help":
            return Response(messages=(admin_help(prefix),))
        case "stats":
            return await stats.stats_command(ctx, rest)
        case "match":
            return await match_round.propose_round(ctx, admin)
        case "pair":
            return await _pair(ctx, event, admin, rest)
        case "unpair" | "grant" | "revoke":
            return await _one_person(ctx, event, admin, word.lower(), rest)
        case "at-risk" | "atrisk" | "risk":
            return await program_team.at_risk(ctx)
        case "export":
            return await export.export_command(ctx, admin, event, rest)
        case "cohort":
            return await _cohort(ctx, admin, rest)
        case "announce":
            return await program_team.announce(ctx, admin, rest)
    return Response.say(f"I don't know `admin {word[:30]}`. Type `{prefix}admin help` for the list.")


async def action(ctx: Context, event: Action, person: Person | None) -> Response:
    if not await is_admin(ctx.session, ctx.program, person, event):
        return Response.say(REFUSAL)
    admin = await _admin_person(ctx, event, person)
    number = parse_id(event.value)
    if number is None:
        return Response.say("That button has expired. Type `admin help` to start again.")
    match event.action_id:
        case match_round.CONFIRM:
            return await match_round.confirm_round(ctx, admin, number)
        case match_round.DISCARD:
            return await match_round.discard_round(ctx, admin, number)
        case program_team.MESSAGE_PAIR:
            return Response(form=program_team.note_form(number))
    pair = await ctx.session.get(Pair, number)
    mentee = await ctx.session.get(Person, pair.mentee_id) if pair else None
    if mentee is None:
        return Response.say("That pairing no longer exists.")
    return await pairs.unpair(ctx, admin, mentee)


async def form(ctx: Context, event: FormSubmission, person: Person | None) -> Response:
    if not await is_admin(ctx.session, ctx.program, person, event):
        return Response.say(REFUSAL)
    admin = await _admin_person(ctx, event, person)
    return await program_team.send_note(ctx, admin, event.context, event.values, event)


async def _admin_person(ctx: Context, event: Command | Action | FormSubmission,
                        person: Person | None) -> Person:
    """Admins need a row too (rounds record who decided), even if they never joined."""
    if person is not None:
        return person
    s = event.sender
    return await get_or_create_person(ctx.session, s.platform, s.tenant_id, s.user_id, ctx.now(),
                                      status="visitor")


async def _mentioned(ctx: Context, event: Command, text: str) -> tuple[list[Person], list[str]]:
    found, missing = [], []
    for user_id in mentioned_ids(text):
        person = await find_mentioned(ctx.session, event.sender, user_id)
        if person is None:
            missing.append(user_id)
        else:
            found.append(person)
    return found, missing


async def _pair(ctx: Context, event: Command, admin: Person, text: str) -> Response:
    people, missing = await _mentioned(ctx, event, text)
    if missing:
        return Response.say(f"I don't know {len(missing)} of those people yet; "
                            "they need to `join` first.")
    if len(people) != 2:
        return Response.say("Name two people: `admin pair @junior @senior` (add `force` to "
                            "override a rule).")
    force = without_mentions(text).lower().split() == ["force"]
    return await pairs.pair_by_hand(ctx, admin, people[0], people[1], force)


async def _one_person(ctx: Context, event: Command, admin: Person, word: str,
                      text: str) -> Response:
    people, missing = await _mentioned(ctx, event, text)
    if len(people) != 1 or missing:
        return Response.say(f"Name one person who has written to me: `admin {word} @person`.")
    if word == "unpair":
        return await pairs.unpair(ctx, admin, people[0])
    if word == "grant":
        return await program_team.grant(ctx, admin, people[0])
    if people[0].id == admin.id:
        return Response.say("You can't revoke your own admin rights; ask another admin.")
    return await program_team.revoke(ctx, people[0])


async def _cohort(ctx: Context, admin: Person, text: str) -> Response:
    word, _, rest = text.strip().partition(" ")
    if word.lower() == "start":
        return await cohorts.start(ctx, admin, rest)
    if word.lower() == "close":
        return await cohorts.close(ctx, admin)
    return Response.say("Try `admin cohort start NAME [ends DATE]` or `admin cohort close`.")

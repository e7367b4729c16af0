"""Matching's commands and buttons: rounds, pairing by hand, agreeing, ending a pairing."""

from __future__ import annotations

from core.context import Context
from core.messages import Response
from core.text import parse_id
from features.admin.mentions import mentioned_people, without_mentions
from features.home import panel
from features.matching import (
    agreement,
    checkin,
    endings,
    intros,
    pairing_rules,
    preview,
    requests,
    round,
    round_run,
    suggestions,
    waiting,
)
from features.registry import ActionSpec, Call, CommandSpec, Registry, register_each

EXPIRED = "That button has expired. Type `admin help` to start again."


async def end_command(ctx: Context, call: Call) -> Response:
    return await endings.end_question(ctx, call.member, call.args)


async def end_button(ctx: Context, call: Call) -> Response:
    raw_id, _, reason = call.value.partition(":")
    pair_id = parse_id(raw_id)
    if call.person is None or pair_id is None:
        return Response.say("That button has expired. Type `end` to try again.")
    return await endings.end(ctx, call.person, pair_id, reason)


async def keep_pair(ctx: Context, call: Call) -> Response:
    pair_id = parse_id(call.value)
    if pair_id is None:
        return Response.say("That button has expired. Type `end` to try again.")
    return await endings.keep(ctx, call.person, pair_id)


async def agree(ctx: Context, call: Call) -> Response:
    return await agreement.agree(ctx, call.person, call.value)


async def match(ctx: Context, call: Call) -> Response:
    return await round_run.start_round(ctx, call.person)  # type: ignore[arg-type]


async def confirm(ctx: Context, call: Call) -> Response:
    round_id = parse_id(call.value)
    if round_id is None:
        return Response.say(EXPIRED)
    return await round.confirm_round(ctx, call.person, round_id)  # type: ignore[arg-type]


async def discard(ctx: Context, call: Call) -> Response:
    round_id = parse_id(call.value)
    if round_id is None:
        return Response.say(EXPIRED)
    return await round.discard_round(ctx, call.person, round_id)  # type: ignore[arg-type]


async def pair_by_hand(ctx: Context, call: Call) -> Response:
    people, missing = await mentioned_people(ctx.session, call.event.sender, call.args)
    if missing:
        return Response.say(f"I don't know {len(missing)} of those people yet; "
                            "they need to `join` first.")
    if len(people) != 2:
        return Response.say("Name two people: `admin pair @junior @senior` (add `force` to "
                            "override a rule).")
    force = without_mentions(call.args).lower().split() == ["force"]
    return await pairing_rules.pair_by_hand(ctx, call.person, people[0], people[1], force)  # type: ignore[arg-type]


async def unpair(ctx: Context, call: Call) -> Response:
    people, missing = await mentioned_people(ctx.session, call.event.sender, call.args)
    if len(people) != 1 or missing:
        return Response.say("Name one person who has written to me: `admin unpair @person`.")
    return await endings.unpair_question(ctx, people[0])


async def unpair_confirmed(ctx: Context, call: Call) -> Response:
    pair_id = parse_id(call.value)
    if pair_id is None:
        return Response.say(EXPIRED)
    return await endings.unpair(ctx, call.person, pair_id)  # type: ignore[arg-type]


async def keep_paired(ctx: Context, call: Call) -> Response:
    pair_id = parse_id(call.value)
    if pair_id is None:
        return Response.say(EXPIRED)
    return await endings.keep_paired(ctx, pair_id)


async def details(ctx: Context, call: Call) -> Response:
    round_id = parse_id(call.value)
    if round_id is None:
        return Response.say(EXPIRED)
    return await preview.details(ctx, round_id)


async def waitlist(ctx: Context, call: Call) -> Response:
    return await waiting.admin_waitlist(ctx)


async def pair_waiting(ctx: Context, call: Call) -> Response:
    return await waiting.pair_pressed(ctx, call.person, call.value)  # type: ignore[arg-type]


async def suggest(ctx: Context, call: Call) -> Response:
    return await suggestions.suggest(ctx, call.member)


async def request(ctx: Context, call: Call) -> Response:
    mentor_id = parse_id(call.value)
    if mentor_id is None:
        return Response.say("That button has expired. Type `suggest` to start again.")
    return await requests.ask(ctx, call.member, mentor_id)


async def accept(ctx: Context, call: Call) -> Response:
    request_id = parse_id(call.value)
    if request_id is None:
        return Response.say(requests.GONE)
    return await requests.accept(ctx, call.member, request_id)


async def decline(ctx: Context, call: Call) -> Response:
    request_id = parse_id(call.value)
    if request_id is None:
        return Response.say(requests.GONE)
    return await requests.decline(ctx, call.member, request_id)


async def keep_waiting(ctx: Context, call: Call) -> Response:
    return await checkin.keep(ctx, call.member)


async def ask_team(ctx: Context, call: Call) -> Response:
    return await checkin.ask_team(ctx, call.member)


async def pause_waiting(ctx: Context, call: Call) -> Response:
    return await checkin.pause(ctx, call.member)


async def leave_waiting(ctx: Context, call: Call) -> Response:
    return await checkin.leave(ctx, call.member)


def register(registry: Registry) -> None:
    register_each(registry, (
        CommandSpec("end", "close your current pairing", end_command, usage="end [reason]"),
        ActionSpec(endings.END, end_button, carries_id=True),
        ActionSpec(endings.KEEP, keep_pair, carries_id=True),
        ActionSpec(intros.AGREE, agree, carries_id=True),
        CommandSpec("match", "propose a matching round and preview it before anything is sent",
                    match, admin=True),
        CommandSpec("pair", "pair two people by hand; the hard rules still apply", pair_by_hand,
                    usage="pair @junior @senior [force]", admin=True),
        CommandSpec("unpair", "end someone's current pairing; both go back to the pool", unpair,
                    usage="unpair @person", admin=True),
        ActionSpec(endings.UNPAIR, unpair_confirmed, admin=True, carries_id=True),
        ActionSpec(endings.KEEP_PAIRED, keep_paired, admin=True, carries_id=True),
        ActionSpec(panel.MATCH, match, admin=True),  # the Home view's program panel
        CommandSpec("waitlist", "who is waiting for a match, since when and why, with the best "
                    "candidates and a Pair button", waitlist, admin=True),
        ActionSpec(waiting.PAIR, pair_waiting, admin=True),
        ActionSpec(preview.DETAILS, details, admin=True, carries_id=True),
        ActionSpec(round.CONFIRM, confirm, admin=True, carries_id=True),
        ActionSpec(round.DISCARD, discard, admin=True, carries_id=True),
        CommandSpec("suggest", "see the mentors who fit you best and ask one (senior mentees, "
                    "where the program lets you choose)", suggest),
        ActionSpec(suggestions.SUGGEST, suggest),
        ActionSpec(suggestions.REQUEST, request, carries_id=True),
        ActionSpec(requests.ACCEPT, accept, carries_id=True),
        ActionSpec(requests.DECLINE, decline, carries_id=True),
        ActionSpec(checkin.KEEP, keep_waiting),
        ActionSpec(checkin.HELP, ask_team),
        ActionSpec(checkin.PAUSE, pause_waiting),
        ActionSpec(checkin.LEAVE, leave_waiting),
    ))
    registry.job("match_requests", requests.run)
    registry.job("check_ins", checkin.run)
    registry.task(round_run.TASK, round_run.run_round)
    registry.job("stopped_rounds", round_run.tell_stopped)

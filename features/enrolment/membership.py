"""Where a person stands, and their own controls: status, pause, resume, leave."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.calendar import local_date
from core.context import Context
from core.dates import friendly, parse_date
from core.messages import Button, Fact, Message, Response
from core.text import quote, whole_number
from features.enrolment import lifecycle
from features.enrolment.forgetting import forget
from features.journey import kickoff
from features.matching.endings import close_all_for_leaver, partner_of
from features.matching.suggestions import choosing
from features.people import ROLE_NAMES, name_of
from storage.models import Pair, Person, Status
from storage.standing import Standing, pairs_and_partners, standing_of

LEAVE, STAY, RESUME, PAUSE_FOR = (
    "membership.leave", "membership.stay", "membership.resume", "membership.pause_for")
ASK_LEAVE = "membership.ask_leave"  # the Home view's *Leave*: the same question as `leave`
MAX_PAUSE = timedelta(days=365)
# Said to anyone the bot holds no profile for. That includes someone who left and had their
# data deleted: recognising them would take keeping their platform id.
NOT_JOINED = ("You haven't joined the program (or you left and had your data deleted, so I no "
              "longer know you). Type `join` to sign up; it takes two minutes.")


def local_today(person: Person, now: datetime) -> date:
    """The person's own date; an unknown or broken timezone counts as UTC."""
    return local_date(now, person.timezone)


async def status(ctx: Context, person: Person | None) -> Response:
    if person is None:
        return Response.say(NOT_JOINED)
    survey = ctx.program.survey
    if person.status == Status.PENDING:
        return Response.say(
            "You've started signing up but haven't finished the survey yet. "
            "Type `join` to pick up where you left off."
        )
    if person.status == Status.LEFT:
        return _left(person)
    assert person.id is not None
    standing = await standing_of(ctx.session, person.id)
    topics = standing.topics
    role = person.role or "mentor"
    focus = topics.get("teach" if role == "mentor" else "learn", ())
    facts = (
        Fact("Role", ROLE_NAMES.get(role, role)),
        Fact("Department", survey.label_of(survey.departments, person.department)),
        Fact("Team", person.team or ""),
        Fact("Timezone", person.timezone or "not set"),
        Fact(
            "Teaching" if role == "mentor" else "Learning",
            ", ".join(survey.topic_label(t) for t in focus) or "nothing yet",
        ),
    )
    if person.status == Status.PAUSED:
        until = (
            f"until {friendly(person.paused_until)}" if person.paused_until else "until you resume"
        )
        return Response(
            messages=(
                Message(
                    title="You're on a break",
                    text=f"You're paused {until}: no prompts or nudges meanwhile. "
                    "Type `resume` to come back.",
                    facts=facts,
                    buttons=(Button("Resume now", RESUME, style="primary"),),
                ),
            )
        )
    active = await pairs_and_partners(ctx.session, standing.pair_ids, person.id)
    journey = await kickoff.status_message(ctx, person, active)
    return Response(
        messages=(
            Message(
                title=f"You're in as a {ROLE_NAMES.get(role, role)}",
                text=await _where_in_matching(ctx, person, standing, active),
                facts=facts,
            ),
            *((journey,) if journey else ()),
        )
    )


async def pause(ctx: Context, person: Person | None, args: str) -> Response:
    if person is None or person.status in (Status.PENDING, Status.LEFT):
        return Response.say(
            NOT_JOINED
            if person is None or person.status == Status.LEFT
            else "Finish the survey first (type `join`); then you can pause any time."
        )
    today = local_today(person, ctx.now())
    words = args.strip()
    until = None
    if words:
        spoken = words.removeprefix("until").strip() if words.lower().startswith("until") else words
        until = parse_date(spoken, today)
        if until is None:
            return Response.say(
                f"I couldn't read “{quote(spoken)}” as a date. Try "
                "`pause until 2026-12-31` or `pause until 31 Dec`, or just `pause`."
            )
        if until <= today:
            return Response.say(
                "That date has already passed. Pick a day after today, "
                "or type `pause` to pause until you resume."
            )
        if until - today > MAX_PAUSE:
            return Response.say(
                "A break can last up to a year. Pick an earlier date, or type "
                "`leave` if you'd rather step out of the program."
            )
    lifecycle.pause(person, until, ctx.now())
    ctx.session.add(person)
    when = (
        f"until {friendly(until)}; you'll be back automatically that day"
        if until
        else "until you type `resume`"
    )
    return Response.say(f"You're paused {when}. No prompts, nudges or matching meanwhile.")


async def pause_for(ctx: Context, person: Person | None, days: str) -> Response:
    """The one-click pause offered in a nudge: a break of a few days from today."""
    number = whole_number(days, 90)
    if person is None or number is None:
        return Response.say("That button has expired. Type `pause until DATE` instead.")
    until = local_today(person, ctx.now()) + timedelta(days=number)
    return await pause(ctx, person, f"until {until.isoformat()}")


async def resume(ctx: Context, person: Person | None) -> Response:
    if person is None or person.status in (Status.PENDING, Status.LEFT):
        return Response.say(NOT_JOINED)
    if person.status != Status.PAUSED:
        return Response.say(
            "You're not paused, so there's nothing to resume. Type `status` to check."
        )
    lifecycle.resume(person, ctx.now())
    ctx.session.add(person)
    return Response.say("Welcome back! Prompts and reminders start again from the next one.")


async def _where_in_matching(ctx: Context, person: Person, standing: Standing,
                             active: list[Pair]) -> str:
    assert person.id is not None
    partners = []
    for pair in active:
        other = await partner_of(ctx, pair, person.id)
        since = friendly(pair.created_at.date())
        partners.append(f"{name_of(other) if other else 'a colleague'} (since {since})")
    if partners:
        return f"You're paired with {', '.join(partners)}. Type `end` if it's time to close it."
    if choosing(ctx.program) and person.role == "mentee":
        if standing.open_request:
            return ("Your request to a mentor is waiting for their answer; I'll tell you here "
                    "as soon as they reply.")
        return ("You choose your own mentor: type `suggest` to see who fits you best and send "
                "a request." + (" The program team may also match you in a round."
                                if ctx.program.matching.mode == "hybrid" else ""))
    reason = standing.waitlist_reason
    if reason:
        return (
            f"You're on the waitlist: {reason.rstrip('.')}. You're first in line for the "
            "next matching round; adding topics with `profile` can help."
        )
    return (
        "You're waiting for the next matching round; you'll get an introduction here as "
        "soon as you're matched. Type `profile` to change your answers."
    )


def _left(person: Person) -> Response:
    return Response.say(
        f"You left the program on {friendly(person.left_at.date())}. "  # type: ignore[union-attr]
        "You're welcome back any time: type `join`."
    )


def outside_the_program(person: Person | None) -> Response | None:
    """What someone who is not (or no longer) in the program hears when they try to change a
    membership (`profile`, an old survey button): only `join` starts a fresh signup."""
    if person is None:
        return Response.say(NOT_JOINED)
    if person.status == Status.LEFT:
        return _left(person)
    return None


def leave_question(person: Person | None) -> Response:
    if person is None or person.status == Status.LEFT:
        return Response.say("You're not in the program, so there's nothing to leave.")
    return Response(
        messages=(
            Message(
                title="Leave the program?",
                text="You'll get no more messages from the program. You can keep your answers "
                "(so rejoining is quick) or have your personal data deleted now.",
                buttons=(
                    Button("Leave", LEAVE, "keep", style="primary"),
                    Button(
                        "Leave and delete my data", LEAVE, "delete", style="danger"
                    ),
                    Button("Stay", STAY),
                ),
            ),
        )
    )


async def leave(ctx: Context, person: Person | None, choice: str) -> Response:
    if person is None or (person.status == Status.LEFT and choice != "delete") or person.data_deleted:
        return Response.say("You've already left the program.")
    now = ctx.now()
    await close_all_for_leaver(ctx, person, named=choice != "delete")
    if choice == "delete":
        await forget(ctx, person)
        return Response.say(
            "You've left and your personal data is deleted: your profile, answers, notes "
            "and every message that named you. Only anonymous counts remain. Type `join` "
            "any time to start afresh. Thanks for taking part!"
        )
    lifecycle.leave(person, now)
    ctx.session.add(person)
    return Response.say(
        "You've left the program; your answers are kept in case you come back "
        "(type `join`). Type `leave` again to delete them. Thanks for taking part!"
    )

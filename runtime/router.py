"""Routes one neutral event to the flow that handles it."""

from __future__ import annotations

from core.context import Context
from core.events import Action, Command, Event, FormSubmission, Profile
from core.messages import Response
from core.text import parse_id
from features.admin import cohorts, program_team
from features.admin import commands as admin
from features.engagement import meetings, nudges
from features.engagement import prompts as weekly_prompts
from features.enrolment import membership
from features.enrolment import survey as signup
from features.feedback import pulse
from features.matching import intros, pairs
from features.people import is_admin
from runtime import commands
from storage import people
from storage.models import Person

EXPIRED = "That button has expired. Type `help` to see what you can do."
# Buttons whose value starts with a row id ("12" or "12:more"). Any other value there was not
# made by the bot (or names a row that no id could), so it gets the expired answer, unread.
ID_BUTTONS = frozenset({pairs.END, intros.AGREE, cohorts.OPEN, pulse.OPEN, *admin.ACTIONS,
                        weekly_prompts.MET, weekly_prompts.SKIP, weekly_prompts.ANOTHER,
                        nudges.SCHEDULE})


async def _person(ctx: Context, event: Event) -> Person | None:
    sender = event.sender
    person = await people.find_person(
        ctx.session, sender.platform, sender.tenant_id, sender.user_id
    )
    if person is not None:
        _refresh(person, event.profile)
        if (
            person.status == "paused"
            and person.paused_until is not None
            and person.paused_until <= membership.local_today(person, ctx.now())
        ):
            # The scheduler resumes everyone daily; this covers someone who writes first.
            person.status, person.paused_until = "active", None
        meetings.touch(ctx, person)
    return person


def _member(person: Person | None) -> Person | None:
    """The person as a program member: someone the bot merely knows (a visitor) is not one."""
    return None if person is None or person.status == "visitor" else person


def _refresh(person: Person, profile: Profile) -> None:
    if profile.display_name and profile.display_name != person.display_name:
        person.display_name = profile.display_name[:200]
    if profile.directory_id and profile.directory_id != person.directory_id:
        person.directory_id = profile.directory_id
    if profile.email and profile.email != person.email:
        person.email = profile.email[:320]


async def handle(event: Event, ctx: Context, prefix: str = "") -> Response:
    """`prefix` spells commands in hints: '/mentoring ' on Slack, '' elsewhere."""
    match event:
        case Command():
            return await _command(event, ctx, prefix)
        case Action():
            return await _action(event, ctx)
        case FormSubmission():
            return await _form(event, ctx)
    raise TypeError(f"unexpected event {type(event).__name__}")


async def _command(event: Command, ctx: Context, prefix: str) -> Response:
    if commands.too_long(event.text):
        return Response(messages=(commands.too_long_message(),))
    parsed = commands.parse(event.text, ctx.program.command)
    if not parsed.known:
        return Response(messages=(commands.unknown_message(parsed.name, prefix),))
    person = await _person(ctx, event)
    match parsed.name:
        case "help":
            help_message = commands.help_message(ctx.program, prefix)
            if await is_admin(ctx.session, ctx.program, person, event):
                return Response(messages=(help_message, admin.admin_help(prefix)))
            return Response(messages=(help_message,))
        case "join" | "profile":
            return await _open_survey(ctx, event, person)
        case "status":
            return await membership.status(ctx, _member(person))
        case "pause":
            return await membership.pause(ctx, _member(person), parsed.args)
        case "resume":
            return await membership.resume(ctx, _member(person))
        case "leave":
            return membership.leave_question(_member(person))
        case "end":
            return await pairs.end_question(ctx, _member(person), parsed.args)
        case "met":
            return await meetings.met(ctx, _member(person), None, parsed.args)
    return await admin.command(ctx, event, person, parsed.args, prefix)


async def _open_survey(ctx: Context, event: Command | Action, person: Person | None) -> Response:
    sender = event.sender
    if person is None or person.data_deleted:
        person = await people.get_or_create_person(
            ctx.session, sender.platform, sender.tenant_id, sender.user_id, ctx.now()
        )
        _refresh(person, event.profile)
    if person.status in ("left", "visitor"):
        person.status, person.left_at = "pending", None
    ctx.session.add(person)
    await ctx.session.flush()
    values = await signup.current_values(ctx, person, event.profile)
    return Response(form=signup.survey_form(ctx.program, values))


async def _action(event: Action, ctx: Context) -> Response:
    if event.action_id in ID_BUTTONS and parse_id(event.value.partition(":")[0]) is None:
        return Response.say(EXPIRED)
    person = await _person(ctx, event)
    match event.action_id:
        case "membership.leave":
            return await membership.leave(ctx, person, event.value)
        case "membership.stay":
            return Response.say("Glad you're staying!")
        case "membership.resume":
            return await membership.resume(ctx, person)
        case "signup.open":
            return await _open_survey(ctx, event, person)
        case action_id if action_id in admin.ACTIONS:
            return await admin.action(ctx, event, person)
        case cohorts.OPEN:
            return await cohorts.open_survey(ctx, person, event.value)
        case intros.AGREE:
            return await pairs.agree(ctx, person, event.value)
        case pairs.END:
            pair_id, _, reason = event.value.partition(":")
            number = parse_id(pair_id)
            if person is None or number is None:
                return Response.say("That button has expired. Type `end` to try again.")
            return await pairs.end(ctx, person, number, reason)
        case weekly_prompts.MET:
            return await meetings.met(ctx, person, event.value)
        case weekly_prompts.SKIP:
            return await meetings.skip(ctx, person, event.value)
        case weekly_prompts.ANOTHER:
            return await meetings.another(ctx, person, event.value)
        case nudges.SCHEDULE:
            return Response.say("Great! Send your partner a time that suits you both; "
                                "press *We met* or type `met` afterwards.")
        case nudges.PAUSE_FOR:
            return await membership.pause_for(ctx, person, event.value)
        case pulse.OPEN:
            return await pulse.open_poll(ctx, person, event.value)
    return Response.say(EXPIRED)


async def _form(event: FormSubmission, ctx: Context) -> Response:
    person = await _person(ctx, event)
    if event.form_id == signup.FORM_ID:
        if person is None or person.data_deleted:
            return Response.say("That survey has expired. Type `join` to open a fresh one.")
        return await signup.submit(ctx, event, person)
    if event.form_id == pulse.FORM_ID:
        return await pulse.submit(ctx, event, person)
    if event.form_id == cohorts.FORM_ID:
        return await cohorts.submit(ctx, event, person)
    if event.form_id == program_team.NOTE_FORM:
        return await admin.form(ctx, event, person)
    return Response.say("That form has expired. Type `help` to see what you can do.")

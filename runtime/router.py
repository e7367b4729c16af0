"""Routes one neutral event to its handler: a lookup in the registry, plus the rules every
event shares (who the sender is, admin-only entries, expired buttons and forms)."""

from __future__ import annotations

from core.context import Context
from core.events import Action, Command, Event, FormSubmission, HomeOpened, Installed
from core.messages import Response
from core.text import parse_id
from features.enrolment import lifecycle, membership, welcome
from features.home import refresh as home
from features.people import is_admin, refresh_profile
from features.registry import Call, Registry
from runtime import commands
from storage import people
from storage.models import Person, Status

REFUSAL = ("Admin commands are for the program team, and nothing was changed. "
           "If you think you should have access, ask a program admin.")
EXPIRED_BUTTON = "That button has expired. Type `help` to see what you can do."
EXPIRED_FORM = "That form has expired. Type `help` to see what you can do."


async def handle(event: Event, ctx: Context, registry: Registry) -> Response:
    response = await _handle(event, ctx, registry)
    return await home.after_event(ctx, event, response, changes=_changes(event, ctx, registry))


def _changes(event: Event, ctx: Context, registry: Registry) -> bool:
    """Whether the event may have changed what the sender's Home view shows. A command that
    only reads, help, an unknown word or an expired button changes nothing."""
    match event:
        case Command():
            parsed = commands.parse(event.text, ctx.program.command)
            admin = parsed.word == "admin"
            word = (parsed.args.partition(" ")[0] if admin else parsed.word).lower()
            spec = registry.find_command(word, admin=admin)
            return spec is not None and spec.changes
        case Action() if event.action_id == welcome.HELP:
            return False
        case Action():
            spec_ = registry.find_action(event.action_id)
            return spec_ is not None and (not spec_.carries_id
                                          or parse_id(event.value.partition(":")[0]) is not None)
    return True


async def _handle(event: Event, ctx: Context, registry: Registry) -> Response:
    match event:
        case HomeOpened():
            return Response()  # what it asks for, a fresh Home view, every event brings
        case Command():
            return await _command(event, ctx, registry)
        case Installed():
            return await welcome.greet(ctx, event)
        case Action() if event.action_id == welcome.HELP:
            return await _help(ctx, event, registry, admin=False)
        case Action():
            spec = registry.find_action(event.action_id)
            if spec is None or (spec.carries_id
                                and parse_id(event.value.partition(":")[0]) is None):
                return Response.say(EXPIRED_BUTTON)
            call = await _call(ctx, event, spec.admin, value=event.value, activity=spec.activity)
            return call if isinstance(call, Response) else await spec.handler(ctx, call)
        case FormSubmission():
            spec = registry.find_form(event.form_id)
            if spec is None:
                return Response.say(EXPIRED_FORM)
            call = await _call(ctx, event, spec.admin)
            return call if isinstance(call, Response) else await spec.handler(ctx, call)
    raise TypeError(f"unexpected event {type(event).__name__}")


async def _command(event: Command, ctx: Context, registry: Registry) -> Response:
    if commands.too_long(event.text):
        return Response(messages=(commands.too_long_message(),))
    parsed = commands.parse(event.text, ctx.program.command)
    admin = parsed.word == "admin"
    word, args = parsed.args.partition(" ")[::2] if admin else (parsed.word, parsed.args)
    word = word.lower()
    if word in ("help", "") and (admin or parsed.word == "help"):
        return await _help(ctx, event, registry, admin=admin)
    spec = registry.find_command(word, admin=admin)
    if spec is None:
        if admin:
            call = await _call(ctx, event, True)  # strangers learn nothing about admin words
            if isinstance(call, Response):
                return call
        return Response(messages=(commands.unknown_message(word, registry, admin=admin),))
    call = await _call(ctx, event, admin, args=args.strip())
    return call if isinstance(call, Response) else await spec.handler(ctx, call)


async def _help(ctx: Context, event: Command | Action, registry: Registry, *,
                admin: bool) -> Response:
    """`help` (or the welcome card's Help button); `admin help` for the program team only."""
    call = await _call(ctx, event, admin)
    if isinstance(call, Response):
        return call
    if admin:
        return Response(messages=(commands.admin_help(registry),))
    help_message = commands.help_message(ctx.program, registry)
    if await is_admin(ctx.session, ctx.program, call.person, event):
        return Response(messages=(help_message, commands.admin_help(registry)))
    return Response(messages=(help_message,))


async def _call(ctx: Context, event: Event, admin: bool, *, args: str = "",
                value: str = "", activity: bool = True) -> Call | Response:
    person = await _person(ctx, event, activity)
    if admin:
        if not await is_admin(ctx.session, ctx.program, person, event):
            return Response.say(REFUSAL)
        person = person or await _admin_person(ctx, event)
    return Call(event, person, args=args, value=value)


async def _person(ctx: Context, event: Event, activity: bool = True) -> Person | None:
    sender = event.sender
    if activity:  # anything a person does counts as activity: nudges go only to the quiet
        person = await people.find_and_stamp(ctx.session, sender.platform, sender.tenant_id,
                                             sender.user_id, ctx.now())
    else:
        person = await people.find_person(ctx.session, sender.platform, sender.tenant_id,
                                          sender.user_id)
    if person is not None:
        people.hold(ctx.session, person)  # Home's after_event looks for them in the session
        refresh_profile(person, event.profile)
        if lifecycle.pause_is_over(person, membership.local_today(person, ctx.now())):
            # The scheduler resumes everyone daily; this covers someone who writes first.
            lifecycle.resume(person, ctx.now())
    return person


async def _admin_person(ctx: Context, event: Event) -> Person:
    """Admins need a row too (rounds record who decided), even if they never joined."""
    s = event.sender
    return await people.get_or_create_person(ctx.session, s.platform, s.tenant_id, s.user_id,
                                             ctx.now(), status=Status.VISITOR)

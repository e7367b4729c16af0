"""What a person sees on their Home view: status, partner, agreement and goals, what comes
next, and the buttons that apply to them. Every button is one that already exists elsewhere
(the same action ids), so pressing it on the Home view runs the same handler."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from core.calendar import first_moment_day, zone
from core.context import Context
from core.dates import friendly
from core.events import Address
from core.messages import Button, Home, Message
from features.enrolment import membership, survey
from features.home import panel
from features.journey import booking
from features.journey.rhythm import interval_weeks
from features.journey.slots import spoken
from features.people import is_admin_at
from storage import journey, pairs, people
from storage.models import Kickoff, Pair, Person, Status

PAUSE_DAYS = "14"
OUTSIDE = ("Junior colleagues mentor senior ones in AI and digital tools, how younger "
           "colleagues and customers see the company, and more; and learn leadership in "
           "return. Joining takes two minutes.")


async def home_of(ctx: Context, address: Address) -> Home:
    person = await people.find_person(ctx.session, address.platform, address.tenant_id,
                                      address.user_id)
    if person is not None and person.data_deleted:
        person = None
    sections = list(await _participant(ctx, person))
    if await is_admin_at(ctx.session, ctx.program, address, person):
        sections.append(await panel.program_panel(ctx))
    return Home(sections=tuple(_without_repeated_buttons(sections)))


async def _participant(ctx: Context, person: Person | None) -> tuple[Message, ...]:
    name = ctx.program.name
    if person is None or person.status in (Status.VISITOR, Status.LEFT):
        again = person is not None and person.status == Status.LEFT
        return (Message(title=name, text=("You left the program; you're welcome back any time. "
                                          if again else "") + OUTSIDE,
                        buttons=(Button("Join", survey.JOIN, style="primary"),)),)
    if person.status == Status.PENDING:
        return (Message(title=name, text="You've started signing up but haven't finished the "
                        "survey yet.",
                        buttons=(Button("Finish signing up", survey.JOIN, style="primary"),)),)
    standing = (await membership.status(ctx, person)).messages
    pair = await _active_pair(ctx, person)
    return (*standing, await _next(ctx, person, pair), _controls(person, pair))


async def _active_pair(ctx: Context, person: Person) -> Pair | None:
    assert person.id is not None
    active = await pairs.active_pairs_of(ctx.session, person.id)
    return active[0] if active else None


async def _next(ctx: Context, person: Person, pair: Pair | None) -> Message:
    if pair is None or pair.id is None:
        return Message(title="What's next", text="Your introduction arrives in your messages "
                       "as soon as you're matched.")
    meeting = await journey.next_meeting(ctx.session, pair.id, ctx.now())
    lines = []
    if meeting is not None:
        state = "" if meeting.status == "confirmed" else " (waiting for confirmation)"
        lines.append(f"*Next meeting:* {spoken(meeting.starts_at, person.timezone)}{state}")
    kickoff = await ctx.session.get(Kickoff, pair.id)
    if person.status == Status.PAUSED:
        lines.append("No prompts while you're on a break.")
    elif kickoff is not None and kickoff.confirmed_at is not None:
        mentee = await ctx.session.get(Person, pair.mentee_id)
        tz = mentee.timezone if mentee else None
        when = next_prompt(ctx, kickoff.confirmed_at, kickoff.rhythm, tz)
        lines.append(f"*Next conversation prompt:* {friendly(when)}")
    else:
        lines.append("Prompts start once you've both confirmed your kick-off agreement.")
    if meeting is None and pair.agreed_at is not None:
        lines.append("No meeting booked yet: *Find a time* offers three that suit you both.")
    return Message(title="What's next", text="\n".join(lines))


def next_prompt(ctx: Context, started: datetime, rhythm: str, tz: str | None) -> date:
    """The local date of the pair's next prompt, by the rule the weekly job follows: the
    first weekday moment after the kick-off, then every `interval_weeks` weeks."""
    settings = ctx.program.prompts
    day = first_moment_day(started, tz, settings.weekday, settings.local_time)
    step = timedelta(weeks=interval_weeks(rhythm))
    now = ctx.now()
    while datetime.combine(day, settings.local_time, tzinfo=zone(tz)) < now:
        day += step
    return day


def _controls(person: Person, pair: Pair | None) -> Message:
    buttons = [Button("Edit my answers", survey.OPEN)]
    if person.status == Status.PAUSED:
        buttons.append(Button("Resume", membership.RESUME, style="primary"))
    else:
        buttons.append(Button("Pause 2 weeks", membership.PAUSE_FOR, PAUSE_DAYS))
    if pair is not None and pair.id is not None and pair.agreed_at is not None:
        buttons.append(booking.find_button(pair.id))
    buttons.append(Button("Leave", membership.ASK_LEAVE))
    return Message(text="Your controls:", buttons=tuple(buttons))


def _without_repeated_buttons(sections: list[Message]) -> list[Message]:
    """`status` offers some of the controls too (*Resume now*): each once on the page."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for section in reversed(sections):  # the controls, at the end, win
        buttons = tuple(b for b in section.buttons if (b.action_id, b.value) not in seen)
        seen.update((b.action_id, b.value) for b in section.buttons)
        kept.append(replace(section, buttons=buttons))
    return kept[::-1]

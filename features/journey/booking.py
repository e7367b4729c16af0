"""Meetings that get booked: *Find a time* offers three slots inside both people's working
hours, one person picks, the other confirms, both get an .ics invitation; a reminder comes 24
hours before and "Did you meet?" after. The bot reads no one's calendar."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from core import keys
from core.calendar import local_date
from core.context import Context
from core.dates import friendly
from core.messages import Button, Fact, FileRef, Message, Response
from core.outgoing import Outgoing
from core.text import parse_id
from features.journey.invites import ics
from features.journey.rhythm import interval_weeks
from features.journey.slots import find_slots, inside, spoken
from features.people import address_of, name_of
from storage import engagement, exports, journey, pairs
from storage.models import Kickoff, Pair, Person, PlannedMeeting

FIND, PICK, CONFIRM = "meet.find", "meet.pick", "meet.confirm"
HELD, MISSED = "meet.held", "meet.missed"
ASK_AFTER = timedelta(days=7)  # "Did you meet?" only about recent slots


def find_button(pair_id: int, label: str = "Find a time") -> Button:
    return Button(label, FIND, str(pair_id))


async def _pair_and_partner(ctx: Context, person: Person | None, raw: str | None
                            ) -> tuple[Pair, Person] | None:
    if person is None or person.id is None:
        return None
    active = await pairs.active_pairs_of(ctx.session, person.id)
    number = parse_id(raw) if raw else None
    pair = (next((p for p in active if p.id == number), None) if raw
            else active[0] if len(active) == 1 else None)
    if pair is None:
        return None
    partner = await ctx.session.get(
        Person, pair.mentee_id if pair.mentor_id == person.id else pair.mentor_id)
    return (pair, partner) if partner is not None else None


async def find_time(ctx: Context, person: Person | None, raw: str | None) -> Response:
    found = await _pair_and_partner(ctx, person, raw)
    if found is None or person is None:
        return Response.say("You're not in an active pair, so there's no meeting to book.")
    pair, partner = found
    assert pair.id is not None
    cfg = ctx.program.meetings
    due = await _next_due(ctx, pair)
    slots = find_slots(ctx.now(), (person.timezone, partner.timezone), cfg.work_starts,
                       cfg.work_ends, cfg.minutes, earliest=due)
    if not slots:
        return Response.say(f"Your working hours and {name_of(partner)}'s don't overlap in the "
                            "next two weeks. Message each other to agree a time, then type `met`.")
    facts = tuple(Fact(f"Option {n}", f"{spoken(t, person.timezone)} your time · "
                                      f"{spoken(t, partner.timezone)} for {name_of(partner)}")
                  for n, t in enumerate(slots, start=1))
    buttons = tuple(Button(f"Pick option {n}", PICK, f"{pair.id}:{int(t.timestamp())}")
                    for n, t in enumerate(slots, start=1))
    when = (f" Your next meeting is due around {friendly(local_date(due, person.timezone))}, "
            "so these follow your rhythm." if due is not None else "")
    return Response(messages=(Message(
        title="Times that suit you both",
        text=f"{cfg.minutes} minutes inside both your working hours.{when} Pick one and "
             f"{name_of(partner)} confirms it.", facts=facts, buttons=buttons),))


async def _next_due(ctx: Context, pair: Pair) -> datetime | None:
    """When the agreed rhythm puts the pair's next meeting, if that is later than tomorrow.
    The first meeting is as soon as possible; a pair with a meeting already booked ahead is
    rebooking it (*Can't make it*), so it gets the soonest times too."""
    assert pair.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    last = await journey.last_meeting(ctx.session, pair.id)
    if kickoff is None or last is None or await journey.booked_ahead(ctx.session, pair.id,
                                                                     ctx.now()):
        return None
    # A couple of days' slack: "monthly" means around four weeks, not to the day.
    due = last + timedelta(weeks=interval_weeks(kickoff.rhythm), days=-2)
    return due if due > ctx.now() + timedelta(days=1) else None


async def pick(ctx: Context, person: Person | None, value: str) -> Response:
    raw, _, stamp = value.partition(":")
    found = await _pair_and_partner(ctx, person, raw)
    number = parse_id(stamp)
    if found is None or person is None or person.id is None or number is None:
        return Response.say("That time has expired. Type `schedule` for fresh ones.")
    pair, partner = found
    assert pair.id is not None
    starts = datetime.fromtimestamp(number, UTC)
    cfg = ctx.program.meetings
    fits = all(inside(starts, cfg.minutes, tz, cfg.work_starts, cfg.work_ends)
               for tz in (person.timezone, partner.timezone))
    if starts <= ctx.now() or not fits:
        return Response.say("That time has passed or no longer fits. Type `schedule` for fresh ones.")
    await journey.replace_proposals(ctx.session, pair.id)
    meeting = PlannedMeeting(pair_id=pair.id, starts_at=starts, minutes=cfg.minutes,
                             proposed_by=person.id, created_at=ctx.now())
    ctx.session.add(meeting)
    await ctx.session.flush()
    assert meeting.id is not None
    await ctx.queue(Outgoing.dm(keys.meeting_proposal(meeting.id), address_of(partner), Message(
        title="Can you meet then?",
        text=(f"{name_of(person)} proposes *{spoken(starts, partner.timezone)}* your time "
              f"({spoken(starts, person.timezone)} for them), {cfg.minutes} minutes."),
        buttons=(Button("Confirm", CONFIRM, str(meeting.id), style="primary"),
                 find_button(pair.id, "Propose another time")))))
    return Response.say(f"Sent to {name_of(partner)} to confirm. You'll both get a calendar "
                        "invitation once they do.")


async def confirm(ctx: Context, person: Person | None, value: str) -> Response:
    number = parse_id(value)
    meeting = await ctx.session.get(PlannedMeeting, number) if number else None
    found = await _pair_and_partner(ctx, person, str(meeting.pair_id)) if meeting else None
    if meeting is None or found is None or person is None:
        return Response.say("That meeting isn't yours to confirm, or its pairing has ended.")
    if meeting.status == "confirmed":
        return Response.say("That meeting is already in both your calendars.")
    if meeting.status != "proposed" or meeting.starts_at <= ctx.now():
        return Response.say("That time was replaced or has passed. Type `schedule` for fresh ones.")
    if meeting.proposed_by == person.id:
        return Response.say("You picked this time; your partner confirms it.")
    pair, partner = found
    meeting.status, meeting.confirmed_at = "confirmed", ctx.now()
    ctx.session.add(meeting)
    description = await _description(ctx, pair)
    for reader in (person, partner):
        await _invite(ctx, meeting, reader, (person, partner), description)
    return Response.say("Booked! A calendar invitation is on its way to you both.")


async def _description(ctx: Context, pair: Pair) -> str:
    assert pair.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    survey = ctx.program.survey
    mode = survey.label_of(survey.meeting_modes, kickoff.meeting_mode) if kickoff else "your choice"
    prompt_id = await journey.latest_prompt(ctx.session, pair.id)
    if prompt_id is None or prompt_id.startswith("agenda:"):
        agenda = ctx.catalog.first_meeting_agenda()
        title, points = agenda.title, agenda.steps
    else:
        prompt = ctx.catalog.prompt(prompt_id)
        title, points = prompt.title, prompt.questions
    return f"How you meet: {mode}\n\nAgenda: {title}\n" + "\n".join(f"- {p}" for p in points)


async def _invite(ctx: Context, meeting: PlannedMeeting, reader: Person,
                  both: tuple[Person, Person], description: str) -> None:
    assert meeting.id is not None and reader.id is not None
    other = both[1] if reader is both[0] else both[0]
    content = ics(meeting.id, meeting.starts_at, meeting.minutes, reader.timezone,
                  f"Reverse mentoring: {reader.display_name or 'you'} and "
                  f"{other.display_name or 'your partner'}", description,
                  [(p.display_name or "Participant", p.email) for p in both], ctx.now())
    token = secrets.token_urlsafe(24)
    filename = f"meeting-{local_date(meeting.starts_at, reader.timezone).isoformat()}.ics"
    await exports.create_link(ctx.session, token=token, person_id=reader.id, filename=filename,
                              content=content, now=ctx.now(),
                              lifetime=max(timedelta(days=1), meeting.starts_at - ctx.now()))
    await ctx.queue(Outgoing.dm(keys.meeting_invite(meeting.id, reader.id), address_of(reader),
                                Message(title="It's in the diary",
                                        text=(f"You meet {name_of(other)} on "
                                              f"*{spoken(meeting.starts_at, reader.timezone)}* "
                                              "your time. Add the invitation to your calendar."),
                                        attachment=FileRef(token, filename, len(content)))))


async def run(ctx: Context) -> int:
    """24 hours before a booked meeting, a reminder; after it, "Did you meet?"; once each."""
    now, queued = ctx.now(), 0
    for meeting in await journey.confirmed_between(ctx.session, now, now + timedelta(days=1)):
        for person in await _members(ctx, meeting):
            queued += await ctx.queue(Outgoing.dm(
                keys.meeting_reminder(meeting.id, person.id), address_of(person),  # type: ignore[arg-type]
                Message(title="Tomorrow: your mentoring meeting",
                        text=f"You meet on {spoken(meeting.starts_at, person.timezone)} your time.",
                        buttons=(find_button(meeting.pair_id, "Can't make it → find another time"),))))
    for meeting in await journey.confirmed_between(ctx.session, now - ASK_AFTER, now):
        if meeting.starts_at + timedelta(minutes=meeting.minutes) > now:
            continue
        for person in await _members(ctx, meeting):
            queued += await ctx.queue(Outgoing.dm(
                keys.meeting_check(meeting.id, person.id), address_of(person),  # type: ignore[arg-type]
                Message(text=f"Did you meet on {spoken(meeting.starts_at, person.timezone)}?",
                        buttons=(Button("Yes", HELD, str(meeting.id), style="primary"),
                                 Button("No", MISSED, str(meeting.id))))))
    return queued


async def _members(ctx: Context, meeting: PlannedMeeting) -> list[Person]:
    pair = await ctx.session.get(Pair, meeting.pair_id)
    assert pair is not None
    found = [await ctx.session.get(Person, pair.mentor_id), await ctx.session.get(Person, pair.mentee_id)]
    return [p for p in found if p is not None]


async def answer(ctx: Context, person: Person | None, value: str, held: bool) -> Response:
    number = parse_id(value)
    meeting = await ctx.session.get(PlannedMeeting, number) if number else None
    found = await _pair_and_partner(ctx, person, str(meeting.pair_id)) if meeting else None
    if meeting is None or found is None or person is None or person.id is None:
        return Response.say("That meeting belongs to a pairing that has ended.")
    if not held:
        if meeting.status == "confirmed":
            meeting.status = "missed"
            ctx.session.add(meeting)
        return Response(messages=(Message(text="That happens. Shall we find another time?",
                                          buttons=(find_button(meeting.pair_id),)),))
    meeting.status = "held"
    ctx.session.add(meeting)
    day = local_date(meeting.starts_at, person.timezone)
    await engagement.log_meeting(ctx.session, meeting.pair_id, day, person.id, None, ctx.now())
    return Response.say("Logged your meeting. Nice work, both of you!")

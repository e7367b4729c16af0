"""The journey's buttons, forms and jobs: kick-off, reminders, milestones, check-ins, endings."""

from __future__ import annotations

from core.context import Context
from core.events import FormSubmission
from core.messages import Response
from features.journey import booking, checkins, cohort_dates, ending, kickoff, milestones, reminders
from features.registry import ActionSpec, Call, CommandSpec, FormSpec, Registry, register_each


async def open_kickoff(ctx: Context, call: Call) -> Response:
    return await kickoff.open_form(ctx, call.person, call.value)


async def submit_kickoff(ctx: Context, call: Call) -> Response:
    assert isinstance(call.event, FormSubmission)
    return await kickoff.submit(ctx, call.event, call.person)


async def confirm_kickoff(ctx: Context, call: Call) -> Response:
    return await kickoff.confirm(ctx, call.person, call.value)


async def open_checkin(ctx: Context, call: Call) -> Response:
    return await checkins.open_form(ctx, call.person, call.value)


async def submit_checkin(ctx: Context, call: Call) -> Response:
    assert isinstance(call.event, FormSubmission)
    return await checkins.submit(ctx, call.event, call.person)


async def join_again(ctx: Context, call: Call) -> Response:
    return await ending.join_again(ctx, call.person)


async def schedule(ctx: Context, call: Call) -> Response:
    return await booking.find_time(ctx, call.member, None)


async def find_time(ctx: Context, call: Call) -> Response:
    return await booking.find_time(ctx, call.person, call.value)


async def pick(ctx: Context, call: Call) -> Response:
    return await booking.pick(ctx, call.person, call.value)


async def confirm_meeting(ctx: Context, call: Call) -> Response:
    return await booking.confirm(ctx, call.person, call.value)


async def held(ctx: Context, call: Call) -> Response:
    return await booking.answer(ctx, call.person, call.value, held=True)


async def missed(ctx: Context, call: Call) -> Response:
    return await booking.answer(ctx, call.person, call.value, held=False)


def register(registry: Registry) -> None:
    register_each(registry, (
        ActionSpec(kickoff.OPEN, open_kickoff, carries_id=True),
        ActionSpec(kickoff.CONFIRM, confirm_kickoff, carries_id=True),
        FormSpec(kickoff.FORM_ID, submit_kickoff),
        ActionSpec(checkins.OPEN, open_checkin, carries_id=True),
        FormSpec(checkins.FORM_ID, submit_checkin),
        ActionSpec(ending.AGAIN, join_again),
        CommandSpec("schedule", "find three times that suit you and your partner", schedule),
        ActionSpec(booking.FIND, find_time, carries_id=True),
        ActionSpec(booking.PICK, pick, carries_id=True),
        ActionSpec(booking.CONFIRM, confirm_meeting, carries_id=True),
        ActionSpec(booking.HELD, held, carries_id=True),
        ActionSpec(booking.MISSED, missed, carries_id=True),
    ))
    registry.job("agreement_reminders", reminders.run)
    registry.job("milestones", milestones.run)
    registry.job("cohort_dates", cohort_dates.run)
    registry.job("meeting_reminders", booking.run)

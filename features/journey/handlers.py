"""The journey's buttons, forms and jobs: the kick-off agreement and its reminders."""

from __future__ import annotations

from core.context import Context
from core.events import FormSubmission
from core.messages import Response
from features.journey import kickoff, reminders
from features.registry import ActionSpec, Call, FormSpec, Registry, register_each


async def open_kickoff(ctx: Context, call: Call) -> Response:
    return await kickoff.open_form(ctx, call.person, call.value)


async def submit_kickoff(ctx: Context, call: Call) -> Response:
    assert isinstance(call.event, FormSubmission)
    return await kickoff.submit(ctx, call.event, call.person)


async def confirm_kickoff(ctx: Context, call: Call) -> Response:
    return await kickoff.confirm(ctx, call.person, call.value)


def register(registry: Registry) -> None:
    register_each(registry, (
        ActionSpec(kickoff.OPEN, open_kickoff, carries_id=True),
        ActionSpec(kickoff.CONFIRM, confirm_kickoff, carries_id=True),
        FormSpec(kickoff.FORM_ID, submit_kickoff),
    ))
    registry.job("agreement_reminders", reminders.run)

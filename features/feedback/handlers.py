"""Feedback's buttons, forms and job: pulse polls and the closing survey."""

from __future__ import annotations

from core.context import Context
from core.messages import Response
from features.admin import cohorts
from features.feedback import pulse
from features.registry import ActionSpec, Call, FormSpec, Registry, register_each


async def open_poll(ctx: Context, call: Call) -> Response:
    return await pulse.open_poll(ctx, call.person, call.value)


async def answer_poll(ctx: Context, call: Call) -> Response:
    return await pulse.submit(ctx, call.event, call.person)  # type: ignore[arg-type]


async def open_closing(ctx: Context, call: Call) -> Response:
    return await cohorts.open_survey(ctx, call.person, call.value)


async def answer_closing(ctx: Context, call: Call) -> Response:
    return await cohorts.submit(ctx, call.event, call.person)  # type: ignore[arg-type]


def register(registry: Registry) -> None:
    register_each(registry, (
        ActionSpec(pulse.OPEN, open_poll, carries_id=True),
        FormSpec(pulse.FORM_ID, answer_poll),
        ActionSpec(cohorts.OPEN, open_closing, carries_id=True),
        FormSpec(cohorts.FORM_ID, answer_closing),
    ))
    registry.job("pulse_polls", pulse.run)

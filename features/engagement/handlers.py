"""Engagement's commands, buttons and jobs: meetings logged, prompts, nudges and reminders."""

from __future__ import annotations

from core.context import Context
from core.messages import Response
from features.engagement import meetings, nudges, prompts
from features.registry import ActionSpec, Call, CommandSpec, Registry, register_each


async def met_command(ctx: Context, call: Call) -> Response:
    return await meetings.met(ctx, call.member, None, call.args)


async def met_button(ctx: Context, call: Call) -> Response:
    return await meetings.met(ctx, call.person, call.value)


async def skip(ctx: Context, call: Call) -> Response:
    return await meetings.skip(ctx, call.person, call.value)


async def another(ctx: Context, call: Call) -> Response:
    return await meetings.another(ctx, call.person, call.value)


async def will_schedule(_ctx: Context, _call: Call) -> Response:
    return Response.say("Great! Send your partner a time that suits you both; "
                        "press *We met* or type `met` afterwards.")


def register(registry: Registry) -> None:
    register_each(registry, (
        CommandSpec("met", "log that you and your partner met today", met_command,
                    usage="met [note]"),
        ActionSpec(prompts.MET, met_button, carries_id=True),
        ActionSpec(prompts.SKIP, skip, carries_id=True, activity=False),
        ActionSpec(prompts.ANOTHER, another, carries_id=True),
        ActionSpec(nudges.SCHEDULE, will_schedule, carries_id=True),
    ))
    registry.job("weekly_prompts", prompts.run)
    registry.job("nudges", nudges.run)
    registry.job("signup_reminders", nudges.remind_signups)

"""Enrolment's commands, buttons, form and job: joining, where you stand, pausing, leaving."""

from __future__ import annotations

from core.calendar import local_date
from core.context import Context
from core.messages import Response
from features.enrolment import avoid, lifecycle, membership, survey
from features.home import refresh as home
from features.people import refresh_profile
from features.registry import ActionSpec, Call, CommandSpec, FormSpec, Registry, register_each
from storage import people


async def open_survey(ctx: Context, call: Call) -> Response:
    """`join`: the survey, pre-filled; a fresh signup for someone new or forgotten."""
    sender = call.event.sender
    person = call.person
    if person is None or person.data_deleted:
        person = await people.get_or_create_person(
            ctx.session, sender.platform, sender.tenant_id, sender.user_id, ctx.now())
        refresh_profile(person, call.event.profile)
    lifecycle.start_signup(person, ctx.now())
    ctx.session.add(person)
    await ctx.session.flush()
    values = await survey.current_values(ctx, person, call.event.profile)
    kept_apart = await avoid.chosen(ctx, person)
    if kept_apart:
        values["avoid"] = tuple(c.value for c in kept_apart)
    return Response(form=survey.survey_form(ctx.program, values, kept_apart))


async def edit_profile(ctx: Context, call: Call) -> Response:
    """`profile` and the survey's button change a membership; they never start one (only
    `join` does), so someone who left or was forgotten is told so, not silently re-enrolled."""
    outside = membership.outside_the_program(call.member)
    return outside if outside is not None else await open_survey(ctx, call)


async def redraw_survey(ctx: Context, call: Call) -> Response:
    """The survey again, changing nothing, for a platform that redraws it as answers come
    (Slack, once the role is chosen); the answers given so far are the platform's to keep."""
    person = call.person
    if person is None or person.data_deleted:
        return Response(form=survey.survey_form(ctx.program, {}))
    values = await survey.current_values(ctx, person, call.event.profile)
    return Response(form=survey.survey_form(ctx.program, values, await avoid.chosen(ctx, person)))


async def submit_survey(ctx: Context, call: Call) -> Response:
    person = call.person
    if person is None or person.data_deleted:
        return Response.say("That survey has expired. Type `join` to open a fresh one.")
    return await survey.submit(ctx, call.event, person)  # type: ignore[arg-type]


async def status(ctx: Context, call: Call) -> Response:
    return await membership.status(ctx, call.member)


async def pause(ctx: Context, call: Call) -> Response:
    return await membership.pause(ctx, call.member, call.args)


async def pause_for(ctx: Context, call: Call) -> Response:
    return await membership.pause_for(ctx, call.person, call.value)


async def resume(ctx: Context, call: Call) -> Response:
    return await membership.resume(ctx, call.member or call.person)


async def leave_question(_ctx: Context, call: Call) -> Response:
    return membership.leave_question(call.member)


async def leave(ctx: Context, call: Call) -> Response:
    return await membership.leave(ctx, call.person, call.value)


async def stay(_ctx: Context, _call: Call) -> Response:
    return Response.say("Glad you're staying!")


async def resume_pauses(ctx: Context) -> int:
    """People whose pause date has come in their own timezone are active again."""
    # The earliest timezone bounds the query; each person's own date decides.
    candidates = await people.paused_until_on_or_before(
        ctx.session, local_date(ctx.now(), "Pacific/Kiritimati"))
    due = [p for p in candidates
           if lifecycle.pause_is_over(p, membership.local_today(p, ctx.now()))]
    for person in due:
        lifecycle.resume(person, ctx.now())
        ctx.session.add(person)
    await home.people_changed(ctx, [p.id for p in due if p.id is not None])
    return len(due)


def register(registry: Registry) -> None:
    register_each(registry, (
        CommandSpec("join", "sign up: a short survey so we can match you", open_survey,
                    aliases=("signup", "sign-up", "start", "optin", "opt-in"), needs_profile=True),
        CommandSpec("profile", "see or change your survey answers", edit_profile,
                    aliases=("edit",), needs_profile=True),
        CommandSpec("status", "where you stand in the program", status, aliases=("me",),
                    changes=False),
        CommandSpec("pause", "take a break from prompts and nudges", pause,
                    usage="pause [until 2026-12-31]"),
        CommandSpec("resume", "come back from a break", resume, aliases=("unpause",)),
        CommandSpec("leave", "leave the program, optionally deleting your data", leave_question,
                    aliases=("quit", "stop")),
        ActionSpec(survey.OPEN, edit_profile, needs_profile=True),
        ActionSpec(survey.JOIN, open_survey, needs_profile=True),
        ActionSpec(survey.REFRESH, redraw_survey, activity=False),
        ActionSpec(membership.LEAVE, leave),
        ActionSpec(membership.STAY, stay),
        ActionSpec(membership.ASK_LEAVE, leave_question),
        ActionSpec(membership.RESUME, resume),
        ActionSpec(membership.PAUSE_FOR, pause_for),
        FormSpec(survey.FORM_ID, submit_survey),
    ))
    registry.job("resume_pauses", resume_pauses)

"""The program team's commands, buttons and form: stats, at-risk pairs, export, cohorts,
announcements and admin rights. The router lets only admins reach them."""

from __future__ import annotations

from core.context import Context
from core.messages import Response
from core.text import parse_id
from features.admin import cohorts, export_job, goals_text, program_team, report, report_run, stats
from features.admin.mentions import mentioned_people
from features.home import panel
from features.matching import endings
from features.registry import ActionSpec, Call, CommandSpec, FormSpec, Registry, register_each
from storage.models import Pair, Person


async def show_stats(ctx: Context, call: Call) -> Response:
    return await stats.stats_command(ctx, call.args)


async def show_goals(ctx: Context, call: Call) -> Response:
    cohort, error = await stats.find_cohort(ctx, call.args)
    if error:
        return Response.say(error)
    return await goals_text.goals_command(ctx, cohort)


async def at_risk(ctx: Context, _call: Call) -> Response:
    return await program_team.at_risk(ctx)


async def export_data(ctx: Context, call: Call) -> Response:
    return await export_job.export_command(ctx, call.person, call.args)  # type: ignore[arg-type]


async def leadership_report(ctx: Context, call: Call) -> Response:
    return await report.report_command(ctx, call.person, call.event, call.args)  # type: ignore[arg-type]


async def cohort(ctx: Context, call: Call) -> Response:
    word, _, rest = call.args.strip().partition(" ")
    if word.lower() == "start":
        return await cohorts.start(ctx, call.person, rest)  # type: ignore[arg-type]
    if word.lower() == "close":
        return await cohorts.close(ctx, call.person)  # type: ignore[arg-type]
    return Response.say("Try `admin cohort start NAME [ends DATE]` or `admin cohort close`.")


async def close_cohort(ctx: Context, call: Call) -> Response:
    return await cohorts.confirm_close(ctx, call.person, call.value)  # type: ignore[arg-type]


async def keep_cohort(ctx: Context, call: Call) -> Response:
    return await cohorts.keep_open(ctx, call.value)


async def send_announcement(ctx: Context, call: Call) -> Response:
    return await program_team.send_announcement(ctx, call.value)


async def cancel_announcement(ctx: Context, call: Call) -> Response:
    return await program_team.cancel_announcement(ctx, call.value)


async def announce(ctx: Context, call: Call) -> Response:
    return await program_team.announce(ctx, call.person, call.args)  # type: ignore[arg-type]


async def _one_named(ctx: Context, call: Call, word: str) -> Person | Response:
    people, missing = await mentioned_people(ctx.session, call.event.sender, call.args)
    if len(people) != 1 or missing:
        return Response.say(f"Name one person who has written to me: `admin {word} @person`.")
    return people[0]


async def grant(ctx: Context, call: Call) -> Response:
    target = await _one_named(ctx, call, "grant")
    if isinstance(target, Response):
        return target
    return await program_team.grant(ctx, call.person, target)  # type: ignore[arg-type]


async def revoke(ctx: Context, call: Call) -> Response:
    target = await _one_named(ctx, call, "revoke")
    if isinstance(target, Response):
        return target
    if call.person is not None and target.id == call.person.id:
        return Response.say("You can't revoke your own admin rights; ask another admin.")
    return await program_team.revoke(ctx, target)


async def message_pair(_ctx: Context, call: Call) -> Response:
    pair_id = parse_id(call.value)
    if pair_id is None:
        return Response.say("That button has expired. Type `admin at-risk` to start again.")
    return Response(form=program_team.note_form(pair_id))


async def unpair_pair(ctx: Context, call: Call) -> Response:
    pair_id = parse_id(call.value)
    pair = await ctx.session.get(Pair, pair_id) if pair_id else None
    if pair is None:
        return Response.say("That pairing no longer exists.")
    if pair.status != "active":
        return Response.say("That pairing has already ended.")
    return Response(messages=(await endings.unpair_message(ctx, pair),))


async def send_note(ctx: Context, call: Call) -> Response:
    event = call.event
    return await program_team.send_note(ctx, call.person, event.context, event.values, event)  # type: ignore[arg-type, union-attr]


def register(registry: Registry) -> None:
    register_each(registry, (
        CommandSpec("stats", "enrollment, matching, engagement, satisfaction, retention",
                    show_stats, usage="stats [cohort NAME]", admin=True, changes=False),
        CommandSpec("goals", "each program goal: target, current value, trend, on track or not",
                    show_goals, usage="goals [cohort NAME]", admin=True),
        CommandSpec("at-risk", "pairs flagged by nudges or a request for help, with one-click "
                    "actions", at_risk, aliases=("atrisk", "risk"), admin=True),
        CommandSpec("export", "CSV files, delivered to you privately", export_data,
                    usage="export [cohort NAME]", admin=True),
        CommandSpec("report", "a one-page PDF for leadership: summary, goals, charts, figures",
                    leadership_report, usage="report [cohort NAME]", admin=True),
        CommandSpec("cohort", "start a cohort (new pairs join it) or close it with the closing "
                    "survey", cohort, usage="cohort start NAME [ends DATE] | cohort close",
                    admin=True),
        CommandSpec("announce", "a message to every active participant", announce,
                    usage="announce TEXT", admin=True),
        CommandSpec("grant", "make someone an admin", grant, usage="grant @person", admin=True),
        CommandSpec("revoke", "remove someone's admin rights", revoke, usage="revoke @person",
                    admin=True),
        ActionSpec(cohorts.CLOSE, close_cohort, admin=True, carries_id=True),
        ActionSpec(cohorts.KEEP_OPEN, keep_cohort, admin=True, carries_id=True),
        ActionSpec(program_team.SEND, send_announcement, admin=True, carries_id=True),
        ActionSpec(program_team.CANCEL, cancel_announcement, admin=True, carries_id=True),
        # The program panel's buttons on an admin's Home view.
        ActionSpec(panel.STATS, show_stats, admin=True),
        ActionSpec(panel.EXPORT, export_data, admin=True),
        ActionSpec(panel.AT_RISK, at_risk, admin=True),
        ActionSpec(program_team.MESSAGE_PAIR, message_pair, admin=True, carries_id=True),
        ActionSpec(program_team.UNPAIR_PAIR, unpair_pair, admin=True, carries_id=True),
        FormSpec(program_team.NOTE_FORM, send_note, admin=True),
    ))
    registry.task(report.TASK, report_run.run_report)
    registry.task(export_job.TASK, export_job.run_export)
    registry.job("stopped_runs", stopped_runs)


async def stopped_runs(ctx: Context) -> int:
    """Exports and reports left by a process that stopped: ended, and their admins told."""
    return await export_job.tell_stopped(ctx) + await report_run.tell_stopped(ctx)

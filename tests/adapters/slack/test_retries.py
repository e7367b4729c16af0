"""Slack retries what it thinks went unanswered: a retry changes nothing and posts nothing."""

from __future__ import annotations

from sqlmodel import func, select

from config.program import Program
from core.clock import FrozenClock
from storage.models import Person, SurveyAnswers
from tests.support.slack_requests import Answer, slack_workspace

ANSWERS: dict[str, Answer] = {
    "role": "mentor", "department": "marketing", "team": "growth", "seniority": "entry",
    "cadence": "monthly", "meeting_mode": "chat", "timezone": "Europe/Paris",
    "teach": ("social-media",)}


async def test_a_retried_slash_command_and_submission_change_nothing_the_second_time(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("join", trigger_id="t-join")
        await ws.settle()
        retried = await ws.command("join", trigger_id="t-join", retry=1)
        await ws.settle()
        assert retried.status == 200
        assert len(ws.fake.calls_to("views.open")) == 1

        view = ws.opened_view()
        first = await ws.submit(view, ANSWERS, trigger_id="t-submit")
        await ws.settle()
        again = await ws.submit(view, {**ANSWERS, "team": "other-team"}, trigger_id="t-submit",
                                retry=1)
        await ws.settle()

        assert (first.status, again.status) == (200, 200)
        assert len(ws.fake.calls_to("chat.postMessage")) == 1
        async with ws.running.service.database.session() as session:
            [person] = list(await session.exec(select(Person)))
            answers = (await session.exec(select(func.count()).select_from(SurveyAnswers))).one()
        assert (person.team, answers) == ("Growth", 1)


async def test_a_retried_command_reply_and_dm_event_are_answered_once(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("help", trigger_id="t-help", reply_key="help")
        await ws.command("help", trigger_id="t-help", reply_key="help", retry=1)
        await ws.dm("status", event_id="Ev-status")
        await ws.dm("status", event_id="Ev-status", retry=2)
        await ws.settle()

        assert len(ws.fake.responses("help")) == 1
        assert len(ws.fake.calls_to("chat.postMessage")) == 1

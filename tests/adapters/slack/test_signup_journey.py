"""An employee's whole journey through Slack: slash command, modal, welcome DM, buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import func, select

from config.program import Program
from core.clock import FrozenClock
from storage.models import ConversationRef, Person, PersonTopic, SurveyAnswers
from tests.support.slack_requests import Answer, SlackWorkspace, slack_workspace

MENTEE: dict[str, Answer] = {
    "role": "mentee", "department": "engineering", "team": "Payments", "seniority": "director",
    "cadence": "weekly", "meeting_mode": "video", "timezone": "Europe/Berlin",
    "learn": ("ai-digital-tools", "social-media")}


async def count(ws: SlackWorkspace, table: Any) -> int:
    async with ws.running.service.database.session() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


async def people(ws: SlackWorkspace) -> list[Person]:
    async with ws.running.service.database.session() as session:
        return list(await session.exec(select(Person)))


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def buttons(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def join(ws: SlackWorkspace, answers: dict[str, Any], user: str = "U1") -> None:
    await ws.command("join", user)
    await ws.settle()
    reply = await ws.submit(ws.opened_view(), answers, user)
    assert (reply.status, reply.text) == (200, "")
    await ws.settle()


async def test_a_new_employee_joins_with_the_slash_command_and_gets_a_welcome_dm(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.timezones["U1"] = "Asia/Tokyo"
        ws.fake.names["U1"] = "Grace Hopper"

        reply = await ws.command("join", "U1", trigger_id="trigger-join")
        await ws.settle()

        assert reply.status == 200
        [opened] = ws.fake.calls_to("views.open")
        assert opened["trigger_id"] == "trigger-join"
        view = opened["view"]
        assert view["callback_id"] == "signup"
        assert block(view, "timezone")["element"]["initial_value"] == "Asia/Tokyo"

        closed = await ws.submit(view, {**MENTEE, "timezone": "Asia/Tokyo"})
        await ws.settle()

        assert (closed.status, closed.text) == (200, "")  # an empty ack closes the modal
        assert [c["users"] for c in ws.fake.calls_to("conversations.open")] == ["U1"]
        [welcome] = ws.fake.calls_to("chat.postMessage")
        assert welcome["channel"] == "DU1"
        assert welcome["blocks"][0]["text"]["text"] == "Welcome to Turnabout!"
        assert "Asia/Tokyo" in str(welcome["blocks"])
        [person] = await people(ws)
        assert (person.status, person.role, person.display_name) == ("active", "mentee",
                                                                      "Grace Hopper")


async def test_a_survey_missing_topics_stays_open_with_the_error_next_to_the_field(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("join")
        await ws.settle()

        reply = await ws.submit(ws.opened_view(), {**MENTEE, "learn": ()})
        await ws.settle()

        assert reply.status == 200
        assert reply.json()["response_action"] == "errors"
        assert set(reply.json()["errors"]) == {"learn"}
        assert await count(ws, SurveyAnswers) == 0
        assert await count(ws, PersonTopic) == 0
        assert [p.status for p in await people(ws)] == ["pending"]
        assert ws.fake.calls_to("chat.postMessage") == []


async def test_joining_again_edits_the_profile_and_never_duplicates_the_person(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await join(ws, MENTEE)

        await ws.command("join")
        await ws.settle()
        view = ws.opened_view()
        assert view["title"]["text"] == "Your profile"
        assert block(view, "role")["element"]["initial_option"]["value"] == "mentee"
        assert [o["value"] for o in block(view, "learn")["element"]["initial_options"]] == [
            "ai-digital-tools", "social-media"]
        reply = await ws.submit(view, {"team": "Platform"})  # everything else as pre-filled
        await ws.settle()

        assert (reply.status, reply.text) == (200, "")
        [person] = await people(ws)
        assert (person.team, person.status) == ("Platform", "active")
        assert await count(ws, SurveyAnswers) == 1
        updated = ws.fake.calls_to("chat.postMessage")[-1]
        assert updated["blocks"][0]["text"]["text"] == "Profile updated"
        assert len(ws.fake.calls_to("chat.postMessage")) == 2


async def test_status_pause_resume_and_leave_work_end_to_end_with_the_buttons(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await join(ws, MENTEE)

        await ws.command("status", reply_key="status")
        await ws.command("pause until 2026-12-31", reply_key="pause")
        await ws.settle()
        [status] = ws.fake.responses("status")
        assert status["response_type"] == "ephemeral"
        assert "senior mentee" in status["text"]
        assert "paused until" in ws.fake.responses("pause")[0]["text"]
        assert (await people(ws))[0].status == "paused"

        await ws.command("status", reply_key="paused")
        await ws.settle()
        [resume] = buttons(ws.fake.responses("paused")[0])
        await ws.press(resume["action_id"], resume.get("value", ""), reply_key="resumed")
        await ws.settle()
        assert "Welcome back" in ws.fake.responses("resumed")[0]["text"]
        assert (await people(ws))[0].status == "active"

        await ws.command("leave", reply_key="leave")
        await ws.settle()
        delete = next(b for b in buttons(ws.fake.responses("leave")[0]) if b["style"] == "danger")
        await ws.press(delete["action_id"], delete["value"], reply_key="deleted")
        await ws.settle()

        assert "personal data is deleted" in ws.fake.responses("deleted")[0]["text"]
        [person] = await people(ws)
        assert person.user_id != "U1" and person.team is None and person.status == "left"
        assert await count(ws, SurveyAnswers) == 0
        assert await count(ws, PersonTopic) == 0
        assert await count(ws, ConversationRef) == 0


async def test_join_in_the_bots_dm_offers_a_button_that_opens_the_survey(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.timezones["U7"] = "Europe/Lisbon"
        await ws.dm("join", "U7")
        await ws.settle()

        [offer] = ws.fake.calls_to("chat.postMessage")
        assert offer["channel"] == "DU7"
        [button] = buttons(offer)
        assert button["action_id"] == "signup.open"

        await ws.press(button["action_id"], user="U7", trigger_id="trigger-button")
        await ws.settle()

        [opened] = ws.fake.calls_to("views.open")
        assert opened["trigger_id"] == "trigger-button"
        assert block(opened["view"], "timezone")["element"]["initial_value"] == "Europe/Lisbon"


async def test_the_slack_profile_is_looked_up_at_most_once_an_hour_per_person(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("join", "U1")
        await ws.command("profile", "U1")
        await ws.command("status", "U1")
        await ws.settle()
        assert [c["user"] for c in ws.fake.calls_to("users.info")] == ["U1"]

        clock.advance(timedelta(minutes=61))
        await ws.command("join", "U1")
        await ws.settle()
        assert len(ws.fake.calls_to("users.info")) == 2

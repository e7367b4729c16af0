"""Signing up the Slack way: the slash command's trigger opens the modal, the DM offers a button,
the profile comes from users.info. The journey itself is in tests/scenarios/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.models import Person
from tests.support.slack_requests import Answer, SlackWorkspace, slack_workspace

MENTEE: dict[str, Answer] = {
    "role": "mentee", "department": "engineering", "team": "payments", "seniority": "director",
    "cadence": "weekly", "meeting_mode": "video", "timezone": "Europe/Berlin",
    "learn": ("ai-digital-tools", "social-media")}


async def people(ws: SlackWorkspace) -> list[Person]:
    async with ws.running.service.database.session() as session:
        return list(await session.exec(select(Person)))


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def buttons(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]


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
        assert "Asia/Tokyo" in str(welcome["blocks"])
        [person] = await people(ws)
        assert (person.status, person.role, person.display_name) == ("active", "mentee",
                                                                      "Grace Hopper")

        await ws.command("status", reply_key="status")
        await ws.settle()
        [status] = ws.fake.responses("status")
        assert status["response_type"] == "ephemeral"  # answers in a channel are for them alone


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

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


def label(view: dict[str, Any], block_id: str) -> str:
    """The label as Slack draws it: it adds "(optional)" itself to an optional input."""
    found = block(view, block_id)
    return found["label"]["text"] + (" (optional)" if found.get("optional") else "")


async def test_the_role_decides_which_topics_the_modal_asks_for(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("join", "U1", trigger_id="trigger-join")
        await ws.settle()
        view = ws.opened_view()
        # No role yet: neither list reads "(optional)"; choosing the role redraws the modal.
        assert block(view, "role")["dispatch_action"] is True
        assert label(view, "teach") == "Topics I can teach or share"
        assert label(view, "learn") == "Topics I want to learn"

        opened_at = {"id": "V000042", "hash": "h42"}
        await ws.choose({**view, **opened_at}, "role",
                        {"role": "mentor", "department": "engineering"})
        await ws.settle()
        [update] = ws.fake.calls_to("views.update")
        assert (update["view_id"], update["hash"]) == ("V000042", "h42")
        mentor = ws.redrawn_view()
        assert label(mentor, "teach") == "Topics I can teach or share"  # required for a mentor
        assert label(mentor, "learn") == "Topics I want to learn (optional)"
        # Every answer given so far is kept, and the role still redraws when changed again.
        assert block(mentor, "role")["element"]["initial_option"]["value"] == "mentor"
        assert block(mentor, "department")["element"]["initial_option"]["value"] == \
            "engineering"
        assert mentor["callback_id"] == "signup" and mentor["title"] == view["title"]

        await ws.choose(mentor, "role", {"role": "mentee"})
        await ws.settle()
        mentee = ws.redrawn_view()
        assert label(mentee, "teach") == "Topics I can teach or share (optional)"
        assert label(mentee, "learn") == "Topics I want to learn"

        # The redrawn modal submits like the first one, and nothing was saved before.
        assert all(p.role is None for p in await people(ws))
        closed = await ws.submit(mentee, MENTEE)
        await ws.settle()
        assert (closed.status, closed.text) == (200, "")
        [person] = await people(ws)
        assert person.role == "mentee"


async def test_a_redraw_that_lost_the_race_to_a_newer_one_changes_nothing(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("join", "U1", trigger_id="trigger-join")
        await ws.settle()
        ws.fake.stale_hashes.add("h-old")
        await ws.choose({**ws.opened_view(), "id": "V000042", "hash": "h-old"}, "role",
                        {"role": "mentor"})
        await ws.settle()
        assert len(ws.fake.calls_to("views.update")) == 1  # tried once, refused: no apology
        assert ws.fake.calls_to("chat.postMessage") == []

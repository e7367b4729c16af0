"""The Slack Home tab: a page of one's own, kept current. Played through signed events and
button presses against the fake Slack's views.publish."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from storage.models import OutboxMessage
from tests.support.fake_slack import Payload
from tests.support.slack_people import ADMIN, JUNIOR, buttons, join, kicked_off, matched, with_admin
from tests.support.slack_requests import SlackWorkspace, slack_workspace


def home(ws: SlackWorkspace, user: str) -> Payload:
    return ws.fake.homes[user]


def words(view: Payload) -> str:
    """What the Home tab shows, as one text."""
    return json.dumps(view["blocks"], ensure_ascii=False)


def labels(view: Payload) -> list[str]:
    return [b["text"]["text"] for b in buttons(view)]


def button(view: Payload, label: str) -> dict[str, Any]:
    return next(b for b in buttons(view) if b["text"]["text"] == label)


async def home_rows(database_url: str) -> list[OutboxMessage]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            rows = await session.exec(select(OutboxMessage).where(
                col(OutboxMessage.key).startswith("home:")))
            return list(rows.all())
    finally:
        await database.dispose()


async def test_a_newcomer_joins_from_the_home_tab_and_it_shows_where_they_stand(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        assert (await ws.open_home("U1")).status == 200
        await ws.settle()
        newcomer = home(ws, "U1")
        assert newcomer["type"] == "home" and labels(newcomer) == ["Join"]
        assert "Joining takes two minutes" in words(newcomer)
        # Nothing keeps the id of someone the program does not know.
        assert await home_rows(database_url) == []

        join_button = button(newcomer, "Join")
        await ws.press_on_home(join_button["action_id"], user="U1")
        await ws.settle()
        assert ws.opened_view()["callback_id"] == "signup"  # the survey, as `join` opens it
        assert (await ws.submit(ws.opened_view(), JUNIOR, "U1")).status == 200
        await ws.settle()

        member = home(ws, "U1")
        assert "You're in as a junior mentor" in words(member)
        assert "Inside Sales" in words(member)
        assert labels(member) == ["Edit my answers", "Pause 2 weeks", "Leave"]
        assert "waiting for the next matching round" in words(member)


async def test_pausing_on_the_home_tab_turns_pause_into_resume(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await join(ws, "U1", JUNIOR)
        pause = button(home(ws, "U1"), "Pause 2 weeks")
        await ws.press_on_home(pause["action_id"], pause["value"], user="U1")
        await ws.settle()
        paused = home(ws, "U1")
        assert "You're on a break" in words(paused)
        assert labels(paused) == ["Edit my answers", "Resume", "Leave"]  # each button once
        # The answer itself went to the person's DM (a Home tab has no thread to reply in).
        assert "You're paused until" in str(ws.fake.calls_to("chat.postMessage")[-1])

        await ws.press_on_home(button(paused, "Resume")["action_id"], user="U1")
        await ws.settle()
        assert "Pause 2 weeks" in labels(home(ws, "U1"))
        # One row per person, re-armed for each change; never one row per change.
        assert [r.key for r in await home_rows(database_url)] == ["home:slack:T0TEST:U1"]


async def test_a_paired_person_sees_partner_agreement_goals_and_whats_next(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        group = await matched(ws)
        await kicked_off(ws, group)
        await ws.open_home("U2")
        await ws.settle()
        senior = words(home(ws, "U2"))
        assert "You're paired with Person U1" in senior
        assert "By March, use an AI assistant to draft my weekly team update" in senior
        assert "Lead every session and practise giving feedback upward" in senior
        assert "Next conversation prompt:* Mon 23 Nov 2026" in senior
        assert labels(home(ws, "U2")) == ["Edit my answers", "Pause 2 weeks", "Find a time",
                                          "Leave"]
        # The junior confirmed last; the senior's page followed without being opened again.
        assert "Your agreement" in words(home(ws, "U1"))

        find = button(home(ws, "U2"), "Find a time")
        await ws.press_on_home(find["action_id"], find["value"], user="U2")
        await ws.settle()
        assert "meet.pick" in str(ws.fake.calls_to("chat.postMessage")[-1])


async def test_admins_get_the_program_panel_and_its_buttons_answer_in_their_dm(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await join(ws, "U1", JUNIOR)
        await ws.open_home(ADMIN)
        await ws.open_home("U1")
        await ws.settle()
        panel = home(ws, ADMIN)
        assert "Program panel" in words(panel)
        assert "1 active, 0 paused" in words(panel) and "At risk" in words(panel)
        assert labels(panel)[-4:] == ["Run a match round", "Stats", "Export", "At risk"]
        assert "Program panel" not in words(home(ws, "U1"))  # members see their own page only

        posted = len(ws.fake.calls_to("chat.postMessage"))
        await ws.press_on_home(button(panel, "Stats")["action_id"], user=ADMIN)
        await ws.settle()
        # The figures, then one message per chart.
        assert "Program stats" in str(ws.fake.calls_to("chat.postMessage")[posted:])
        await ws.press_on_home(button(panel, "Stats")["action_id"], user="U1")
        await ws.settle()
        assert "for the program team" in str(ws.fake.calls_to("chat.postMessage")[-1])


async def test_leaving_with_deletion_from_the_home_tab_leaves_a_join_page_and_no_trace(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await join(ws, "U1", JUNIOR)
        await ws.press_on_home(button(home(ws, "U1"), "Leave")["action_id"], user="U1")
        await ws.settle()
        question = ws.fake.calls_to("chat.postMessage")[-1]
        delete = next(b for b in buttons(question) if b.get("value") == "delete")
        await ws.press_on_home(delete["action_id"], "delete", user="U1")
        await ws.settle()
        assert labels(home(ws, "U1")) == ["Join"]
        assert all("U1" not in r.key and "U1" not in r.recipients
                   for r in await home_rows(database_url))


async def test_opening_the_messages_tab_publishes_nothing(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    from tests.support.slack_requests import JSON, home_opened

    async with slack_workspace(database_url, program, clock) as ws:
        await ws.send(home_opened(user="U1", event_id="Ev1", tab="messages"), JSON)
        await ws.settle()
        assert ws.fake.calls_to("views.publish") == []

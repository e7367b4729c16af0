"""When PostgreSQL goes away mid-request, nothing is half-saved and whoever acted is told.

Two ways it goes: terminated mid-transaction (a crash or failover: the service's transaction
stops at a table lock after it has written, then its backends are terminated), and gone for a
while (the network hop to it cut, so even reconnecting fails), then back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from storage.models import OutboxMessage, Person, ProcessedEvent, SurveyAnswers
from storage.outbox.queueing import enqueue
from tests.support import databases
from tests.support.database_cuts import outage, stopped_at, through
from tests.support.fake_slack import TEAM_ID
from tests.support.fake_teams import inputs_of, submit_value, teams_world
from tests.support.service import make_settings, serve
from tests.support.slack_requests import Answer, SlackWorkspace, slack_workspace

MENTEE: dict[str, Answer] = {
    "role": "mentee", "department": "engineering", "team": "payments", "seniority": "director",
    "cadence": "weekly", "meeting_mode": "video", "timezone": "Europe/Berlin",
    "learn": ("ai-digital-tools", "social-media")}
MENTOR = {"role": "mentor", "department": "sales", "team": "inside-sales", "seniority": "entry",
          "teach": "ai-digital-tools,social-media", "goals": "Help a leader try AI tools",
          "cadence": "weekly", "meeting_mode": "video"}
TABLES = (Person, SurveyAnswers, ProcessedEvent, OutboxMessage)


@pytest.fixture
def pg_url(postgres_url: str | None) -> str:
    """PostgreSQL only: these tests take its connections away."""
    if postgres_url is None:
        databases.skip_or_fail(f"PostgreSQL is not reachable at {databases.POSTGRES_URL}")
    assert postgres_url is not None
    databases.truncate_postgres(postgres_url)
    return postgres_url


async def counts(url: str) -> dict[str, int]:
    """Rows per table, read on a connection of our own (the service's may be dead)."""
    database = Database(url)
    try:
        async with database.session() as session:
            return {t.__name__: int((await session.exec(
                select(func.count()).select_from(t))).one()) for t in TABLES}
    finally:
        await database.dispose()


async def person(url: str, user_id: str) -> Person:
    database = Database(url)
    try:
        async with database.session() as session:
            return (await session.exec(select(Person).where(Person.user_id == user_id))).one()
    finally:
        await database.dispose()


async def open_signup(ws: SlackWorkspace, user: str = "U1") -> dict[str, Any]:
    await ws.command("join", user)
    await ws.settle()
    return ws.opened_view()


def kept_open_with(reply_json: Any) -> str:
    """The error a Slack modal stays open with (its first field), after checking it does."""
    assert reply_json["response_action"] == "errors"
    [(block, text)] = reply_json["errors"].items()
    assert block == "role"  # the survey's first field, where the person sees it
    return str(text)


# --- terminated mid-transaction ------------------------------------------------------------

async def test_a_slack_signup_cut_mid_save_keeps_the_modal_open_and_saves_nothing(
    pg_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(pg_url, program, clock) as ws:
        view = await open_signup(ws)
        before = await counts(pg_url)

        async with stopped_at(pg_url, "person") as cut:
            submitting = asyncio.create_task(ws.submit(view, MENTEE))
            assert await cut.terminate_service() >= 1  # after the event was claimed
        reply = await submitting

        assert reply.status == 200
        assert "nothing was saved" in kept_open_with(reply.json())
        assert await counts(pg_url) == before  # not even the event id: a retry is not a duplicate
        assert (await person(pg_url, "U1")).role is None
        await ws.settle()
        assert ws.fake.calls_to("chat.postMessage") == []  # no welcome for unsaved answers

        again = await ws.submit(view, MENTEE)  # the same modal, submitted again
        await ws.settle()
        assert (again.status, again.text) == (200, "")
        assert ((await person(pg_url, "U1")).status, (await person(pg_url, "U1")).role) == (
            "active", "mentee")
        assert len(ws.fake.calls_to("chat.postMessage")) == 1  # one welcome


async def test_a_slack_button_press_cut_mid_save_is_answered_and_changes_nothing(
    pg_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(pg_url, program, clock) as ws:
        assert (await ws.submit(await open_signup(ws), MENTEE)).status == 200
        await ws.settle()
        before = await counts(pg_url)

        async with stopped_at(pg_url, "person") as cut:
            pressed = await ws.press("membership.leave", "keep", "U1", reply_key="leave")
            assert pressed.status == 200  # acked at once, the work follows
            await cut.terminate_service()
        await ws.settle()

        [answer] = ws.fake.responses("leave")
        assert "nothing was changed" in answer["text"] and "try again" in answer["text"]
        assert await counts(pg_url) == before
        assert (await person(pg_url, "U1")).status == "active"

        await ws.press("membership.leave", "keep", "U1", reply_key="again")
        await ws.settle()
        assert (await person(pg_url, "U1")).status == "left"


async def queue_messages(url: str, clock: FrozenClock, users: list[str]) -> list[str]:
    database = Database(url)
    try:
        async with database.session() as session:
            for user in users:
                await enqueue(session, key=f"announce:1:{user}", platform="slack",
                                     tenant_id=TEAM_ID, recipients=[user],
                                     payload={"text": f"Hello {user}"}, now=clock.now())
    finally:
        await database.dispose()
    # What a person would notice twice: the same text in the same DM (Slack carries no key).
    return [f"D{user}:Hello {user}" for user in users]


async def statuses(url: str) -> Counter[str]:
    database = Database(url)
    try:
        async with database.session() as session:
            return Counter(await session.exec(select(OutboxMessage.status)))
    finally:
        await database.dispose()


async def test_a_delivery_run_cut_while_claiming_sends_nothing_and_the_next_run_sends_all_once(
    pg_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(pg_url, program, clock) as ws:
        keys = await queue_messages(pg_url, clock, ["U1", "U2", "U3"])

        async with stopped_at(pg_url, "outbox") as cut:
            run = asyncio.create_task(ws.running.service.deliver_now())
            await cut.terminate_service()
            assert ws.fake.posts == []
        # The cut pass fails (the delivery loop's or this one; the other may then succeed).
        with contextlib.suppress(Exception):
            await run

        await ws.running.service.deliver_now()
        assert ws.fake.posted_keys() == Counter({key: 1 for key in keys})
        assert await statuses(pg_url) == Counter({"sent": 3})


async def test_a_delivery_run_cut_before_recording_its_sends_loses_nothing_and_repeats_at_most_once(
    pg_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(pg_url, program, clock) as ws:
        keys = await queue_messages(pg_url, clock, ["U1", "U2", "U3"])
        ws.fake.hold_answers_after(0)  # Slack takes each post; the answers wait

        run = asyncio.create_task(ws.running.service.deliver_now())
        async with asyncio.timeout(10):
            await ws.fake.wait_for("chat.postMessage", 3)
        async with stopped_at(pg_url, "outbox") as cut:
            ws.fake.release_answers()  # now recording them as sent waits at the lock
            await cut.terminate_service()
        with pytest.raises(Exception):  # noqa: B017 (whatever the driver raises for it)
            await run
        assert await statuses(pg_url) == Counter({"sending": 3})  # not lost: claimed, unrecorded

        clock.advance(timedelta(minutes=3))  # the claims run out; the next run takes over
        await ws.running.service.deliver_now()
        assert ws.fake.lost(keys) == 0
        assert max(ws.fake.posted_keys().values()) <= 2  # the README's one-repeat window
        assert await statuses(pg_url) == Counter({"sent": 3})


# --- gone for a while, then back -----------------------------------------------------------

async def test_a_slack_signup_while_the_database_is_gone_keeps_the_modal_open(
    pg_url: str, program: Program, clock: FrozenClock
) -> None:
    async with outage(pg_url) as hop, slack_workspace(through(pg_url, hop.port), program,
                                                      clock) as ws:
        view = await open_signup(ws)
        await hop.cut()

        reply = await ws.submit(view, MENTEE)
        assert reply.status == 200
        assert "nothing was saved" in kept_open_with(reply.json())

        await hop.restore()
        again = await ws.submit(view, MENTEE)
        assert (again.status, again.text) == (200, "")
        assert (await person(pg_url, "U1")).role == "mentee"


async def test_a_web_chat_signup_while_the_database_is_gone_is_refused_with_nothing_saved(
    pg_url: str, program: Program, clock: FrozenClock
) -> None:
    async with outage(pg_url) as hop:
        settings = make_settings(through(pg_url, hop.port), program, web_chat=True)
        async with serve(settings, clock) as running, aiohttp.ClientSession(running.url) as http:
            async with http.post("/web/api/events", json={"user": "jo", "command": "join"}) as r:
                form = (await r.json())["form"]
            submission = {"user": "jo", "form_id": form["form_id"], "context": form["context"],
                          "values": {**MENTOR, "teach": MENTOR["teach"].split(","),
                                     "timezone": "Europe/Berlin"}}
            await hop.cut()

            async with http.post("/web/api/events", json=submission) as refused:
                assert refused.status == 503  # never a 200 that looks like success
                assert "nothing was saved" in (await refused.json())["error"]
            assert (await person(pg_url, "jo")).role is None

            await hop.restore()
            async with http.post("/web/api/events", json=submission) as saved:
                assert saved.status == 200 and (await saved.json())["close_form"] is True
            assert (await person(pg_url, "jo")).role == "mentor"


async def test_a_teams_signup_while_the_database_is_gone_is_answered_and_the_card_stays(
    pg_url: str, program: Program, clock: FrozenClock
) -> None:
    async with outage(pg_url) as hop, teams_world(through(pg_url, hop.port), program,
                                                  clock) as world:
        user = world.user()
        assert await user.say("join") == 201
        await world.connector.wait_for(lambda: bool(world.connector.to(user.conversation_id)))
        survey = world.connector.to(user.conversation_id)[-1]
        assert "role" in inputs_of(survey.card)
        await hop.cut()

        assert await user.submit(survey.sent_id or "", submit_value(survey.card, MENTOR)) == 201
        await world.connector.wait_for(lambda: len(world.connector.to(user.conversation_id)) > 1)
        told = world.connector.to(user.conversation_id)[-1]
        assert "nothing was saved" in json.dumps(told.card)
        assert world.connector.of_kind("update") == []  # the card is not marked "Saved"
        await hop.restore()
        assert (await person(pg_url, user.user_id)).role is None

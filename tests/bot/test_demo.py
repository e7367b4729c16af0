"""`turnabout demo`: a realistic program of 16 people, and a clock only the demo can move."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack.settings import SlackSettings
from bot.app import Service
from bot.demo import PEOPLE, demo_settings, seed
from config.program import ConfigError, Program
from core.clock import DemoClock
from core.dates import friendly
from tests.support import databases
from tests.support.service import Running, make_settings, serve

START = datetime(2026, 12, 2, 9, 45, tzinfo=UTC)  # a Wednesday


@pytest.fixture
async def demo(program: Program, sqlite_template: Path,
               tmp_path: Path) -> AsyncIterator[tuple[Running, aiohttp.ClientSession]]:
    url = databases.fresh_sqlite(sqlite_template, tmp_path)
    settings = dataclasses.replace(demo_settings(make_settings(url, program)), database_url=url)
    async with serve(settings, DemoClock(START)) as running:
        await seed(running.service)
        async with aiohttp.ClientSession(running.url) as http:
            yield running, http


async def post(http: aiohttp.ClientSession, path: str, status: int = 200,
               **body: Any) -> dict[str, Any]:
    async with http.post(path, json={"request_id": uuid.uuid4().hex, **body}) as reply:
        assert reply.status == status, await reply.text()
        return await reply.json()


async def entries(http: aiohttp.ClientSession, user: str) -> list[dict[str, Any]]:
    async with http.get("/web/api/inbox", params={"user": user, "after": "0"}) as reply:
        return (await reply.json())["entries"]


async def run_a_round(http: aiohttp.ClientSession) -> dict[str, Any]:
    working = await post(http, "/web/api/events", user="ada", command="admin match")
    assert working["entries"][-1]["message"]["text"].startswith("Working on a round for")
    message = await arrival(http, "ada", "preview")
    confirm = next(b for b in message["buttons"] if b["label"].startswith("Confirm"))
    await post(http, "/web/api/events", user="ada", action_id=confirm["action_id"],
               value=confirm["value"], label=confirm["label"])
    return message


async def arrival(http: aiohttp.ClientSession, user: str, title: str) -> dict[str, Any]:
    """The newest message whose title holds `title`, once it has arrived: polled for, as the
    web chat page polls for what the bot sends on its own."""
    async with asyncio.timeout(30):
        while True:
            for entry in reversed(await entries(http, user)):
                if title in ((entry.get("message") or {}).get("title") or ""):
                    return entry["message"]  # type: ignore[no-any-return]
            await asyncio.sleep(0.1)


KICKOFF = {"goal_1": "By March, use an AI assistant to draft my weekly team update",
           "mentor_goal": "Lead every session and practise giving feedback upward",
           "rhythm": "weekly", "meeting_mode": "video", "length": "6"}


async def press_all(http: aiohttp.ClientSession, user: str, action_id: str) -> list[dict[str, Any]]:
    """Press every live button with this action in the person's inbox, as they would."""
    replies = []
    for entry in await entries(http, user):
        for button in (entry.get("message") or {}).get("buttons") or ():
            if button["action_id"] != action_id:
                continue
            async with http.post("/web/api/events", json={
                    "request_id": uuid.uuid4().hex, "user": user, "action_id": action_id,
                    "value": button["value"], "label": button["label"],
                    "message_id": entry["id"]}) as reply:
                if reply.status != 409:  # 409: answered already (the other copy of a button)
                    assert reply.status == 200, await reply.text()
                    replies.append(await reply.json())
    return replies


async def start_every_pair(http: aiohttp.ClientSession) -> None:
    """Every new pair agrees, the senior proposes the kick-off and the junior confirms it:
    prompts and nudges begin only then."""
    async with http.get("/web/api/people") as reply:
        people = [p["id"] for p in (await reply.json())["people"]]
    for user in people:
        await press_all(http, user, "pair.agree")
    for user in people:
        for opened in await press_all(http, user, "kickoff.open"):
            form = opened.get("form")
            if form:
                await post(http, "/web/api/events", user=user, form_id=form["form_id"],
                           context=form["context"], values={**form["values"], **KICKOFF})
    for user in people:
        await press_all(http, user, "kickoff.confirm")


def test_a_demo_never_runs_beside_slack_or_teams(program: Program) -> None:
    slack = SlackSettings("xoxb-test", "secret", None, "http://127.0.0.1:9/api/")
    settings = make_settings("sqlite:///:memory:", program, slack=slack, demo=True)
    with pytest.raises(ConfigError, match="web chat only"):
        Service(settings, DemoClock(START), schedule=False)
    with pytest.raises(ConfigError, match="own clock"):
        Service(make_settings("sqlite:///:memory:", program, web_chat=True, demo=True),
                schedule=False)


async def test_the_demo_starts_with_sixteen_people_and_one_who_cannot_be_matched(
    demo: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = demo
    async with http.get("/web/api/people") as reply:
        data = await reply.json()
    listed = {p["id"] for p in data["people"]}
    assert data["demo"] is True and len(PEOPLE) == 16
    assert {p.id for p in PEOPLE} | {"ada"} <= listed
    assert len({p.department for p in PEOPLE}) >= 8 and len({p.timezone for p in PEOPLE}) >= 8
    assert all(p["unread"] == 0 for p in data["people"])  # the welcomes are old news

    preview = await run_a_round(http)
    assert re.search(r"1 waiting: no mentor teaches [^\n]+", preview["text"])
    walter = [e["message"]["text"] for e in await entries(http, "walter")
              if e["kind"] == "proactive"]
    assert any("waitlist" in text.lower() for text in walter[1:])


async def test_a_week_on_the_demo_clock_brings_the_weekly_prompt(
    demo: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = demo
    await run_a_round(http)
    await start_every_pair(http)
    moved = await post(http, "/web/api/clock", step="week")
    assert moved["now"].startswith("2026-12-09") and moved["days"] == 7 and moved["sent"] > 0
    titles = [e["message"]["title"] or "" for e in await entries(http, "jo")
              if e["kind"] == "proactive"]
    assert any(title.startswith("This time") for title in titles)  # the first-meeting agenda
    async with http.get("/web/api/people") as reply:
        unread = {p["id"]: p["unread"] for p in (await reply.json())["people"]}
    assert unread["jo"] >= 2  # the introduction and the prompt


async def test_pausing_from_a_nudge_counts_from_the_programs_clock_not_the_real_one(
    demo: tuple[Running, aiohttp.ClientSession],
) -> None:
    running, http = demo
    await run_a_round(http)
    await start_every_pair(http)
    await post(http, "/web/api/clock", to="2026-12-20")  # Morgan stays silent for 18 days
    nudge = next(e for e in reversed(await entries(http, "morgan"))
                 if e["kind"] == "proactive" and e["message"]["title"] == "A quick check-in")
    nudged_on = datetime.fromisoformat(nudge["at"]).date()
    pause = next(b for b in nudge["message"]["buttons"] if b["label"] == "Pause for 2 weeks")
    reply = await post(http, "/web/api/events", user="morgan", action_id=pause["action_id"],
                       value=pause["value"], label=pause["label"], message_id=nudge["id"])
    text = reply["messages"][0]["text"]
    today = running.service.clock.now().date()
    assert today >= nudged_on >= START.date() + timedelta(days=14)
    assert friendly(today + timedelta(days=14)) in text


async def test_the_demo_clock_only_moves_forward_and_says_how_to_use_it(
    demo: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = demo
    back = await post(http, "/web/api/clock", 400, to="2026-11-01")
    assert "only moves forward" in back["error"]
    assert "2027-01-15" in (await post(http, "/web/api/clock", 400, step="year"))["error"]
    async with http.get("/web/api/clock") as reply:
        assert (await reply.json())["now"].startswith("2026-12-02")

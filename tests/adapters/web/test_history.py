"""The web chat's history lives on the server: it survives reloads, and answered or superseded
forms and buttons stay answered, whichever tab sends them again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from config.program import Program
from core.clock import FrozenClock
from tests.support.service import make_settings, serve

ANSWERS: dict[str, Any] = {
    "role": "mentor", "department": "sales", "team": "inside-sales", "seniority": "entry",
    "timezone": "Europe/Berlin", "teach": ["ai-digital-tools"], "learn": [], "goals": "",
    "cadence": "weekly", "meeting_mode": "video",
}


@pytest.fixture
async def http(database_url: str, program: Program,
               clock: FrozenClock) -> AsyncIterator[aiohttp.ClientSession]:
    async with (serve(make_settings(database_url, program, web_chat=True), clock) as running,
                aiohttp.ClientSession(running.url) as session):
        yield session


async def post(http: aiohttp.ClientSession, path: str = "/web/api/events",
               status: int = 200, **body: Any) -> dict[str, Any]:
    async with http.post(path, json={"request_id": uuid.uuid4().hex, **body}) as reply:
        assert reply.status == status, await reply.text()
        return await reply.json()


async def history(http: aiohttp.ClientSession, user: str) -> dict[str, Any]:
    async with http.get("/web/api/inbox", params={"user": user, "after": "0"}) as reply:
        assert reply.status == 200
        return await reply.json()


def form_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["kind"] == "form"]


async def test_a_wrong_answer_keeps_one_form_and_a_saved_form_cannot_be_sent_again(
    http: aiohttp.ClientSession,
) -> None:
    opened = await post(http, user="jo", command="join")
    [form] = opened["entries"]
    assert form["kind"] == "form" and form["state"] == "open"

    wrong = await post(http, user="jo", form_id="signup", message_id=form["id"],
                       values={**ANSWERS, "teach": []})
    assert set(wrong["errors"]) == {"teach"} and wrong["entries"] == []
    assert len(form_rows((await history(http, "jo"))["entries"])) == 1

    right = await post(http, user="jo", form_id="signup", message_id=form["id"], values=ANSWERS)
    assert right["changed"]["state"] == "saved"
    answers = {a["label"]: a["value"] for a in right["changed"]["answers"]}
    assert answers["Department"] == "Sales" and answers["Topics I can teach or share"]

    again = await post(http, "/web/api/events", 409, user="jo", form_id="signup",
                       message_id=form["id"], values=ANSWERS)
    assert "already sent" in again["error"]


async def test_history_keeps_what_was_typed_the_replies_and_the_messages_with_their_times(
    http: aiohttp.ClientSession,
) -> None:
    await post(http, user="sam", command="help")
    opened = await post(http, user="sam", command="join")
    await post(http, user="sam", form_id="signup", message_id=opened["entries"][0]["id"],
               values=ANSWERS)
    entries = (await history(http, "sam"))["entries"]
    kinds = [e["kind"] for e in entries]
    assert kinds[:4] == ["typed", "reply", "typed", "form"] and kinds[-1] == "proactive"
    assert [e["text"] for e in entries if e["kind"] == "typed"] == ["help", "join"]
    assert entries[3]["state"] == "saved"
    assert all(e["at"].startswith("2026-") for e in entries)


async def test_a_newer_form_supersedes_an_open_one(http: aiohttp.ClientSession) -> None:
    first = (await post(http, user="priya", command="join"))["entries"][0]
    second = (await post(http, user="priya", command="join"))["entries"][0]
    states = {e["id"]: e["state"] for e in form_rows((await history(http, "priya"))["entries"])}
    assert states == {first["id"]: "superseded", second["id"]: "open"}
    stale = await post(http, "/web/api/events", 409, user="priya", form_id="signup",
                       message_id=first["id"], values=ANSWERS)
    assert "newer one" in stale["error"]


async def test_a_pressed_button_is_done_and_cannot_be_pressed_again(
    http: aiohttp.ClientSession,
) -> None:
    opened = await post(http, user="jo", command="join")
    await post(http, user="jo", form_id="signup", message_id=opened["entries"][0]["id"],
               values=ANSWERS)
    asked = await post(http, user="jo", command="leave")
    [question] = asked["entries"]
    stay = next(b for b in question["message"]["buttons"] if "stay" in b["label"].lower())
    pressed = await post(http, user="jo", action_id=stay["action_id"], value=stay["value"],
                         label=stay["label"], message_id=question["id"])
    assert pressed["changed"]["done"] == stay["label"]
    again = await post(http, "/web/api/events", 409, user="jo", action_id=stay["action_id"],
                       value=stay["value"], label=stay["label"], message_id=question["id"])
    assert "already answered" in again["error"]


async def test_someone_new_is_listed_for_everyone_with_unread_counts(
    http: aiohttp.ClientSession,
) -> None:
    await post(http, "/web/api/people", user="lee-park", name="Lee Park")
    opened = await post(http, user="lee-park", command="join")
    await post(http, user="lee-park", form_id="signup", message_id=opened["entries"][0]["id"],
               values=ANSWERS)
    async with aiohttp.ClientSession(str(http._base_url)) as other_browser:
        async with other_browser.get("/web/api/people") as reply:
            people = {p["id"]: p for p in (await reply.json())["people"]}
    assert people["lee-park"]["name"] == "Lee Park"
    assert people["lee-park"]["unread"] == 1  # the welcome

    newest = (await history(http, "lee-park"))["entries"][-1]["id"]
    await post(http, "/web/api/read", user="lee-park", upto=newest)
    async with http.get("/web/api/people") as reply:
        people = {p["id"]: p for p in (await reply.json())["people"]}
    assert people["lee-park"]["unread"] == 0


async def test_there_is_no_demo_clock_outside_the_demo(http: aiohttp.ClientSession) -> None:
    async with http.get("/web/api/people") as reply:
        assert (await reply.json())["demo"] is False
    async with http.post("/web/api/clock", json={"step": "week"}) as reply:
        assert reply.status in (404, 405)
    async with http.get("/web/api/clock") as reply:
        assert reply.status in (404, 405)

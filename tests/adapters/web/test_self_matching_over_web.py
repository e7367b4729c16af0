"""Choosing a mentor in the web chat, over real HTTP: suggest, request, accept, decline, expire."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from config.program import Program
from core.clock import FrozenClock
from tests.support.choosing import choosing
from tests.support.service import Running, make_settings, serve

JUNIOR: dict[str, Any] = {
    "role": "mentor", "department": "marketing", "team": "brand", "seniority": "entry",
    "timezone": "Europe/Berlin", "teach": ["ai-digital-tools"], "learn": [],
    "goals": "", "cadence": "weekly", "meeting_mode": "video"}
SENIOR: dict[str, Any] = {
    **JUNIOR, "role": "mentee", "department": "finance", "team": "treasury",
    "seniority": "director", "teach": ["leadership"], "learn": ["ai-digital-tools"],
    "goals": "Get confident with AI tools", "cadence": "fortnightly"}


@dataclass
class Person:
    http: aiohttp.ClientSession
    running: Running
    user: str

    async def post(self, **shape: Any) -> dict[str, Any]:
        body = {"user": self.user, "timezone": "Europe/Berlin", "request_id": str(uuid.uuid4()),
                **shape}
        async with self.http.post("/web/api/events", json=body) as reply:
            assert reply.status == 200, await reply.text()
            return await reply.json()

    async def say(self, text: str) -> str:
        return "\n".join(m["text"] for m in (await self.post(command=text))["messages"])

    async def press(self, button: dict[str, Any]) -> str:
        reply = await self.post(action_id=button["action_id"], value=button["value"])
        return "\n".join(m["text"] for m in reply["messages"])

    async def join(self, answers: dict[str, Any]) -> None:
        await self.post(command="join")
        assert (await self.post(form_id="signup", values=answers, context=""))["close_form"]

    async def inbox(self) -> list[dict[str, Any]]:
        await self.running.service.deliver_now()
        async with self.http.get("/web/api/inbox", params={"user": self.user}) as reply:
            return [m["message"] for m in (await reply.json())["messages"]]


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in message["buttons"] if b["label"] == label)


@pytest.fixture
async def web(database_url: str, program: Program, clock: FrozenClock
              ) -> AsyncIterator[tuple[aiohttp.ClientSession, Running]]:
    async with (serve(make_settings(database_url, choosing(program), web_chat=True),
                      clock) as running, aiohttp.ClientSession(running.url) as http):
        yield http, running


async def asked(jo: Person, sam: Person) -> dict[str, Any]:
    """Sam presses *See suggested mentors* in the welcome and requests the first; Jo's request."""
    welcome = (await sam.inbox())[-1]
    reply = await sam.post(**{k: v for k, v in button(welcome, "See suggested mentors").items()
                              if k in ("action_id", "value")})
    [suggested] = reply["messages"]
    assert suggested["title"] == "Suggested mentors" and "Jo" not in suggested["text"]
    assert "Request sent" in await sam.press(button(suggested, "Request 1"))
    return next(m for m in await jo.inbox() if "would like you" in (m["title"] or ""))


async def test_a_request_accepted_in_the_web_chat_introduces_the_pair(
        web: tuple[aiohttp.ClientSession, Running]) -> None:
    http, running = web
    jo, sam = Person(http, running, "jo"), Person(http, running, "sam")
    await jo.join(JUNIOR)
    await sam.join(SENIOR)
    request = await asked(jo, sam)
    assert "Sam" in request["text"] and "Get confident with AI tools" in request["text"]
    assert "now a pair" in await jo.press(button(request, "Accept"))
    assert "already accepted" in await jo.press(button(request, "Accept"))
    for person in (jo, sam):
        intros = [m for m in await person.inbox()
                  if "Meet your reverse mentoring partner" in (m["title"] or "")]
        assert len(intros) == 1
    assert "already paired" in await sam.say("suggest")


async def test_a_decline_and_an_expiry_in_the_web_chat_free_the_senior(
        web: tuple[aiohttp.ClientSession, Running], clock: FrozenClock) -> None:
    http, running = web
    jo, lee = Person(http, running, "jo"), Person(http, running, "lee")
    sam = Person(http, running, "sam")
    await jo.join(JUNIOR)
    await sam.join(SENIOR)
    request = await asked(jo, sam)
    assert "not who said no" in await jo.press(button(request, "Decline"))
    assert "already declined" in await jo.press(button(request, "Decline"))
    [note] = [m for m in await sam.inbox() if "didn't work out" in m["text"]]
    assert "Jo" not in note["text"]

    await lee.join({**JUNIOR, "team": "field-sales"})
    request = await asked(lee, sam)
    clock.advance(timedelta(days=5, hours=1))
    await running.service.tick()
    notes = [m for m in await sam.inbox() if "didn't work out" in m["text"]]
    assert len(notes) == 2 and notes[0] == notes[1]
    assert "expired" in await lee.press(button(request, "Accept"))

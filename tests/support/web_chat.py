"""The web chat's page, as test code: people speaking its JSON API to the running service."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from sqlmodel import func, select

from config.program import Program
from core.clock import Clock
from tests.support.service import Running, make_settings, serve

GOOD_ANSWERS: dict[str, Any] = {
    "role": "mentor", "department": "sales", "team": "inside-sales", "seniority": "entry",
    "timezone": "Europe/Berlin", "teach": ["ai-digital-tools", "social-media"], "learn": [],
    "goals": "Help a leader get confident with AI tools", "cadence": "weekly",
    "meeting_mode": "video",
}


ARRIVAL_SECONDS = 60.0  # a ceiling on a loaded machine, not an expected time


async def inbox_once_filled(http: aiohttp.ClientSession, user: str,
                            headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The person's inbox once something is in it, polled as the page polls it: work done in
    the background (an export being zipped) arrives a moment after the reply."""
    deadline = asyncio.get_running_loop().time() + ARRIVAL_SECONDS
    while True:
        async with http.get("/web/api/inbox", params={"user": user, "after": "0"},
                            headers=headers) as inbox:
            messages: list[dict[str, Any]] = (await inbox.json())["messages"]
        if messages or asyncio.get_running_loop().time() > deadline:
            return messages
        await asyncio.sleep(0.05)


@dataclass
class WebPerson:
    """One person at the web chat page, speaking the page's JSON API."""

    http: aiohttp.ClientSession
    user: str
    timezone: str = "Europe/Berlin"
    name: str | None = None  # typed by a newcomer; the demo people's names come from app.yaml

    async def post(self, request_id: str | None = None, **shape: Any) -> dict[str, Any]:
        body = {"user": self.user, "timezone": self.timezone,
                "request_id": request_id or str(uuid.uuid4()), **shape}
        if self.name is not None:
            body.setdefault("name", self.name)
        async with self.http.post("/web/api/events", json=body) as reply:
            assert reply.status == 200, await reply.text()
            return await reply.json()

    async def say(self, text: str, request_id: str | None = None) -> dict[str, Any]:
        return await self.post(request_id, command=text)

    async def press(self, action_id: str, value: str = "") -> dict[str, Any]:
        return await self.post(action_id=action_id, value=value)

    async def submit(self, values: dict[str, Any], request_id: str | None = None,
                     form_id: str = "signup", context: str = "") -> dict[str, Any]:
        return await self.post(request_id, form_id=form_id, values=values, context=context)

    async def inbox(self, after: int = 0) -> list[dict[str, Any]]:
        async with self.http.get("/web/api/inbox", params={"user": self.user,
                                                            "after": str(after)}) as reply:
            assert reply.status == 200, await reply.text()
            return (await reply.json())["messages"]

    async def join(self, **answers: Any) -> dict[str, Any]:
        await self.say("join")
        return await self.submit({**GOOD_ANSWERS, **answers})


@dataclass
class WebChat:
    running: Running
    http: aiohttp.ClientSession

    def person(self, user: str, timezone: str = "Europe/Berlin",
               name: str | None = None) -> WebPerson:
        return WebPerson(self.http, user, timezone, name)

    async def count(self, model: type, *where: Any) -> int:
        async with self.running.service.database.session() as session:
            query = select(func.count()).select_from(model).where(*where)
            return (await session.exec(query)).one()


@asynccontextmanager
async def web_chat(database_url: str, program: Program, clock: Clock) -> AsyncIterator[WebChat]:
    """The real service with the web chat on, on loopback, and a client for its page."""
    async with (serve(make_settings(database_url, program, web_chat=True), clock) as running,
                aiohttp.ClientSession(running.url) as http):
        yield WebChat(running, http)

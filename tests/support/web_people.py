"""A small web chat client for tests that script several named people at once (forgetting)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from config.program import Program
from core.clock import Clock
from tests.support.service import Running, make_settings, serve


@dataclass
class WebPerson:
    http: aiohttp.ClientSession
    user: str
    name: str | None = None  # the name typed at the page, sent with every request
    timezone: str = "Europe/Berlin"

    async def post(self, **shape: Any) -> dict[str, Any]:
        body = {"user": self.user, "timezone": self.timezone, "request_id": uuid.uuid4().hex,
                **({"name": self.name} if self.name else {}), **shape}
        async with self.http.post("/web/api/events", json=body) as reply:
            assert reply.status == 200, await reply.text()
            return await reply.json()

    async def say(self, text: str) -> dict[str, Any]:
        return await self.post(command=text)

    async def press(self, action_id: str, value: str = "") -> dict[str, Any]:
        return await self.post(action_id=action_id, value=value)

    async def submit(self, form_id: str, values: dict[str, Any],
                     context: str = "") -> dict[str, Any]:
        return await self.post(form_id=form_id, values=values, context=context)

    async def join(self, answers: dict[str, Any]) -> dict[str, Any]:
        opened = await self.say("join")
        assert opened["form"] is not None, opened
        return await self.submit("signup", answers)

    async def inbox(self) -> list[dict[str, Any]]:
        async with self.http.get("/web/api/inbox", params={"user": self.user}) as reply:
            assert reply.status == 200, await reply.text()
            return (await reply.json())["messages"]


@dataclass
class WebChat:
    running: Running
    http: aiohttp.ClientSession

    def person(self, user: str, name: str | None = None) -> WebPerson:
        return WebPerson(self.http, user, name)


@asynccontextmanager
async def web_chat(database_url: str, program: Program, clock: Clock) -> AsyncIterator[WebChat]:
    async with (serve(make_settings(database_url, program, web_chat=True), clock) as running,
                aiohttp.ClientSession(running.url) as http):
        yield WebChat(running, http)

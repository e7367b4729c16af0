"""A fake Bot Connector service on loopback, and a Teams client that talks to the bot.

The bot replies to whatever `serviceUrl` an activity names, so activities from `TeamsUser`
point at the fake, which records every call and checks every card it is sent.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from adapters.teams.settings import TeamsSettings
from config.program import Program
from core.clock import Clock
from tests.support.adaptive_cards import CardProblem, assert_adaptive_card_1_5
from tests.support.service import Running, make_settings, serve

CARD_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass
class ConnectorCall:
    kind: str  # send | reply | update | create
    method: str
    path: str
    conversation_id: str
    activity_id: str | None  # the activity replied to or updated
    body: dict[str, Any]
    authorization: str | None
    sent_id: str | None = None  # the id the fake gave the new activity

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.body.get("attachments") or []
                if a.get("contentType") == CARD_TYPE]

    @property
    def card(self) -> dict[str, Any]:
        (only,) = self.cards
        return only

    @property
    def text(self) -> str:
        """Everything a person would read: activity text and every card text, one per line."""
        lines = [self.body.get("text") or ""]
        for card in self.cards:
            lines.extend(_texts(card))
        return "\n".join(line for line in lines if line)


def _texts(node: Any) -> list[str]:
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    if not isinstance(node, dict):
        return []
    found = [node["text"]] if node.get("type") == "TextBlock" else []
    found += [f"{f['title']}: {f['value']}" for f in node.get("facts", [])]
    for key in ("body", "items", "columns", "actions", "card"):
        found += _texts(node.get(key, []))
    return found


def inputs_of(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}


def submit_value(card: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """What Teams posts when the card's submit button is pressed: the action's data merged
    with every input's current value (what was pre-filled, unless the person changed it)."""
    (submit,) = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    current = {name: e.get("value", "") for name, e in inputs_of(card).items()}
    return {**submit["data"], **current, **answers}


def actions_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button, in order: the card's own row, or the rows of ActionSets in its body that
    a phone needs when titles are too long to sit side by side."""
    rows = [e.get("actions", []) for e in card.get("body", []) if e.get("type") == "ActionSet"]
    return [a for row in rows for a in row] + list(card.get("actions", []))


def button_data(card: dict[str, Any], title: str) -> dict[str, Any]:
    (button,) = [a for a in actions_of(card) if a["title"] == title]
    return dict(button["data"])


@dataclass
class FakeConnector:
    url: str = ""
    calls: list[ConnectorCall] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # cards Teams would refuse
    _failures: deque[tuple[int, str | None]] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def fail_next(self, count: int, status: int = 429, retry_after: str | None = None) -> None:
        """The next `count` sends and replies fail with `status` (and Retry-After)."""
        self._failures.extend([(status, retry_after)] * count)

    def of_kind(self, kind: str) -> list[ConnectorCall]:
        return [call for call in self.calls if call.kind == kind]

    @property
    def messages(self) -> list[ConnectorCall]:
        """Activities the bot posted: replies within a turn and proactive sends."""
        return [call for call in self.calls if call.kind in ("send", "reply")]

    def to(self, conversation_id: str) -> list[ConnectorCall]:
        return [c for c in self.messages if c.conversation_id == conversation_id]

    async def wait_for(self, ready: Callable[[], bool], seconds: float = 5.0) -> None:
        """Poll until `ready()`: proactive sends arrive from the service's delivery loop."""
        try:
            async with asyncio.timeout(seconds), self._arrived:
                await self._arrived.wait_for(ready)
        except TimeoutError:
            raise AssertionError(
                f"timed out; connector saw {[c.path for c in self.calls]}") from None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}",
                            self._activity)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}",
                           self._activity)
        return app

    async def _record(self, request: web.Request, kind: str) -> ConnectorCall:
        # In local mode botbuilder's empty credentials send no Authorization header at all.
        return ConnectorCall(kind, request.method, request.path,
                             request.match_info.get("conversation", ""),
                             request.match_info.get("activity"), await request.json(),
                             request.headers.get("Authorization"))

    async def _activity(self, request: web.Request) -> web.Response:
        kind = "update" if request.method == "PUT" else (
            "reply" if "activity" in request.match_info else "send")
        call = await self._record(request, kind)
        answer = self._answer(call)
        # Waiters see the call only once it is complete, sent_id included.
        self.calls.append(call)
        async with self._arrived:
            self._arrived.notify_all()
        return answer

    def _answer(self, call: ConnectorCall) -> web.Response:
        if call.kind != "update" and self._failures:
            status, retry_after = self._failures.popleft()
            headers = {"Retry-After": retry_after} if retry_after else {}
            error = {"error": {"code": "Throttled" if status == 429 else "Forbidden",
                               "message": "injected by the test"}}
            return web.json_response(error, status=status, headers=headers)
        for card in call.cards:
            try:
                assert_adaptive_card_1_5(card)
            except CardProblem as exc:
                self.problems.append(f"{call.path}: {exc}")
                return web.json_response(
                    {"error": {"code": "BadArgument", "message": str(exc)}}, status=400)
        if call.kind == "update":
            return web.json_response({"id": call.activity_id})
        call.sent_id = f"bot-activity-{next(self._ids)}"
        return web.json_response({"id": call.sent_id}, status=201)

    async def _create(self, request: web.Request) -> web.Response:
        call = await self._record(request, "create")
        self.calls.append(call)
        call.sent_id = f"a:created-{next(self._ids)}"
        return web.json_response({"id": call.sent_id}, status=201)


@asynccontextmanager
async def fake_connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"http://127.0.0.1:{port}/"
    try:
        yield fake
    finally:
        await runner.cleanup()


@dataclass
class TeamsUser:
    """One person in a 1:1 chat with the bot, sending what the Teams client would send."""

    http: aiohttp.ClientSession
    bot_url: str
    connector_url: str
    user_id: str = "29:1ada"
    name: str = "Ada Lovelace"
    tenant_id: str = "tenant-0001"
    aad_object_id: str = "aad-ada"
    timezone: str = "Europe/Berlin"
    bot_id: str = "28:turnabout"

    @property
    def conversation_id(self) -> str:
        return f"a:personal-{self.user_id}"

    def activity(self, **fields: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "type": "message",
            "id": uuid.uuid4().hex,
            "channelId": "msteams",
            "serviceUrl": self.connector_url,
            "from": {"id": self.user_id, "name": self.name, "aadObjectId": self.aad_object_id},
            "recipient": {"id": self.bot_id, "name": "Turnabout"},
            # tenantId, as Teams spells it (botbuilder expects tenantID and drops it).
            "conversation": {"id": self.conversation_id, "conversationType": "personal",
                             "tenantId": self.tenant_id},
            "channelData": {"tenant": {"id": self.tenant_id}},
            "localTimezone": self.timezone,
            "locale": "en-US",
            "textFormat": "plain",
            "entities": [{"type": "clientInfo", "locale": "en-US", "timezone": self.timezone}],
        }
        base.update(fields)
        return base

    async def post(self, payload: Any, authorization: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": authorization} if authorization is not None else {}
        async with self.http.post(f"{self.bot_url}/api/messages", json=payload,
                                  headers=headers) as response:
            body = await response.json() if response.content_type == "application/json" else None
            return response.status, body

    async def say(self, text: str, **fields: Any) -> int:
        status, _ = await self.post(self.activity(text=text, **fields))
        return status

    async def submit(self, card_activity_id: str, data: dict[str, Any]) -> int:
        """Press a card's Action.Submit: Teams posts a message whose value is the data."""
        status, _ = await self.post(self.activity(value=data, replyToId=card_activity_id))
        return status


@dataclass
class TeamsWorld:
    running: Running
    connector: FakeConnector
    http: aiohttp.ClientSession

    def user(self, **fields: Any) -> TeamsUser:
        return TeamsUser(self.http, self.running.url, self.connector.url, **fields)


@asynccontextmanager
async def teams_world(
    database_url: str, program: Program, clock: Clock, settings: TeamsSettings | None = None
) -> AsyncIterator[TeamsWorld]:
    """The real service (in the explicit emulator mode unless `settings` say otherwise), the
    fake connector, and an HTTP client.
    Fails the test if any card the bot sent breaks the Adaptive Card 1.5 rules."""
    teams = settings or TeamsSettings.local_emulator()
    async with fake_connector() as connector, aiohttp.ClientSession() as http, serve(
        make_settings(database_url, program, teams=teams), clock
    ) as running:
        yield TeamsWorld(running, connector, http)
    assert not connector.problems, connector.problems

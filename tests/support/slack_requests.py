"""Requests exactly as Slack sends them (signed, form-encoded or JSON), and a workspace to
send them from: the real service on loopback, talking to a FakeSlack."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp

from adapters.slack.settings import SlackSettings
from config.program import Program
from core.clock import Clock
from tests.support.fake_slack import TEAM_ID, TOKEN, FakeSlack, Payload, assert_block_kit_limits
from tests.support.service import Running, make_settings, serve

SECRET = "secret"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
Answer = str | tuple[str, ...]
CONVERSATION_READS = ("conversations.history", "conversations.replies")


def signature_headers(body: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def slash_command(text: str, *, user: str, trigger_id: str, response_url: str,
                  command: str = "/mentoring", team: str = TEAM_ID,
                  channel_name: str = "general", enterprise: str | None = None) -> str:
    """`enterprise`: the Enterprise Grid organisation the workspace belongs to."""
    grid = {"enterprise_id": enterprise, "enterprise_name": "Org"} if enterprise else {}
    return urlencode({
        "token": "legacy-verification-token", "team_id": team, "team_domain": "fake",
        "channel_id": "C0GENERAL", "channel_name": channel_name, "user_id": user,
        "user_name": user.lower(), "command": command, "text": text, "api_app_id": "A0TEST",
        "is_enterprise_install": "false", "response_url": response_url, "trigger_id": trigger_id,
        **grid,
    })


def _interaction(payload: Payload) -> str:
    return urlencode({"payload": json.dumps(payload)})


def _where(team: str, enterprise: str | None, user: str, user_team: str | None) -> Payload:
    """The team, user and enterprise objects of an interaction payload. `user_team` differs
    from `team` for a Slack Connect guest."""
    return {"team": {"id": team, "domain": "fake", **({"enterprise_id": enterprise}
                                                       if enterprise else {})},
            "user": {"id": user, "team_id": user_team or team},
            "enterprise": {"id": enterprise, "name": "Org"} if enterprise else None}


def block_actions(action_id: str, value: str = "", *, user: str, trigger_id: str | None,
                  response_url: str | None, message_ts: str = "1790000000.000001",
                  team: str = TEAM_ID, enterprise: str | None = None,
                  user_team: str | None = None) -> str:
    action = {"type": "button", "action_id": action_id, "block_id": "b1",
              "text": {"type": "plain_text", "text": "…"}, "action_ts": f"{time.time():.6f}"}
    if value:
        action["value"] = value
    payload: Payload = {
        "type": "block_actions", **_where(team, enterprise, user, user_team),
        "api_app_id": "A0TEST", "container": {"type": "message", "message_ts": message_ts},
        "channel": {"id": "C0GENERAL"}, "actions": [action]}
    if trigger_id:
        payload["trigger_id"] = trigger_id
    if response_url:
        payload["response_url"] = response_url
    return _interaction(payload)


def _state(element: Payload, answer: Answer | None) -> Payload:
    kind = element["type"]
    options = element.get("options") or []
    if kind == "plain_text_input":
        value = answer if isinstance(answer, str) else element.get("initial_value")
        return {"type": kind, "value": value or None}
    if kind == "multi_users_select":
        users = answer if answer is not None else tuple(element.get("initial_users") or ())
        return {"type": kind, "selected_users": list((users,) if isinstance(users, str) else users)}
    if kind in ("checkboxes", "multi_static_select"):
        wanted = answer if answer is not None else tuple(
            o["value"] for o in element.get("initial_options") or [])
        return {"type": kind, "selected_options": [o for o in options if o["value"] in wanted]}
    if answer is None:
        return {"type": kind, "selected_option": element.get("initial_option")}
    return {"type": kind,
            "selected_option": next((o for o in options if o["value"] == answer), None)}


def state_values(view: Payload, answers: Mapping[str, Answer]) -> Payload:
    """The view's state as Slack reports it: the answers given, else what was pre-filled."""
    return {block["block_id"]: {block["element"]["action_id"]: _state(block["element"],
                                                                     answers.get(block["block_id"]))}
            for block in view["blocks"] if block["type"] == "input"}


def view_submission(view: Payload, answers: Mapping[str, Answer], *, user: str,
                    trigger_id: str | None, team: str = TEAM_ID, enterprise: str | None = None,
                    user_team: str | None = None) -> str:
    submitted = {**view, "id": view.get("id", "V000001"), "hash": view.get("hash", "h1"),
                 "team_id": team, "state": {"values": state_values(view, answers)}}
    payload: Payload = {"type": "view_submission", **_where(team, enterprise, user, user_team),
                        "api_app_id": "A0TEST", "view": submitted, "response_urls": []}
    if trigger_id:
        payload["trigger_id"] = trigger_id
    return _interaction(payload)


def view_action(view: Payload, block_id: str, answers: Mapping[str, Answer], *, user: str,
                trigger_id: str | None, team: str = TEAM_ID) -> str:
    """Choosing an answer inside an open modal whose input dispatches actions: block_actions
    with the view (its id, hash, metadata and every answer so far) and the element chosen."""
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    state = state_values(view, answers)
    action = {**state[block_id][block["element"]["action_id"]],
              "action_id": block["element"]["action_id"], "block_id": block_id,
              "action_ts": f"{time.time():.6f}"}
    shown = {**view, "id": view.get("id", "V000001"), "hash": view.get("hash", "h1"),
             "team_id": team, "state": {"values": state}}
    payload: Payload = {"type": "block_actions", **_where(team, None, user, None),
                        "api_app_id": "A0TEST", "container": {"type": "view",
                                                              "view_id": shown["id"]},
                        "view": shown, "actions": [action]}
    if trigger_id:
        payload["trigger_id"] = trigger_id
    return _interaction(payload)


def dm_event(text: str, *, user: str, event_id: str, team: str = TEAM_ID,
             bot_id: str | None = None, subtype: str | None = None,
             enterprise: str | None = None) -> str:
    event: Payload = {"type": "message", "channel": f"D{user}", "user": user, "text": text,
                      "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}",
                      "channel_type": "im", "team": team}
    if bot_id:
        event["bot_id"] = bot_id
    if subtype:
        event["subtype"] = subtype
    return json.dumps({"token": "legacy", "team_id": team, "api_app_id": "A0TEST",
                       "event": event, "type": "event_callback", "event_id": event_id,
                       "event_time": int(time.time()), "enterprise_id": enterprise,
                       "authorizations": [{"team_id": team, "enterprise_id": enterprise,
                                           "user_id": "UBOT", "is_bot": True}]})


def home_opened(*, user: str, event_id: str, team: str = TEAM_ID,
                enterprise: str | None = None, tab: str = "home") -> str:
    event: Payload = {"type": "app_home_opened", "user": user, "channel": f"D{user}",
                      "tab": tab, "event_ts": f"{time.time():.6f}"}
    return json.dumps({"token": "legacy", "team_id": team, "api_app_id": "A0TEST",
                       "event": event, "type": "event_callback", "event_id": event_id,
                       "event_time": int(time.time()), "enterprise_id": enterprise,
                       "authorizations": [{"team_id": team, "enterprise_id": enterprise,
                                           "user_id": "UBOT", "is_bot": True}]})


def home_action(action_id: str, value: str = "", *, user: str, trigger_id: str,
                team: str = TEAM_ID) -> str:
    """A button pressed on the Home tab: no response_url; the container is the view."""
    action = {"type": "button", "action_id": action_id, "block_id": "b1",
              "text": {"type": "plain_text", "text": "…"}, "action_ts": f"{time.time():.6f}"}
    if value:
        action["value"] = value
    return _interaction({
        "type": "block_actions", **_where(team, None, user, None), "api_app_id": "A0TEST",
        "container": {"type": "view", "view_id": "VHOME"}, "trigger_id": trigger_id,
        "view": {"id": "VHOME", "type": "home", "team_id": team, "hash": "h1",
                 "blocks": [], "state": {"values": {}}},
        "actions": [action]})


def url_verification(challenge: str) -> str:
    return json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"})


@dataclass(frozen=True)
class Reply:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class SlackWorkspace:
    """People in a Slack workspace, sending requests to the running service."""

    fake: FakeSlack
    running: Running
    http: aiohttp.ClientSession
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fresh(self, prefix: str) -> str:
        return f"{prefix}-{next(self._serial)}"

    async def send(self, body: str | bytes, content_type: str | None = FORM, *,
                   headers: Mapping[str, str] | None = None, sign: bool = True,
                   retry: int | None = None) -> Reply:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        sent = {"Content-Type": content_type} if content_type else {}
        if sign:
            sent.update(signature_headers(text))
        if retry is not None:
            sent.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        sent.update(headers or {})
        async with self.http.post(f"{self.running.url}/slack/events", data=body,
                                  headers=sent) as response:
            reply = Reply(response.status, await response.text())
        if content_type == FORM and reply.status == 200 and reply.text.startswith("{"):
            form = dict(parse_qsl(text))
            if "command" in form:  # a slash command's reply can ride on its ack
                await self.fake.shown_from_ack(form.get("response_url", ""), reply.json())
        return reply

    async def command(self, text: str, user: str = "U1", *, trigger_id: str | None = None,
                      reply_key: str | None = None, retry: int | None = None) -> Reply:
        body = slash_command(text, user=user, trigger_id=trigger_id or self.fresh("trigger"),
                             response_url=self.fake.response_url(reply_key or self.fresh("cmd")))
        return await self.send(body, retry=retry)

    async def press(self, action_id: str, value: str = "", user: str = "U1", *,
                    trigger_id: str | None = None, reply_key: str | None = None) -> Reply:
        body = block_actions(action_id, value, user=user,
                             trigger_id=trigger_id or self.fresh("trigger"),
                             response_url=self.fake.response_url(reply_key or self.fresh("act")))
        return await self.send(body)

    async def confirm(self, text: str, user: str = "U1", *,
                      reply_key: str | None = None) -> Reply:
        """Type a command that asks first, and press the button that goes ahead (its first)."""
        asked = self.fresh("ask")
        await self.command(text, user, reply_key=asked)
        await self.settle()
        found = [e for r in self.fake.responses(asked) for b in r.get("blocks", [])
                 if b["type"] == "actions" for e in b["elements"]]
        assert found, f"{text!r} asked nothing: {self.fake.responses(asked)}"
        action_id = found[0]["action_id"].split("#", 1)[0]  # blocks.DUPLICATE_MARK
        return await self.press(action_id, found[0].get("value", ""), user, reply_key=reply_key)

    async def choose(self, view: Payload, block_id: str, answers: Mapping[str, Answer],
                     user: str = "U1") -> Reply:
        """Answer `block_id` (with the rest of `answers`) inside the open modal `view`."""
        return await self.send(view_action(view, block_id, answers, user=user,
                                           trigger_id=self.fresh("trigger")))

    async def submit(self, view: Payload, answers: Mapping[str, Answer], user: str = "U1", *,
                     trigger_id: str | None = None, retry: int | None = None) -> Reply:
        body = view_submission(view, answers, user=user,
                               trigger_id=trigger_id or self.fresh("trigger"))
        return await self.send(body, retry=retry)

    async def dm(self, text: str, user: str = "U1", *, event_id: str | None = None,
                 bot_id: str | None = None, subtype: str | None = None,
                 retry: int | None = None) -> Reply:
        body = dm_event(text, user=user, event_id=event_id or self.fresh("Ev"), bot_id=bot_id,
                        subtype=subtype)
        return await self.send(body, JSON, retry=retry)

    async def open_home(self, user: str = "U1", *, event_id: str | None = None) -> Reply:
        body = home_opened(user=user, event_id=event_id or self.fresh("EvHome"))
        return await self.send(body, JSON)

    async def press_on_home(self, action_id: str, value: str = "", user: str = "U1") -> Reply:
        return await self.send(home_action(action_id, value, user=user,
                                           trigger_id=self.fresh("trigger")))

    def opened_view(self) -> Payload:
        """The modal most recently opened with views.open."""
        return dict(self.fake.calls_to("views.open")[-1]["view"])

    def redrawn_view(self) -> Payload:
        """The modal most recently redrawn with views.update, with the id it was drawn on."""
        call = self.fake.calls_to("views.update")[-1]
        return {**call["view"], "id": call["view_id"]}

    async def settle(self) -> None:
        """Let acked listeners finish, then deliver whatever they queued."""
        adapter = next(a for a in self.running.service.adapters if a.platform == "slack")
        await adapter.settle()  # type: ignore[attr-defined]
        await self.running.service.settle()


@asynccontextmanager
async def slack_workspace(database_url: str, program: Program, clock: Clock,
                          fake: FakeSlack | None = None) -> AsyncIterator[SlackWorkspace]:
    """The service wired to a fake Slack; afterwards every payload it sent is within limits,
    and it read no conversation."""
    async with (fake or FakeSlack()) as slack:
        settings = make_settings(database_url, program,
                                 slack=SlackSettings(TOKEN, SECRET, None, slack.url + "/api/"))
        async with serve(settings, clock) as running, aiohttp.ClientSession() as http:
            yield SlackWorkspace(slack, running, http)
        for payload in slack.payloads():
            assert_block_kit_limits(payload)
        assert not [c.method for c in slack.calls if c.method in CONVERSATION_READS]

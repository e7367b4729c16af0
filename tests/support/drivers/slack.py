"""The contract over Slack: signed slash commands, button presses and modal submissions into
the running service; what people see is read back from the fake Slack Web API's calls."""

from __future__ import annotations

import dataclasses
import html
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from adapters.slack.blocks import neutral_action_id
from config.program import Program
from core.clock import FrozenClock
from core.events import Address
from tests.support.drivers.base import ChatWorld, Driver
from tests.support.drivers.records import Answer, Seen, SeenButton, SeenForm
from tests.support.fake_slack import TEAM_ID, Payload
from tests.support.fake_slack_files import FakeSlackWithFiles
from tests.support.slack_requests import SlackWorkspace, slack_workspace

MULTI = ("checkboxes", "multi_static_select", "multi_users_select")

_SERIAL = itertools.count(1)  # response_url keys and trigger ids, unique across people


class SlackDriver(Driver):
    world: SlackChatWorld

    def __init__(self, world: SlackChatWorld, name: str, user_id: str) -> None:
        super().__init__(world, name, Address("slack", user_id, TEAM_ID))
        self.user = user_id
        self._replies: set[str] = set()  # response_url keys of this person's requests
        self._triggers: set[str] = set()  # trigger ids of this person's requests
        # Modal answers that ride on the ack (errors, a next view), by where they came in.
        self._acks: list[tuple[int, Seen]] = []

    @property
    def ws(self) -> SlackWorkspace:
        return self.world.ws

    def _fresh(self) -> tuple[str, str]:
        # Like Slack's own, they name nobody: a user id in them would outlive being forgotten.
        n = next(_SERIAL)
        reply_key, trigger_id = f"reply-{n}", f"trigger-{n}"
        self._replies.add(reply_key)
        self._triggers.add(trigger_id)
        return reply_key, trigger_id

    async def _say(self, text: str) -> None:
        reply_key, trigger_id = self._fresh()
        reply = await self.ws.command(text, self.user, trigger_id=trigger_id, reply_key=reply_key)
        assert reply.status == 200, reply

    async def _press(self, button: SeenButton) -> None:
        reply_key, trigger_id = self._fresh()
        reply = await self.ws.press(button.handle, button.value, self.user,
                                    trigger_id=trigger_id, reply_key=reply_key)
        assert reply.status == 200, reply

    async def _submit(self, form: SeenForm, values: dict[str, Answer]) -> None:
        view: Payload = form.handle
        _, trigger_id = self._fresh()
        typed = {**form.values, **values}  # a modal still open keeps what was typed in it
        answers = {name: _answer(view, name, value) for name, value in typed.items()}
        reply = await self.ws.submit(view, answers, self.user, trigger_id=trigger_id)
        assert reply.status == 200, reply
        ack = reply.json() or {}
        at = len(self.ws.fake.calls)
        if ack.get("response_action") == "errors":
            # The modal stays open, the errors next to their fields.
            again = dataclasses.replace(form, values=typed, errors=dict(ack["errors"]))
            self._acks.append((at, Seen(form.title, form.title, form=again)))
        elif ack.get("response_action") == "update":
            self._acks.append((at, view_seen(ack["view"])))

    async def inbox(self) -> list[Seen]:
        fake = self.ws.fake
        seen: list[tuple[int, Seen]] = []
        for n, call in enumerate(fake.calls):
            args = call.args
            if call.method == "response" and args.get("key") in self._replies:
                seen += [(n, part) for part in messages_seen(args)]
            elif call.method == "views.open" and args.get("trigger_id") in self._triggers:
                seen.append((n, view_seen(args["view"])))
            elif call.method == "chat.postMessage" and self.user in fake.members(
                    str(args.get("channel", ""))):
                seen.append((n, message_seen(args)))
            elif (call.method == "files.completeUploadExternal" and args.get("initial_comment")
                  and self.user in fake.members(str(args.get("channel_id", "")))):
                # A file with words (an export, an invitation); a chart image belongs to the
                # message it illustrates.
                seen.append((n, Seen(html.unescape(str(args.get("initial_comment") or "")))))
        ordered = sorted([(n, 0, s) for n, s in seen] + [(n, 1, s) for n, s in self._acks],
                         key=lambda item: item[:2])
        return [s for _, _, s in ordered]


def _text(obj: Any) -> str:
    return html.unescape(str(obj.get("text", ""))) if isinstance(obj, dict) else ""


def messages_seen(payload: Payload) -> list[Seen]:
    """A reply of several messages comes as one (in the ack, or one response_url post), its
    messages divided by a line: a person reads each part as its own message. No single
    message has a divider of its own."""
    blocks = payload.get("blocks") or []
    if not any(block.get("type") == "divider" for block in blocks):
        return [message_seen(payload)]
    parts: list[list[Payload]] = [[]]
    for block in blocks:
        if block.get("type") == "divider":
            parts.append([])
        else:
            parts[-1].append(block)
    return [message_seen({"blocks": part}) for part in parts if part]


def message_seen(payload: Payload) -> Seen:
    """A posted message or a response_url reply, read the way a person reads Block Kit."""
    title, lines, facts, buttons = None, [], {}, []
    for block in payload.get("blocks") or []:
        kind = block.get("type")
        if kind == "header":
            title = _text(block["text"])
            lines.append(title)
        elif kind == "section":
            if block.get("text"):
                lines.append(_text(block["text"]))
            for fact in block.get("fields") or []:
                label, _, value = _text(fact).partition("\n")
                facts[label.strip("*")] = value
                lines.append(f"{label.strip('*')}: {value}")
        elif kind == "actions":
            buttons += [SeenButton(_text(e["text"]), neutral_action_id(e["action_id"]),
                                   e.get("value") or "", handle=e["action_id"])
                        for e in block["elements"] if e.get("type") == "button"]
    if not payload.get("blocks"):
        lines.append(html.unescape(str(payload.get("text", ""))))
    return Seen("\n".join(lines), title, facts, tuple(buttons))


def _initial(element: Payload) -> Answer | None:
    if element.get("initial_value"):
        return str(element["initial_value"])
    if element.get("initial_option"):
        return str(element["initial_option"]["value"])
    if element.get("initial_options"):
        return tuple(str(o["value"]) for o in element["initial_options"])
    if element.get("initial_users"):
        return tuple(str(u) for u in element["initial_users"])
    return None


def view_seen(view: Payload) -> Seen:
    inputs = [b for b in view.get("blocks", []) if b.get("type") == "input"]
    values = {b["block_id"]: v for b in inputs if (v := _initial(b["element"])) is not None}
    title = _text(view.get("title"))
    form = SeenForm(str(view.get("callback_id", "")), title,
                    tuple(b["block_id"] for b in inputs), values, handle=view)
    return Seen(title, title, form=form)


def _answer(view: Payload, name: str, value: Answer) -> Answer:
    """Checkboxes and multi-selects answer with a list, whatever the scenario wrote."""
    element = next(b["element"] for b in view["blocks"] if b.get("block_id") == name)
    if element["type"] in MULTI and isinstance(value, str):
        return (value,) if value else ()
    return value


class SlackChatWorld(ChatWorld):
    platform = "slack"

    def __init__(self, ws: SlackWorkspace, clock: FrozenClock) -> None:
        super().__init__(ws.running.service, clock)
        self.ws = ws

    def _driver(self, name: str, timezone: str) -> SlackDriver:
        user_id = f"U{name.upper()}"
        self.ws.fake.names[user_id] = name.title()
        self.ws.fake.timezones[user_id] = timezone
        return SlackDriver(self, name, user_id)

    async def settle(self) -> None:
        await self.ws.settle()  # listeners run on after their ack; then delivery


@asynccontextmanager
async def slack_chat(database_url: str, program: Program,
                     clock: FrozenClock) -> AsyncIterator[SlackChatWorld]:
    # With file uploads: an export or a meeting invitation arrives as a file in the DM.
    async with slack_workspace(database_url, program, clock, FakeSlackWithFiles()) as ws:
        yield SlackChatWorld(ws, clock)

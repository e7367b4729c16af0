"""The contract over the web chat: the page's JSON API over real HTTP; what people see is the
answer to each request plus their inbox, polled as the page polls it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from config.program import Program
from core.clock import FrozenClock
from core.events import Address
from tests.support.drivers.base import ChatWorld, Driver
from tests.support.drivers.records import Answer, Seen, SeenButton, SeenForm
from tests.support.web_chat import WebChat, WebPerson, web_chat


class WebDriver(Driver):
    def __init__(self, world: WebChatWorld, name: str, person: WebPerson) -> None:
        super().__init__(world, name, Address("web", person.user))
        self.person = person
        self._seen: list[Seen] = []
        self._last_id = 0

    async def _say(self, text: str) -> None:
        self._answered(await self.person.say(text))

    async def _press(self, button: SeenButton) -> None:
        self._answered(await self.person.press(button.action_id, button.value))

    async def _submit(self, form: SeenForm, values: dict[str, Answer]) -> None:
        typed = {**form.values, **values}  # the page sends every field, as filled in
        answers = {name: list(v) if isinstance(v, tuple) else v for name, v in typed.items()}
        body = await self.person.submit(answers, form_id=form.form_id, context=form.handle)
        self._answered(body, submitted=dataclasses.replace(form, values=typed))

    def _answered(self, body: dict[str, Any], submitted: SeenForm | None = None) -> None:
        self._seen += [message_seen(m) for m in body["messages"]]
        errors = dict(body["errors"])
        if body["form"] is not None:
            self._seen.append(form_seen(body["form"], errors))
        elif errors and submitted is not None:  # the page keeps the form open, marked
            again = dataclasses.replace(submitted, errors=errors)
            self._seen.append(Seen(submitted.title, submitted.title, form=again))

    async def inbox(self) -> list[Seen]:
        for item in await self.person.inbox(after=self._last_id):
            self._seen.append(message_seen(item["message"]))
            self._last_id = item["id"]
        return list(self._seen)


def message_seen(message: dict[str, Any]) -> Seen:
    facts = {f["label"]: f["value"] for f in message.get("facts") or []}
    lines = [message["title"]] if message.get("title") else []
    lines += [message.get("text") or "", *(f"{k}: {v}" for k, v in facts.items())]
    buttons = tuple(SeenButton(b["label"], b["action_id"], b.get("value") or "")
                    for b in message.get("buttons") or [])
    return Seen("\n".join(line for line in lines if line), message.get("title"), facts, buttons)


def form_seen(form: dict[str, Any], errors: dict[str, str]) -> Seen:
    values = {name: tuple(v) if isinstance(v, list) else v
              for name, v in (form.get("values") or {}).items()}
    seen = SeenForm(form["form_id"], form["title"], tuple(f["name"] for f in form["fields"]),
                    values, errors, handle=form.get("context") or "")
    return Seen(form["title"], form["title"], form=seen)


class WebChatWorld(ChatWorld):
    platform = "web"

    def __init__(self, chat: WebChat, clock: FrozenClock) -> None:
        super().__init__(chat.running.service, clock)
        self.chat = chat

    def _driver(self, name: str, timezone: str) -> WebDriver:
        return WebDriver(self, name, self.chat.person(name, timezone, name.title()))


@asynccontextmanager
async def web_chat_world(database_url: str, program: Program,
                         clock: FrozenClock) -> AsyncIterator[WebChatWorld]:
    async with web_chat(database_url, program, clock) as chat:
        yield WebChatWorld(chat, clock)

"""The contract over Teams: Bot Framework activities into the running service (explicit
emulator mode), what people see read back from the cards the fake connector received."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from config.program import Program
from core.clock import FrozenClock
from core.events import Address
from tests.support.drivers.base import ChatWorld, Driver
from tests.support.drivers.records import Answer, Seen, SeenButton, SeenForm
from tests.support.fake_teams import (
    ConnectorCall,
    TeamsUser,
    TeamsWorld,
    actions_of,
    submit_value,
    teams_world,
)

Card = dict[str, Any]


class TeamsDriver(Driver):
    world: TeamsChatWorld

    def __init__(self, world: TeamsChatWorld, name: str, user: TeamsUser) -> None:
        super().__init__(world, name, Address("teams", user.user_id, user.tenant_id))
        self.user = user

    async def _post(self, **activity: Any) -> None:
        status, body = await self.user.post(self.user.activity(**activity))
        assert status in (200, 201), (status, body)

    async def _say(self, text: str) -> None:
        await self._post(text=text)

    async def _press(self, button: SeenButton) -> None:
        activity_id, data = button.handle
        await self._post(value=data, replyToId=activity_id)

    async def _submit(self, form: SeenForm, values: dict[str, Answer]) -> None:
        activity_id, card = form.handle
        typed = {name: ",".join(v) if isinstance(v, tuple) else v for name, v in values.items()}
        await self._post(value=submit_value(card, typed), replyToId=activity_id)

    async def inbox(self) -> list[Seen]:
        conversation = self.user.conversation_id
        return [call_seen(c) for c in self.world.teams.connector.messages
                if c.conversation_id == conversation]


def _is_title(element: Card) -> bool:
    return element.get("type") == "TextBlock" and element.get("size") == "Large" \
        and element.get("weight") == "Bolder"


def _input_value(element: Card) -> Answer | None:
    value = element.get("value")
    if not isinstance(value, str) or not value:
        return None
    if element.get("isMultiSelect"):
        return tuple(part for part in value.split(",") if part)
    return value


def _form(card: Card, activity_id: str | None, form_id: str) -> SeenForm:
    body = card.get("body", [])
    fields, values, errors = [], {}, {}
    for n, element in enumerate(body):
        if not str(element.get("type", "")).startswith("Input."):
            continue
        fields.append(element["id"])
        if (value := _input_value(element)) is not None:
            values[element["id"]] = value
        after = body[n + 1] if n + 1 < len(body) else {}
        if after.get("type") == "TextBlock" and after.get("color") == "Attention":
            errors[element["id"]] = after["text"]
    title = body[0]["text"] if body and _is_title(body[0]) else ""
    return SeenForm(form_id, title, tuple(fields), values, errors, handle=(activity_id, card))


def card_seen(card: Card, activity_id: str | None) -> Seen:
    body = card.get("body", [])
    title = body[0]["text"] if body and _is_title(body[0]) else None
    lines, facts = [], {}
    for element in body:
        if element.get("type") == "TextBlock":
            lines.append(element["text"])
        elif element.get("type") == "FactSet":
            for fact in element["facts"]:
                facts[fact["title"]] = fact["value"]
                lines.append(f"{fact['title']}: {fact['value']}")
    submits = [a for a in actions_of(card) if a.get("type") == "Action.Submit"]
    form_id = next((a["data"]["form_id"] for a in submits if "form_id" in a.get("data", {})), None)
    if form_id is not None:
        return Seen("\n".join(lines), title, facts, form=_form(card, activity_id, form_id))
    buttons = tuple(SeenButton(a["title"], a["data"]["action_id"], a["data"].get("value", ""),
                               handle=(activity_id, a["data"]))
                    for a in submits if "action_id" in a.get("data", {}))
    return Seen("\n".join(lines), title, facts, buttons)


def call_seen(call: ConnectorCall) -> Seen:
    if not call.cards:
        return Seen(str(call.body.get("text") or ""))
    return card_seen(call.card, call.sent_id)


class TeamsChatWorld(ChatWorld):
    platform = "teams"

    def __init__(self, teams: TeamsWorld, clock: FrozenClock) -> None:
        super().__init__(teams.running.service, clock)
        self.teams = teams

    def _driver(self, name: str, timezone: str) -> TeamsDriver:
        user = self.teams.user(user_id=f"29:1{name}", name=name.title(),
                               aad_object_id=f"aad-{name}", timezone=timezone)
        return TeamsDriver(self, name, user)


@asynccontextmanager
async def teams_chat(database_url: str, program: Program,
                     clock: FrozenClock) -> AsyncIterator[TeamsChatWorld]:
    async with teams_world(database_url, program, clock) as teams:  # the explicit emulator mode
        yield TeamsChatWorld(teams, clock)

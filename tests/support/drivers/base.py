"""The cross-platform test contract: a person chatting with the bot, and the world around them.

`ChatDriver` is what a scenario may do as a person: type words, press a button it was shown,
submit the form in front of it, and read its inbox. `ChatWorld` runs the real service for one
platform, hands out people and moves time. Each platform implements both by speaking its own
protocol to the running service (tests/support/drivers/slack.py, teams.py, web.py).
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Mapping
from datetime import datetime
from typing import Protocol

from sqlmodel import col, select

from bot.app import Service
from core.clock import FrozenClock
from core.events import Address
from storage.models import Person
from tests.support.drivers.records import Answer, Seen, SeenButton, SeenForm

ADMIN = "ada"  # an admin on every platform (see drivers.for_scenarios)


class ChatDriver(Protocol):
    name: str
    address: Address

    async def say(self, text: str) -> list[Seen]:
        """Type a command; returns what reached this person because of it."""
        ...

    async def press(self, button: str | SeenButton) -> list[Seen]:
        """Press the newest button with this label or action id that this person was shown,
        or exactly this button (one that came to someone else, to forge a press)."""
        ...

    async def submit(self, values: Mapping[str, Answer] | None = None,
                     form: SeenForm | None = None) -> list[Seen]:
        """Fill in the newest form shown (pre-filled answers stay unless given) and submit it,
        or exactly `form` (one that came to someone else, to forge a submission)."""
        ...

    async def inbox(self) -> list[Seen]:
        """Everything that reached this person so far, oldest first."""
        ...


class Driver(abc.ABC):
    """What every platform's driver shares: finding buttons and forms, diffing the inbox."""

    def __init__(self, world: ChatWorld, name: str, address: Address) -> None:
        self.world = world
        self.name = name
        self.address = address

    async def say(self, text: str) -> list[Seen]:
        return await self._since(self._say(text))

    async def press(self, button: str | SeenButton) -> list[Seen]:
        found = button if isinstance(button, SeenButton) else self._button(await self.inbox(),
                                                                          button)
        return await self._since(self._press(found))

    async def submit(self, values: Mapping[str, Answer] | None = None,
                     form: SeenForm | None = None) -> list[Seen]:
        """The newest form shown, or exactly `form` (one shown to someone else, to forge)."""
        if form is None:
            seen = await self.inbox()
            form = next((s.form for s in reversed(seen) if s.form is not None), None)
            assert form is not None, f"{self.name} has no form to submit; saw {_titles(seen)}"
        return await self._since(self._submit(form, dict(values or {})))

    @abc.abstractmethod
    async def inbox(self) -> list[Seen]: ...

    @abc.abstractmethod
    async def _say(self, text: str) -> None: ...

    @abc.abstractmethod
    async def _press(self, button: SeenButton) -> None: ...

    @abc.abstractmethod
    async def _submit(self, form: SeenForm, values: dict[str, Answer]) -> None: ...

    async def _since(self, doing: Awaitable[None]) -> list[Seen]:
        before = len(await self.inbox())
        await doing
        await self.world.settle()
        return (await self.inbox())[before:]

    def _button(self, seen: list[Seen], wanted: str) -> SeenButton:
        for item in reversed(seen):
            button = item.button(wanted)
            if button is not None:
                return button
        raise AssertionError(f"{self.name} was never offered {wanted!r}; saw {_titles(seen)}")


def _titles(seen: list[Seen]) -> list[str]:
    return [s.title or s.text[:40] for s in seen]


class ChatWorld(abc.ABC):
    """The real service for one platform, with people on it and a clock the test moves."""

    platform: str

    def __init__(self, service: Service, clock: FrozenClock) -> None:
        self.service = service
        self.clock = clock
        self._people: dict[str, Driver] = {}

    def person(self, name: str, timezone: str = "Europe/Berlin") -> Driver:
        """`name` is lowercase ("jo"); the platform shows it capitalised ("Jo")."""
        if name not in self._people:
            self._people[name] = self._driver(name, timezone)
        return self._people[name]

    @abc.abstractmethod
    def _driver(self, name: str, timezone: str) -> Driver: ...

    async def settle(self) -> None:
        """Let work started by a request finish, then deliver everything due."""
        await self.service.settle()

    async def tick(self, at: datetime) -> dict[str, int]:
        """Move the clock to `at`, run every job once, deliver what they queued."""
        self.clock.advance(at - self.clock.now())
        counts = await self.service.tick()
        await self.settle()
        return counts

    async def row(self, person: ChatDriver) -> Person | None:
        """The person as stored, found by their platform address."""
        a = person.address
        async with self.service.database.session() as session:
            return (await session.exec(select(Person).where(
                col(Person.platform) == a.platform, col(Person.tenant_id) == a.tenant_id,
                col(Person.user_id) == a.user_id))).first()

"""Driving flows through the real inbound pipeline, as an adapter would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.app import personal_data_erasers, platform_capabilities
from config.program import Program
from config.prompt_catalog import load_default_catalog
from core.clock import FrozenClock
from core.events import Action, Address, Command, FormSubmission, Profile
from core.messages import Response
from runtime.delivery.dispatcher import Dispatcher
from runtime.inbound import Inbound
from runtime.jobs import JobRunner, build_registry
from runtime.outgoing import OutboxWriter
from runtime.tasks import Tasks
from storage.database import Database
from tests.support.messengers import RecordingMessenger

_ids = itertools.count(1)

GOOD_ANSWERS: dict[str, str | tuple[str, ...]] = {
    "role": "mentor",
    "department": "sales",
    "team": "inside-sales",
    "seniority": "entry",
    "timezone": "Europe/Berlin",
    "teach": ("ai-digital-tools", "social-media"),
    "learn": (),
    "goals": "Help a leader get confident with AI tools",
    "cadence": "weekly",
    "meeting_mode": "video",
}


@dataclass
class Chat:
    """One person talking to the bot."""

    inbound: Inbound
    address: Address
    profile: Profile = field(default_factory=Profile)

    async def say(self, text: str) -> Response:
        return await self.inbound.handle(
            Command(self.address, text, f"t{next(_ids)}", self.profile)
        )

    async def press(self, action_id: str, value: str = "") -> Response:
        return await self.inbound.handle(
            Action(self.address, action_id, value, f"t{next(_ids)}", self.profile)
        )

    async def confirm(self, text: str) -> Response:
        """Type a command that asks first, and press the button that goes ahead (its first)."""
        asked = await self.say(text)
        button = next((b for m in asked.messages for b in m.buttons), None)
        assert button is not None, f"{text!r} asked nothing: {asked.messages}"
        return await self.press(button.action_id, button.value)

    async def submit(
        self,
        values: dict[str, str | tuple[str, ...]],
        form_id: str = "signup",
        event_id: str | None = None,
        context: str = "",
    ) -> Response:
        return await self.inbound.handle(
            FormSubmission(
                self.address, form_id, values, event_id or f"t{next(_ids)}", self.profile, context
            )
        )

    async def join(self, **answers: str | tuple[str, ...]) -> Response:
        await self.say("join")
        return await self.submit({**GOOD_ANSWERS, **answers})


@dataclass
class World:
    database: Database
    program: Program
    clock: FrozenClock
    messenger: RecordingMessenger = field(default_factory=RecordingMessenger)

    def __post_init__(self) -> None:
        self.catalog = load_default_catalog([t.id for t in self.program.survey.topics])
        self.outbox = OutboxWriter(platform_capabilities())
        self.registry = build_registry()
        self.tasks = Tasks(self.database, self.program, self.clock, self.catalog, self.outbox,
                           self.registry.tasks(), erasers=personal_data_erasers())
        self.inbound = Inbound(self.database, self.program, self.clock, self.catalog, self.outbox,
                               self.registry, erasers=personal_data_erasers(),
                               start=self.tasks.start)
        self.dispatcher = Dispatcher(self.database, {"web": self.messenger}, self.clock)
        self.jobs = JobRunner(self.database, self.program, self.clock, self.catalog, self.outbox,
                              self.registry.jobs())

    def person(self, user_id: str, **profile: str) -> Chat:
        return Chat(self.inbound, Address("web", user_id), Profile(**profile))

    async def deliver(self) -> int:
        return await self.dispatcher.deliver_due()

    async def settle(self) -> int:
        """Let background work (a matching round) finish, then deliver what is due. The worker
        process stops too (the next round starts another), so tests leave none behind."""
        await self.tasks.idle()
        await self.tasks.close()
        return await self.deliver()

    async def match(self, admin: str = "ada") -> Response:
        """`admin match`, then the preview once the round is computed (as the admin sees it,
        at most a moment later). The response holds the preview, or what the admin was told
        instead (nobody to match, a round already running)."""
        said = await self.person(admin).say("admin match")
        before = len(self.messenger.sent)
        await self.settle()
        arrived = [s.message for s in self.messenger.sent[before:] if admin in s.user_ids]
        return Response(messages=tuple(arrived) or said.messages)

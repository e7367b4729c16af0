"""One chat contract, three platforms: see base.py for ChatDriver and ChatWorld."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from config.admins import Admins
from config.program import Program
from core.clock import FrozenClock
from tests.support.drivers.base import ADMIN, ChatDriver, ChatWorld
from tests.support.drivers.records import Answer, Seen, SeenButton, SeenForm, forms, with_action

PLATFORMS = ("slack", "teams", "web")

__all__ = ["ADMIN", "PLATFORMS", "Answer", "ChatDriver", "ChatWorld", "Seen", "SeenButton",
           "SeenForm", "chat_world", "for_scenarios", "forms", "with_action"]


def for_scenarios(program: Program) -> Program:
    """Ada runs the program on every platform: by Slack user id, Teams directory id, web id.
    Messages to one conversation go out without the second's spacing the platforms want:
    pacing has its own tests, and here it would only make scenarios wait."""
    admins = Admins(slack=(f"U{ADMIN.upper()}",), teams=(f"aad-{ADMIN}",), web=(ADMIN,))
    delivery = program.delivery.model_copy(update={"per_conversation_seconds": 0.0})
    return program.model_copy(update={"admins": admins, "delivery": delivery})


@asynccontextmanager
async def chat_world(platform: str, database_url: str, program: Program,
                     clock: FrozenClock) -> AsyncIterator[ChatWorld]:
    """The real service for `platform`, against its fake (Slack, Teams) or its own page (web)."""
    if platform == "slack":
        from tests.support.drivers.slack import slack_chat as running
    elif platform == "teams":
        from tests.support.drivers.teams import teams_chat as running
    elif platform == "web":
        from tests.support.drivers.web import web_chat_world as running
    else:
        raise ValueError(f"no chat driver for {platform!r}")
    async with running(database_url, program, clock) as world:
        yield world

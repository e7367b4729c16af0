"""Every scenario runs on Slack, Teams and the web chat, each on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from config.program import Program
from core.clock import FrozenClock
from tests.support.drivers import PLATFORMS, ChatWorld, chat_world, for_scenarios


@pytest.fixture(params=PLATFORMS)
async def chat(request: pytest.FixtureRequest, database_url: str, program: Program,
               clock: FrozenClock) -> AsyncIterator[ChatWorld]:
    """The real service on one platform, with Ada as its admin."""
    async with chat_world(request.param, database_url, for_scenarios(program), clock) as world:
        yield world

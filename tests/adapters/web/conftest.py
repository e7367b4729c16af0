"""The web chat's own tests talk to the real service through its page's JSON API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from config.program import Program
from core.clock import FrozenClock
from tests.support.web_chat import WebChat, web_chat


@pytest.fixture
async def web(database_url: str, program: Program, clock: FrozenClock) -> AsyncIterator[WebChat]:
    async with web_chat(database_url, program, clock) as chat:
        yield chat

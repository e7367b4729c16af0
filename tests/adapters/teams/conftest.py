"""A Teams world where Ada is an admin by her directory id; test files may define their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from config.admins import Admins
from config.program import Program
from core.clock import FrozenClock
from tests.support.fake_teams import TeamsWorld, teams_world


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    with_admin = program.model_copy(update={"admins": Admins(teams=("aad-ada",))})
    async with teams_world(database_url, with_admin, clock) as world:
        yield world

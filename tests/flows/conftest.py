from __future__ import annotations

import pytest

from flows.clock import FrozenClock
from flows.program import Program
from storage.database import Database
from tests.flows.support import World


@pytest.fixture
def world(database: Database, program: Program, clock: FrozenClock) -> World:
    return World(database, program, clock)

"""Shared fixtures: every storage-touching test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_program
from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from tests.support import databases
from tests.support.world import World

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    if not databases.postgres_available():
        yield None
        return
    with databases.private_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty database: a copied SQLite file, or the private PostgreSQL truncated."""
    if request.param == "sqlite":
        return databases.fresh_sqlite(sqlite_template, tmp_path)
    url = request.getfixturevalue("postgres_url")
    if url is None:
        databases.skip_or_fail(f"PostgreSQL is not reachable at {databases.POSTGRES_URL}")
    databases.truncate_postgres(url)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def program() -> Program:
    return load_program(ROOT / "app.yaml")


@pytest.fixture
def clock() -> FrozenClock:
    # A Monday morning in late 2026, so week and weekday arithmetic is easy to read.
    return FrozenClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))


@pytest.fixture
def world(database: Database, program: Program, clock: FrozenClock) -> World:
    """The program driven through its real inbound pipeline, jobs and delivery."""
    return World(database, program, clock)

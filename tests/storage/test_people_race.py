"""A person's first two events can reach two replicas at once: both must find one person, not
fail the second on the unique identity (it answered "Sorry, something went wrong")."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import text

from storage import people
from storage.database import Database
from tests.support import databases

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def _someone_waits_on_a_lock(database: Database) -> None:
    async with database.engine.connect() as connection:
        for _ in range(200):
            waiting = (await connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))).scalar()
            if waiting:
                return
            await asyncio.sleep(0.05)
    raise AssertionError("the second replica never waited on the first one's new person")


async def test_a_persons_first_two_events_on_two_replicas_make_one_person(
        postgres_url: str | None) -> None:
    if postgres_url is None:
        databases.skip_or_fail(f"PostgreSQL is not reachable at {databases.POSTGRES_URL}")
    databases.truncate_postgres(postgres_url)
    database = Database(postgres_url)

    async def second_replica() -> int | None:
        async with database.session() as session:
            return (await people.get_or_create_person(session, "web", "", "lee", NOW)).id

    try:
        async with database.session() as first:
            created = await people.get_or_create_person(first, "web", "", "lee", NOW)
            racing = asyncio.create_task(second_replica())
            await _someone_waits_on_a_lock(database)  # on the row this one has not committed
            first_id = created.id
        assert await racing == first_id
    finally:
        await database.dispose()

"""A process can name its PostgreSQL connections, so that an operator (or bench/match_acks.py)
can tell in pg_stat_activity which server backend works for the matching worker; SQLite has no
server and takes the name without complaint."""

from __future__ import annotations

from sqlalchemy import text

from runtime.worker_units import WORKER_NAME
from storage.database import Database


async def test_the_worker_s_connections_carry_its_name(database_url: str) -> None:
    database = Database(database_url, application_name=WORKER_NAME)
    try:
        async with database.session() as session:
            if database.is_postgres:
                named = (await session.exec(  # type: ignore[call-overload]
                    text("SELECT current_setting('application_name')"))).scalar_one()
                assert named == WORKER_NAME
            else:
                assert (await session.exec(text("SELECT 1"))).scalar_one() == 1  # type: ignore[call-overload]
    finally:
        await database.dispose()

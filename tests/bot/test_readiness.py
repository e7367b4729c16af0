"""/healthz says the process lives; /readyz says it can save what people send it right now."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from config.program import Program
from core.clock import FrozenClock
from tests.support import databases
from tests.support.database_cuts import outage, through
from tests.support.service import make_settings, serve


async def probe(http: aiohttp.ClientSession, path: str) -> tuple[int, dict[str, object]]:
    async with http.get(path) as reply:
        return reply.status, await reply.json()


async def test_a_service_with_its_database_migrated_is_ready(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    settings = make_settings(database_url, program, web_chat=True)
    async with serve(settings, clock) as running, aiohttp.ClientSession(running.url) as http:
        assert await probe(http, "/readyz") == (200, {"status": "ready"})


async def test_a_database_behind_on_migrations_is_not_ready(
    tmp_path: Path, program: Program, clock: FrozenClock
) -> None:
    url = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    async with serve(make_settings(url, program), clock) as running, \
            aiohttp.ClientSession(running.url) as http:
        status, body = await probe(http, "/readyz")
        assert status == 503 and "migrations" in str(body["problem"])
        assert (await probe(http, "/healthz"))[0] == 200


async def test_while_postgres_is_unreachable_readyz_fails_and_healthz_still_answers(
    program: Program, clock: FrozenClock, postgres_url: str | None
) -> None:
    if postgres_url is None:
        databases.skip_or_fail(f"PostgreSQL is not reachable at {databases.POSTGRES_URL}")
    assert postgres_url is not None
    async with outage(postgres_url) as hop:
        settings = make_settings(through(postgres_url, hop.port), program, web_chat=True)
        async with serve(settings, clock) as running, aiohttp.ClientSession(running.url) as http:
            assert (await probe(http, "/readyz"))[0] == 200
            await hop.cut()

            status, body = await probe(http, "/readyz")
            assert (status, body["problem"]) == (503, "database unreachable")
            assert await probe(http, "/healthz") == (200, {"status": "ok", "platforms": ["web"]})

            await hop.restore()
            assert (await probe(http, "/readyz"))[0] == 200

"""GET /exports/{token}: once, for 24 hours, with a page for a person whenever it can't."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
import pytest

from bot.config import load_settings
from config.program import ConfigError, Program
from core.clock import FrozenClock
from storage import exports
from tests.support.service import Running, make_settings, serve

TOKEN = "t" * 32


@dataclass
class Links:
    running: Running
    http: aiohttp.ClientSession
    clock: FrozenClock

    async def make(self, token: str = TOKEN, content: bytes = b"PK zip bytes",
                   filename: str = "turnabout-export-2026-11-23.zip") -> str:
        async with self.running.service.database.session() as session:
            await exports.create_link(session, token=token, person_id=None,
                                      filename=filename,
                                      content=content, now=self.clock.now())
        return f"/exports/{token}"

    async def get(self, path: str, method: str = "GET") -> tuple[int, str, bytes]:
        async with self.http.request(method, path) as reply:
            return reply.status, reply.content_type, await reply.read()


@pytest.fixture
async def links(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[Links]:
    """The service with no chat platform at all: links are served regardless."""
    async with (serve(make_settings(database_url, program), clock) as running,
                aiohttp.ClientSession(running.url) as http):
        yield Links(running, http, clock)


async def test_a_link_downloads_once_then_says_it_was_used(links: Links) -> None:
    path = await links.make()

    assert await links.get(path) == (200, "application/zip", b"PK zip bytes")
    status, kind, page = await links.get(path)

    assert (status, kind) == (410, "text/html")
    assert b"already used" in page and b"Traceback" not in page


async def test_a_meeting_invitation_downloads_as_a_calendar_file(links: Links) -> None:
    path = await links.make(content=b"BEGIN:VCALENDAR", filename="meeting-2026-11-24.ics")
    assert await links.get(path) == (200, "text/calendar", b"BEGIN:VCALENDAR")


async def test_two_downloads_at_once_give_the_file_to_exactly_one(links: Links) -> None:
    path = await links.make()

    answers = await asyncio.gather(*(links.get(path) for _ in range(4)))

    assert sorted(status for status, _, _ in answers) == [200, 410, 410, 410]


async def test_an_expired_link_gives_410(links: Links) -> None:
    path = await links.make()
    links.clock.advance(timedelta(hours=24))

    status, _, page = await links.get(path)

    assert status == 410 and b"expired" in page


async def test_an_unknown_or_malformed_token_gives_404(links: Links) -> None:
    for path in (f"/exports/{'x' * 32}", "/exports/short", "/exports/%00%2e%2e"):
        status, kind, _ = await links.get(path)
        assert (status, kind) == (404, "text/html")


async def test_a_head_request_does_not_use_up_the_link(links: Links) -> None:
    path = await links.make()

    assert (await links.get(path, "HEAD"))[0] == 405
    assert (await links.get(path))[0] == 200


async def test_purging_removes_expired_links_only(links: Links) -> None:
    await links.make("old" * 11)
    links.clock.advance(timedelta(hours=23))
    fresh = await links.make("new" * 11)
    links.clock.advance(timedelta(hours=1))

    async with links.running.service.database.session() as session:
        assert await exports.purge_expired(session, links.clock.now()) == 1

    assert (await links.get(fresh))[0] == 200


def test_public_url_must_be_an_http_address() -> None:
    assert load_settings({}).base_url == "http://127.0.0.1:3978"
    assert load_settings({"PUBLIC_URL": "https://t.example.com/"}).base_url == (
        "https://t.example.com")
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_settings({"PUBLIC_URL": "javascript:alert(1)"})

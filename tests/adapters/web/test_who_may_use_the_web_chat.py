"""The web chat lets anyone act as anyone, admins included, so who may reach it is the whole of
its security: this machine by its loopback name only, or whoever holds WEB_CHAT_TOKEN."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.models import ExportLink, OutboxMessage, ProcessedEvent, WebChatMessage
from tests.support.service import Running, make_settings, serve
from tests.support.web_chat import inbox_once_filled

TOKEN = "s3cret-web-chat-token-for-tests"
EXPORT = {"user": "ada", "command": "admin export"}


def port_of(running: Running) -> int:
    port = urlsplit(running.url).port
    assert port is not None
    return port


async def rows(running: Running, table: Any) -> int:
    async with running.service.database.session() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


async def nothing_happened(running: Running) -> None:
    for table in (ProcessedEvent, OutboxMessage, WebChatMessage, ExportLink):
        assert await rows(running, table) == 0, table.__name__


async def export_link(http: aiohttp.ClientSession, headers: dict[str, str] | None = None) -> str:
    """Ada asks for an export; the download path from her inbox."""
    async with http.post("/web/api/events", json=EXPORT, headers=headers) as reply:
        assert reply.status == 200
    (item,) = await inbox_once_filled(http, "ada", headers)
    return str(item["message"]["attachment"]["download_url"])


@pytest.fixture
async def local(
    database_url: str, program: Program, clock: FrozenClock
) -> AsyncIterator[tuple[Running, aiohttp.ClientSession]]:
    async with (serve(make_settings(database_url, program, web_chat=True), clock) as running,
                aiohttp.ClientSession(running.url) as http):
        yield running, http


@pytest.fixture
async def networked(
    database_url: str, program: Program, clock: FrozenClock
) -> AsyncIterator[tuple[Running, aiohttp.ClientSession]]:
    settings = make_settings(database_url, program, web_chat=True, host="0.0.0.0",
                             web_chat_token=TOKEN)
    async with serve(settings, clock) as running, aiohttp.ClientSession(running.url) as http:
        yield running, http


# --- the local demo ------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "localhost:{other}", "127.0.0.2:{port}", "::1:{port}", ""])
async def test_a_page_reaching_the_local_demo_under_another_name_is_refused_and_changes_nothing(
    local: tuple[Running, aiohttp.ClientSession], host: str
) -> None:
    # DNS rebinding: evil.example now resolves to 127.0.0.1, so the attacker's page talks to
    # our socket, but its requests say Host: evil.example.
    running, http = local
    port = port_of(running)
    headers = {"Host": host.format(port=port, other=port + 1)}

    async with http.post("/web/api/events", json=EXPORT, headers=headers) as reply:
        assert reply.status == 403
        assert "127.0.0.1" in (await reply.json())["error"]
    for path in ("/web/api/inbox?user=ada&after=0", "/web/api/people", "/", "/web/static/app.js"):
        async with http.get(path, headers=headers) as reply:
            assert reply.status == 403, path
    await nothing_happened(running)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}",
                                  "LocalHost:{port}"])
async def test_the_local_demo_answers_its_loopback_names(
    local: tuple[Running, aiohttp.ClientSession], host: str
) -> None:
    _, http = local
    headers = {"Host": host.format(port=port_of(local[0]))}
    async with http.post("/web/api/events", json={"user": "jo", "command": "help"},
                         headers=headers) as reply:
        assert reply.status == 200 and (await reply.json())["messages"]
    async with http.get("/", headers=headers) as page:
        assert page.status == 200 and page.content_type == "text/html"


async def test_an_export_link_from_the_local_demo_is_refused_under_another_name(
    local: tuple[Running, aiohttp.ClientSession]
) -> None:
    running, http = local
    link = await export_link(http)

    async with http.get(link, headers={"Host": f"evil.example:{port_of(running)}"}) as refused:
        assert refused.status == 403 and refused.content_type == "text/html"
    async with http.get(link) as first:  # the refusal did not use the link up
        assert first.status == 200 and first.content_type == "application/zip"


# --- on a network address ------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-of-some-length",
                                           f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "])
async def test_on_a_network_address_a_call_without_the_token_gets_401_and_changes_nothing(
    networked: tuple[Running, aiohttp.ClientSession], authorization: str | None
) -> None:
    running, http = networked
    headers = {"Authorization": authorization} if authorization else {}

    async with http.post("/web/api/events", json=EXPORT, headers=headers) as reply:
        assert reply.status == 401
        assert "WEB_CHAT_TOKEN" in (await reply.json())["error"]
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")  # no browser login box
    for path in ("/web/api/inbox?user=ada&after=0", "/web/api/people"):
        async with http.get(path, headers=headers) as reply:
            assert reply.status == 401, path
    await nothing_happened(running)


async def test_on_a_network_address_the_token_opens_the_chat_from_any_host_name(
    networked: tuple[Running, aiohttp.ClientSession]
) -> None:
    _, http = networked
    auth = {"Authorization": f"Bearer {TOKEN}", "Host": "turnabout.corp.example"}

    async with http.get("/") as page:  # the page holds no secret: it asks for the token
        assert page.status == 200
    async with http.get("/web/api/people", headers=auth) as people:
        assert people.status == 200
        assert "ada" in [p["id"] for p in (await people.json())["people"]]
    async with http.post("/web/api/events", json={"user": "jo", "command": "join"},
                         headers=auth) as reply:
        assert reply.status == 200 and (await reply.json())["form"]["form_id"] == "signup"


async def test_on_a_network_address_an_export_link_needs_the_token_too(
    networked: tuple[Running, aiohttp.ClientSession]
) -> None:
    _, http = networked
    auth = {"Authorization": f"Bearer {TOKEN}"}
    link = await export_link(http, auth)

    async with http.get(link) as refused:
        assert refused.status == 401
        assert "WEB_CHAT_TOKEN" in await refused.text()
    async with http.get(link, headers={"Authorization": "Bearer not-the-token-at-all"}) as wrong:
        assert wrong.status == 401
    async with http.get(link, headers=auth) as first:  # still unused after the refusals
        assert first.status == 200 and first.content_type == "application/zip"
    async with http.get(link, headers=auth) as second:
        assert second.status == 410


async def test_on_a_network_address_without_a_token_the_web_chat_stays_off(
    database_url: str, program: Program, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    local = make_settings(database_url, program, web_chat=True)
    async with serve(local, clock) as running, aiohttp.ClientSession(running.url) as http:
        link = await export_link(http)  # made in a local demo, then the service moves

    settings = make_settings(database_url, program, web_chat=True, host="0.0.0.0")
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        async with serve(settings, clock) as running, aiohttp.ClientSession(running.url) as http:
            async with http.get("/healthz") as health:
                assert "web" not in (await health.json())["platforms"]
            async with http.post("/web/api/events", json={"user": "jo", "command": "join"}) as reply:
                assert reply.status == 404
            async with http.get("/") as page:
                assert page.status == 404
            async with http.get(link) as download:
                assert download.status == 404 and download.content_type == "text/html"
            assert await rows(running, ProcessedEvent) == 1  # only the local demo's export

    [line] = [r for r in caplog.records if "web chat" in r.getMessage()]
    assert "WEB_CHAT_TOKEN" in line.getMessage() and "0.0.0.0" in line.getMessage()

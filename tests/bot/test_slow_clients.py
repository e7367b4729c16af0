"""A client that never finishes its request headers loses the connection, and quickly."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.app import Service
from bot.config import load_settings
from config.program import ConfigError, Program
from core.clock import FrozenClock
from tests.support.service import make_settings, serve

HEADER_TIMEOUT = 1.0


async def closed_after(host: str, port: int, partial: bytes) -> float:
    """Seconds until the server closes a connection that sent only `partial`."""
    reader, writer = await asyncio.open_connection(host, port)
    started = time.monotonic()
    writer.write(partial)
    await writer.drain()
    try:
        async with asyncio.timeout(HEADER_TIMEOUT + 5):
            assert await reader.read() == b""  # no answer: the server just hangs up
    finally:
        writer.close()
    return time.monotonic() - started


async def test_half_open_connections_are_closed_after_the_header_timeout(
    database_url: str, program: Program, clock: FrozenClock,
) -> None:
    settings = make_settings(database_url, program, web_chat=True, header_timeout=HEADER_TIMEOUT)
    async with serve(settings, clock) as running:
        host, port = running.url.removeprefix("http://").split(":")
        partials = [b"GET /healthz HT", b"POST /web/api/events HTTP/1.1\r\nHost: x\r\n"] * 50

        seconds = await asyncio.gather(*(closed_after(host, int(port), p) for p in partials))

        assert max(seconds) < HEADER_TIMEOUT + 2
        # A client that does send its request is still served.
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 200")
        writer.close()


def test_turnabout_run_serves_with_the_header_timeout(
    database_url: str, program: Program,
) -> None:
    service = Service(make_settings(database_url, program, header_timeout=7.0), schedule=False)
    assert service.server_options()["keepalive_timeout"] == 7.0
    assert load_settings({}).header_timeout == 15.0
    assert load_settings({"HEADER_TIMEOUT": "30"}).header_timeout == 30.0
    with pytest.raises(ConfigError, match="HEADER_TIMEOUT"):
        load_settings({"HEADER_TIMEOUT": "forever"})

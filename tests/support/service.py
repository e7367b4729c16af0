"""Runs the real aiohttp service on a loopback port for protocol tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from adapters.slack.settings import SlackSettings
from adapters.teams.settings import TeamsSettings
from bot.app import Service
from bot.config import Settings
from config.program import Program
from core.clock import Clock


def make_settings(
    database_url: str,
    program: Program,
    *,
    slack: SlackSettings | None = None,
    teams: TeamsSettings | None = None,
    web_chat: bool = False,
    header_timeout: float = Settings.header_timeout,
    host: str = "127.0.0.1",
    web_chat_token: str = "",
    demo: bool = False,
) -> Settings:
    """`host` is the address the service believes it listens on (its access rules follow it);
    `serve` still binds to loopback, so a "network" service is reachable from the test only."""
    return Settings(
        program=program,
        config_path=Path("app.yaml"),
        database_url=database_url,
        host=host,
        port=0,
        slack=slack,
        teams=teams,
        web_chat=web_chat,
        header_timeout=header_timeout,
        web_chat_token=web_chat_token,
        demo=demo,
    )


@dataclass
class Running:
    service: Service
    url: str  # base URL, no trailing slash


@asynccontextmanager
async def serve(settings: Settings, clock: Clock) -> AsyncIterator[Running]:
    """Start the service on a free loopback port; stop it (and its loops) afterwards."""
    service = Service(settings, clock, schedule=False)  # tests move time themselves
    runner = service.runner()  # served as `turnabout run` serves it
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield Running(service, f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()

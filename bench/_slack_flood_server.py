"""One server for bench/slack_flood.py, in its own process: the real service (`ours`) or the
anchor (`bare`), a slack-bolt async app that only acks `/mentoring`, served by aiohttp alike.

    .venv/bin/python bench/_slack_flood_server.py --mode ours|bare --url DB --slack-url URL

It prints one JSON line with its port once it listens, then serves until SIGTERM. For `ours`,
`GET /bench/stats` answers how many database transactions began and committed so far (counted
on the engine), so the benchmark can report transactions per command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import event

from adapters.slack.settings import SlackSettings
from bot import heap, logs
from bot.app import Service
from bot.config import load_program
from core.clock import SystemClock
from tests.support.fake_slack import TOKEN
from tests.support.service import make_settings

ROOT = Path(__file__).resolve().parents[1]
SECRET = "secret"  # tests/support/slack_requests.py signs with this
COMMAND = "/mentoring"


def ours(url: str, slack_url: str) -> web.Application:
    """The service as `turnabout run` builds it (its scheduler off: this measures requests)."""
    settings = make_settings(url, load_program(ROOT / "app.yaml"),
                             slack=SlackSettings(TOKEN, SECRET, None, slack_url + "/api/"))
    service = Service(settings, SystemClock(), schedule=False)
    counts = {"begin": 0, "commit": 0}

    def count(kind: str) -> None:
        counts[kind] += 1

    engine = service.database.engine.sync_engine
    event.listen(engine, "begin", lambda _c: count("begin"))
    event.listen(engine, "commit", lambda _c: count("commit"))

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response(counts)

    service.app.router.add_get("/bench/stats", stats)
    return service.app


def bare(slack_url: str) -> web.Application:
    """The anchor: bolt's own aiohttp app, a token and signing secret, one listener that acks."""
    client = AsyncWebClient(token=TOKEN, base_url=slack_url + "/api/")
    app = AsyncApp(client=client, signing_secret=SECRET)

    @app.command(COMMAND)
    async def acknowledge(ack: AsyncAck) -> None:
        await ack()

    web_app = app.web_app(path="/slack/events")

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response({"begin": 0, "commit": 0})

    web_app.router.add_get("/bench/stats", stats)
    return web_app


async def serve(args: argparse.Namespace) -> None:
    app = ours(args.url, args.slack_url) if args.mode == "ours" else bare(args.slack_url)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    if args.mode == "ours":
        heap.settle()  # as `turnabout run` does once it serves
    print(json.dumps({"port": port}), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    await stop.wait()
    if profile is not None:
        profile.disable()
        profile.dump_stats(args.profile)
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("ours", "bare"), required=True)
    parser.add_argument("--url", default="", help="database URL (ours)")
    parser.add_argument("--slack-url", required=True, help="the fake Slack's base URL")
    parser.add_argument("--profile", help="cProfile the serving into this file (pstats)")
    args = parser.parse_args()
    logs.configure("info", "text")  # as `turnabout run` logs, to this process's stderr
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()

"""The real service for bench/match_acks.py, in a process of its own: aiohttp + slack-bolt with
signature checks, the flows and the database, talking to the fake Slack in the bench's process.
Prints {"port": N} once listening, then serves until SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.slack.listeners import commands
from adapters.slack.settings import SlackSettings
from bot.app import Service
from bot.config import load_program
from core.clock import SystemClock
from tests.support.service import make_settings
from tests.support.slack_requests import SECRET, TOKEN

ROOT = Path(__file__).resolve().parents[1]


async def serve(database_url: str, slack_url: str, slow_ms: float) -> None:
    if slow_ms:  # profiling: log every step that holds the loop longer than this, and what
        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = slow_ms / 1000
    settings = make_settings(database_url, load_program(ROOT / "app.yaml"),
                             slack=SlackSettings(TOKEN, SECRET, None, slack_url + "/api/"))
    service = Service(settings, SystemClock(), schedule=False)
    runner = service.runner()
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(json.dumps({"port": port}), flush=True)
    stopped = asyncio.Event()  # the bench stops it as a process manager would: SIGTERM
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    try:
        await stopped.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--slack-url", required=True)
    parser.add_argument("--slow-ms", type=float, default=0.0,
                        help="log the loop's steps that take longer (asyncio debug mode)")
    parser.add_argument("--ack-at-once", action="store_true",
                        help="ack every command before its flow runs, its reply following by "
                             "response_url, as before quick replies rode on the ack")
    args = parser.parse_args()
    if args.ack_at_once:
        commands.BUSY = 0  # "this many flows running already": never wait for the flow
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(message)s")
    asyncio.run(serve(args.url, args.slack_url, args.slow_ms))


if __name__ == "__main__":
    main()

"""One delivering process for bench/fanout.py: the real Dispatcher, SlackMessenger and Home
builder (runtime.homes.HomeViews on the views.publish pace of app.yaml), built as bot/app.py
and adapters/slack/adapter.py build them, against a (fake) Slack Web API.

    .venv/bin/python bench/_fanout_worker.py --url DB --slack-url URL [--rate 95] ...

It delivers until no post is pending or held by a lease (with --drain-homes, until no Home
view is either: those go at views.publish's pace, 100 a minute, so 20,000 of them take hours),
then prints one JSON line of figures.
The benchmark SIGKILLs it mid-run to play a crashed replica, so it must not need to clean up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import resource
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, not_, select
from sqlmodel import col

from adapters.slack.messenger import SlackMessenger
from bot.app import platform_capabilities
from bot.config import load_program
from config.prompt_catalog import load_default_catalog
from core import keys
from core.clock import SystemClock
from core.messages import Message
from runtime.delivery.dispatcher import Dispatcher
from runtime.delivery.home_views import HOME_VIEWS_BURST
from runtime.homes import HomeViews
from runtime.outgoing import OutboxWriter
from runtime.pacing import HomeViewPacing, Pacer
from runtime.telemetry import NoTelemetry
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox.counts import pending_count

ROOT = Path(__file__).resolve().parents[1]

TOKEN = "xoxb-test"  # the fake Slack's token (tests/support/fake_slack.py)


class CountingMessenger(SlackMessenger):
    """Counts the rows a restart took over from a dead dispatcher (each is asked about), and
    the posts Slack took."""

    checked = 0
    posts = 0

    async def send_group(self, tenant_id: str, user_ids: Sequence[str], message: Message,
                         key: str = "") -> str | None:
        sent = await super().send_group(tenant_id, user_ids, message, key)
        CountingMessenger.posts += 1
        return sent

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        CountingMessenger.checked += 1
        return await super().find_sent(tenant_id, user_ids, key)


class Tally(NoTelemetry):
    """What the dispatcher reports: messages and views the platform took, failed attempts."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def delivered(self, platform: str) -> None:
        self.counts["delivered"] += 1  # posts and Home views

    def delivery_failed(self, platform: str, gave_up: bool) -> None:
        self.counts["failed_attempts"] += 1


class DeliveryLog(logging.Handler):
    """Counts the dispatcher's notable warnings instead of printing one line per row."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if "waited out most of its claim" in str(record.msg):
            self.counts["left_to_lease"] += 1  # left for a later claim
        else:
            print(self.format(record), file=sys.stderr)


async def _unsent(database: Database, *, homes: bool) -> int:
    """Rows pending or claimed: posts only, or Home views too."""
    query = select(func.count()).select_from(OutboxMessage).where(
        col(OutboxMessage.status).in_(("pending", "sending")))
    if not homes:
        query = query.where(not_(col(OutboxMessage.key).startswith(f"{keys.HOME}:")))
    async with database.session() as session:
        return int((await session.exec(query)).one()[0])  # type: ignore[call-overload]


def _memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process from /proc, in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def deliver(args: argparse.Namespace) -> dict[str, float]:
    notes = DeliveryLog()
    delivery_log = logging.getLogger("runtime.delivery")
    delivery_log.addHandler(notes)
    delivery_log.propagate = False
    database = Database(args.url)
    clock = SystemClock()  # real time: leases must run out while the benchmark waits
    # As the adapter builds it: connection errors retried, 429s handed to the dispatcher.
    client = AsyncWebClient(token=TOKEN, base_url=args.slack_url.rstrip("/") + "/api/",
                            retry_handlers=[AsyncConnectionErrorRetryHandler()])
    messenger = CountingMessenger(client, database, clock)
    program = load_program(ROOT / "app.yaml")
    tally = Tally()
    catalog = load_default_catalog([t.id for t in program.survey.topics])
    homes = HomeViews(database, program, clock, catalog, OutboxWriter(platform_capabilities()))
    dispatcher = Dispatcher(database, {"slack": messenger}, clock,
                            Pacer({"slack": args.rate}, args.per_conversation),
                            args.in_flight, lease=timedelta(seconds=args.lease),
                            telemetry=tally, home=homes.build,
                            views=HomeViewPacing(program.delivery.slack_home_views_per_minute,
                                                 HOME_VIEWS_BURST))
    async with database.session() as session:  # connect before the clock starts
        await pending_count(session)
    rss_start = _memory_mb("VmRSS")
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    while True:
        # Home views due one by one at their pace keep a pass going: it is stopped once the
        # posts are out (unless --drain-homes), as the service's next pass would carry on.
        passing = asyncio.create_task(dispatcher.deliver_due(batch=args.batch))
        while not passing.done():
            await asyncio.wait([passing], timeout=0.25)
            if not args.drain_homes and not await _unsent(database, homes=False):
                passing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await passing
        if not await _unsent(database, homes=args.drain_homes):
            break
        # What is left is held by a dead dispatcher's lease or was given back with a delay.
        await asyncio.sleep(0.25)
    wall = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else -1.0
    await database.dispose()
    return {"delivered": tally.counts["delivered"], "posts": CountingMessenger.posts,
            "failed_attempts": tally.counts["failed_attempts"], "wall": wall, "rss_start_mb": rss_start,
            "rss_peak_mb": _memory_mb("VmHWM"), "tracemalloc_peak_mb": traced,
            "checked": CountingMessenger.checked,
            "left_to_lease": notes.counts["left_to_lease"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL")
    parser.add_argument("--slack-url", required=True, help="the fake Slack's base URL")
    parser.add_argument("--rate", type=float, default=95.0, help="pacer messages/s")
    parser.add_argument("--per-conversation", type=float, default=1.0)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--batch", type=int, default=200, help="rows per claim")
    parser.add_argument("--lease", type=float, default=120.0, help="claim lease, seconds")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--drain-homes", action="store_true",
                        help="also wait for every Home view (at views.publish's pace)")
    parser.add_argument("--profile", help="write a cProfile of the delivery to this file")
    args = parser.parse_args()
    asyncio.run(_deliver_and_exit(args))


async def _deliver_and_exit(args: argparse.Namespace) -> None:
    """Prints the figures and exits from inside the loop: the pass stopped once the posts were
    out may leave SQLite connections mid-query, and aiosqlite's close of those can hang at the
    loop's shutdown; there is nothing left to save."""
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    figures = await deliver(args)
    if profile is not None:
        profile.disable()
        profile.dump_stats(args.profile)
    print(json.dumps(figures), flush=True)
    os._exit(0)

if __name__ == "__main__":
    main()

"""One delivering process for bench/fanout.py: the real Dispatcher and SlackMessenger, built
as bot/app.py and adapters/slack/adapter.py build them, against a (fake) Slack Web API.

    .venv/bin/python bench/_fanout_worker.py --url DB --slack-url URL [--rate 95] ...

It delivers until nothing is pending or held by a lease, then prints one JSON line of figures.
The benchmark SIGKILLs it mid-run to play a crashed replica, so it must not need to clean up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
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

from adapters.slack.messenger import SlackMessenger
from core.clock import SystemClock
from runtime.delivery.dispatcher import Dispatcher
from runtime.pacing import Pacer
from storage.database import Database
from storage.outbox.counts import pending_count

TOKEN = "xoxb-test"  # the fake Slack's token (tests/support/fake_slack.py)


class CountingMessenger(SlackMessenger):
    """Counts the rows a restart took over from a dead dispatcher (each is asked about)."""

    checked = 0

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        CountingMessenger.checked += 1
        return await super().find_sent(tenant_id, user_ids, key)


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
    dispatcher = Dispatcher(database, {"slack": messenger}, clock,
                            Pacer({"slack": args.rate}, args.per_conversation),
                            args.in_flight, lease=timedelta(seconds=args.lease))
    async with database.session() as session:  # connect before the clock starts
        await pending_count(session)
    rss_start = _memory_mb("VmRSS")
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    delivered = 0
    while True:
        delivered += await dispatcher.deliver_due(batch=args.batch)
        async with database.session() as session:
            left = await pending_count(session)
        if not left:
            break
        # What is left is held by a dead dispatcher's lease or was given back with a delay.
        await asyncio.sleep(0.25)
    wall = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else -1.0
    await database.dispose()
    return {"delivered": delivered, "wall": wall, "rss_start_mb": rss_start,
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
    parser.add_argument("--profile", help="write a cProfile of the delivery to this file")
    args = parser.parse_args()
    if args.profile:
        import cProfile

        with cProfile.Profile() as profile:
            figures = asyncio.run(deliver(args))
        profile.dump_stats(args.profile)
    else:
        figures = asyncio.run(deliver(args))
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()

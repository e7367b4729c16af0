"""Benchmark: do other people's Slack commands wait while an admin's 10,000 x 10,000 round runs?

    .venv/bin/python bench/match_acks.py [--size 10000] [--rate 20] [--quiet 20] [--rounds 2]
        [--database sqlite|postgres|both] [--slow-ms 100 --keep-log]

It seeds a fresh database with --size junior mentors and --size senior mentees, all active,
unpaired and on Slack (bench/_fanout_seed.py's people, their pairs removed), plus an admin.
The real service runs in a process of its own (bench/_match_acks_server.py) against a fake
Slack Web API in this process. Throughout, other people send signed `/mentoring status`
commands at a steady --rate per second (each on its own schedule, whether or not the last was
answered) and /healthz is polled ten times a second. This prints the ack latency (p50, p99,
max) and /healthz's during --rounds `admin match` rounds (from the command to the preview
reaching the admin's Slack DM; the first starts the worker process, the others find it running)
and in --quiet seconds without a round before, between and after them. The shared machine's
load moves by the minute, so the quiet windows are interleaved with the rounds and pooled, and
the same load generator runs throughout at the same rate.

Target (issue 10): p99 ack during a round within 1.5x of p99 without one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _fanout_seed as seeding
from core.calendar import iso_week
from features.engagement.prompts import FIRST_MEETING
from storage.migrate import upgrade
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import FORM, signature_headers, slash_command

SERVER = Path(__file__).with_name("_match_acks_server.py")
AT = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)
TIMEZONES = ("America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/London",
             "Europe/Berlin", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
             "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC")
ADMIN = "UADMIN"


@dataclass
class Window:
    label: str
    acks: list[float] = field(default_factory=list)  # ms
    health: list[float] = field(default_factory=list)  # ms
    seconds: float = 0.0
    failures: int = 0
    clock: str = ""  # wall-clock span, to find the window in the service's --slow-ms log


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def seed(url: str, size: int) -> float:
    started = time.perf_counter()
    upgrade(url)
    seeding.seed(url, size, TIMEZONES, AT, iso_week(AT.date()), FIRST_MEETING)
    seeding.execute(  # a pool waiting for its first round: nobody paired yet
        url, "DELETE FROM prompt_delivery", "DELETE FROM kickoff", "DELETE FROM conversation_ref",
        "DELETE FROM pair",
        f"INSERT INTO admin_grant (platform, tenant_id, user_id, granted_at) "
        f"VALUES ('slack', '{seeding.TENANT}', '{ADMIN}', '2026-11-01 00:00:00')")
    # Settle the seed's writes before measuring, or the first quiet window pays for them:
    # autovacuum analysing the fresh tables, or the first commit checkpointing SQLite's WAL.
    engine = seeding.sync_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if url.startswith("postgresql")
                                   else "PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return time.perf_counter() - started


class Load:
    """Steady `/mentoring status` from other people, and /healthz polls, into `window`."""

    def __init__(self, http: aiohttp.ClientSession, url: str, slack: FakeSlack, size: int,
                 rate: float) -> None:
        self.http, self.url, self.slack, self.size, self.rate = http, url, slack, size, rate
        self.window: Window | None = None
        self._n = 0
        self._inflight: set[asyncio.Task[None]] = set()

    async def _command(self) -> None:
        self._n += 1
        n = self._n
        user = f"UM{n % self.size + 1}" if n % 2 else f"US{n % self.size + 1}"
        body = slash_command("status", user=user, trigger_id=f"t{n}",
                             response_url=self.slack.response_url(f"s{n}"))
        window = self.window
        sent = time.perf_counter()
        try:
            async with self.http.post(f"{self.url}/slack/events", data=body,
                                      headers={"Content-Type": FORM,
                                               **signature_headers(body)}) as reply:
                await reply.read()
                ok = reply.status == 200
        except aiohttp.ClientError:
            ok = False
        if window is not None:
            window.acks.append((time.perf_counter() - sent) * 1000)
            window.failures += not ok

    async def _health(self) -> None:
        window = self.window
        sent = time.perf_counter()
        async with self.http.get(f"{self.url}/healthz") as reply:
            await reply.read()
        if window is not None:
            window.health.append((time.perf_counter() - sent) * 1000)

    async def run(self) -> None:
        """Fire on a fixed schedule: a slow answer never delays the next command."""
        start, tick = time.perf_counter(), 0
        while True:
            tick += 1
            await asyncio.sleep(max(0.0, start + tick / self.rate - time.perf_counter()))
            for make in (self._command,) + ((self._health,) if tick % max(1, round(
                    self.rate / 10)) == 0 else ()):
                task = asyncio.create_task(make())
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)


async def quiet_window(load: Load, label: str, seconds: float) -> Window:
    window = Window(label)
    load.window = window
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    window.seconds = time.perf_counter() - started
    load.window = None
    return window


async def previews(slack: FakeSlack) -> int:
    return sum(1 for p in slack.calls_to("chat.postMessage") if "preview" in json.dumps(p))


async def a_round(http: aiohttp.ClientSession, url: str, slack: FakeSlack, load: Load,
                  label: str) -> tuple[Window, float, str]:
    window = Window(label)
    load.window = window
    before = await previews(slack)
    body = slash_command("admin match", user=ADMIN, trigger_id=f"match-{label}",
                         response_url=slack.response_url(f"match-{label}"))
    started, wall = time.perf_counter(), datetime.now(UTC)
    async with http.post(f"{url}/slack/events", data=body,
                         headers={"Content-Type": FORM, **signature_headers(body)}) as reply:
        acked = await reply.text()
    admin_ack = (time.perf_counter() - started) * 1000
    async with asyncio.timeout(300):
        while await previews(slack) == before:
            await slack.wait_for("chat.postMessage", len(slack.calls_to("chat.postMessage")) + 1)
    window.seconds = time.perf_counter() - started
    window.clock = f"{wall:%H:%M:%S}–{datetime.now(UTC):%H:%M:%S} UTC"
    load.window = None
    answer = " ".join(str(r.get("text", "")) for r in slack.responses(f"match-{label}"))
    with contextlib.suppress(ValueError):  # a quick reply rides on the ack
        answer = answer or str(json.loads(acked).get("text", ""))
    return window, admin_ack, answer


def show(window: Window, baseline: Window | None) -> None:
    p99 = pct(window.acks, 0.99)
    ratio = f"  ({p99 / pct(baseline.acks, 0.99):.2f}x the quiet p99)" if baseline else ""
    print(f"  {window.label:<30} {window.seconds:6.1f} s  {len(window.acks):5} acks  "
          f"p50 {pct(window.acks, 0.5):6.1f} ms  p99 {p99:7.1f} ms  "
          f"max {max(window.acks, default=float('nan')):7.1f} ms{ratio}  "
          f"| /healthz p50 {pct(window.health, 0.5):5.1f} p99 {pct(window.health, 0.99):6.1f} "
          f"max {max(window.health, default=float('nan')):6.1f} ms"
          + (f"  {window.failures} failed" if window.failures else "")
          + (f"  [{window.clock}]" if window.clock else ""))


async def run_database(kind: str, args: argparse.Namespace) -> None:
    print(f"\n{kind}: {args.size:,} junior mentors x {args.size:,} senior mentees, "
          f"`/mentoring status` at {args.rate:g}/s from other people")
    with tempfile.TemporaryDirectory() as directory:
        with contextlib.ExitStack() as stack:
            try:
                url = stack.enter_context(seeding.database(kind, Path(directory)))
            except Exception as exc:
                print(f"  skipped: {type(exc).__name__}: {exc}")
                return
            print(f"  seeded in {seed(url, args.size):.1f} s")
            log = Path(directory) / "server.log"
            async with FakeSlack() as slack:
                with log.open("wb") as errors:
                    server = await asyncio.create_subprocess_exec(
                        sys.executable, str(SERVER), "--url", url, "--slack-url", slack.url,
                        "--slow-ms", str(args.slow_ms),
                        *(("--ack-at-once",) if args.ack_at_once else ()),
                        stdout=asyncio.subprocess.PIPE, stderr=errors)
                try:
                    assert server.stdout is not None
                    line = await asyncio.wait_for(server.stdout.readline(), 60)
                    service = f"http://127.0.0.1:{json.loads(line)['port']}"
                    await measure(service, slack, args)
                finally:
                    server.terminate()
                    await server.wait()
                if args.keep_log:
                    print(log.read_text()[-20000:])


async def measure(url: str, slack: FakeSlack, args: argparse.Namespace) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:
        load = Load(http, url, slack, args.size, args.rate)
        driving = asyncio.create_task(load.run())
        try:
            await asyncio.sleep(3)  # warm up: connections, the service's first queries
            print(f"  load average {load_average()} at the start")
            quiet = [await quiet_window(load, "without a round (1)", args.quiet)]
            show(quiet[-1], None)
            rounds = []
            for n in range(1, args.rounds + 1):
                label = f"during round {n} ({'cold' if n == 1 else 'warm'} worker)"
                rounds.append(await a_round(http, url, slack, load, label))
                show(rounds[-1][0], None)
                await asyncio.sleep(2)  # the preview's delivery settles
                quiet.append(await quiet_window(load, f"without a round ({n + 1})", args.quiet))
                show(quiet[-1], None)
            print(f"  load average {load_average()} at the end")
            pooled = pool("without a round (all)", quiet)
            show(pooled, None)
            for window, admin_ack, answer in rounds:
                show(window, pooled)
                print(f"  {'':<30} admin's own ack {admin_ack:.0f} ms: “{answer[:60]}”")
            if rounds:
                show(pool("during a round (all)", [w for w, _, _ in rounds]), pooled)
        finally:
            driving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await driving


def pool(label: str, windows: list[Window]) -> Window:
    return Window(label, [a for w in windows for a in w.acks],
                  [h for w in windows for h in w.health], sum(w.seconds for w in windows),
                  sum(w.failures for w in windows))


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--quiet", type=float, default=20.0,
                        help="seconds of each window without a round (one more than --rounds)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--keep-log", action="store_true")
    parser.add_argument("--slow-ms", type=float, default=0.0,
                        help="profiling: the service logs each loop step longer than this "
                             "(asyncio debug mode; slows it down), shown with --keep-log")
    parser.add_argument("--ack-at-once", action="store_true",
                        help="the service acks every command before its flow runs (a quick "
                             "reply rides on the ack otherwise): what the ack measured before")
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    for kind in kinds:
        asyncio.run(run_database(kind, args))


if __name__ == "__main__":
    main()

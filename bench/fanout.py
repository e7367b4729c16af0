"""Benchmark of the weekly fan-out: queue one prompt per live pair, deliver them all to a
rate-limited Slack, and do it again with the delivering process killed halfway.

    .venv/bin/python bench/fanout.py [--pairs 10000] [--cap 100] [--database sqlite|postgres]

It seeds a fresh database (a temp SQLite file, or a private PostgreSQL database that is
dropped afterwards) with --pairs live pairs, then prints:

- how long the weekly_prompts job takes to queue a prompt for every pair (and the Home view
  it re-arms for each of the pair's two people);
- delivery by the real Dispatcher, SlackMessenger and Home builder, in a child process, to a
  fake Slack in this process that allows --cap chat.postMessage per second per workspace and
  about one per second per channel, and views.publish at app.yaml's
  delivery.slack_home_views_per_minute (429 + Retry-After beyond each): wall time, posts/s and
  their fraction of the post cap, Home views published meanwhile and their fraction of the
  views cap, 429s, duplicates and losses counted by outbox key, and the child's peak memory.
  Home views go at views.publish's pace (100 a minute: 20,000 of them take over three hours),
  so the child stops once the posts are out and the views still queued are counted as such;
  --drain-homes waits for them too. --stalls conversations answer their first post with a
  429 of their own (Retry-After 2 s): how long each waited, and whether the others kept going;
- the same again with the child SIGKILLed when --kill-at of the posts went out (the kill lands
  inside the fake's handler, after it accepted a post and before it answered: a crash between
  post and mark_sent), then a fresh child finishing the job once the short claim lease ran out.
  The bot reads no conversation, so the rows Slack had accepted but the child never recorded
  are posted once more: the run passes when those, once each, are the only repeats.

The fake lives in this process so it, and what it recorded, survive the kill.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import platform_capabilities
from runtime.jobs import build_registry
from runtime.outgoing import OutboxWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _fanout_seed as seeding
from bench._fanout_slack import BenchSlack
from bot.config import load_program
from config.prompt_catalog import load_default_catalog
from core import keys as outbox_keys
from core.calendar import iso_week
from core.clock import FrozenClock
from features.engagement.prompts import FIRST_MEETING
from runtime.jobs import JobRunner
from storage.database import Database
from storage.migrate import upgrade
from tests.support.fake_slack import Post, RateLimits

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("_fanout_worker.py")
# A Monday evening (UTC) in the past: after 09:30 local in each timezone below, and in the same
# ISO week there, so every pair is due; the delivering children then run on real time.
AT = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)
TIMEZONES = ("America/Los_Angeles", "America/New_York", "Europe/London", "Asia/Kolkata",
             "Asia/Tokyo")
PROGRESS_EVERY = 15.0  # seconds between progress lines while delivering
STALL_RETRY_AFTER = 2  # seconds a stalled conversation asks for
POSTS = f"key NOT LIKE '{outbox_keys.HOME}:%'"


@dataclass
class Run:
    """One delivery against a fresh fake Slack: what the children said and what Slack saw."""

    fake: BenchSlack
    expected: set[str]
    wall: float = 0.0
    children: list[dict[str, float]] = field(default_factory=list)
    posts_at_kill: int = 0
    claimed_at_kill: int = 0  # rows left 'sending' by the killed child
    stranded: int = 0  # of those, rows Slack had already accepted: the restart posts them again


def views_cap() -> float:
    """views.publish per minute, as the service paces it (app.yaml)."""
    return load_program(ROOT / "app.yaml").delivery.slack_home_views_per_minute


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--cap", type=int, default=100,
                        help="the fake workspace's chat.postMessage cap per second")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pace", type=float, default=0.95,
                        help="pacer rate as a fraction of --cap (just under it)")
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--batch", type=int, default=200, help="rows per claim")
    parser.add_argument("--lease", type=float, default=5.0,
                        help="claim lease (s) in the kill run, so the restart need not wait 2 min")
    parser.add_argument("--kill-at", type=float, default=0.4,
                        help="fraction of posts after which the child is killed")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python allocations in the delivering child (slower)")
    parser.add_argument("--profile", metavar="PATH",
                        help="cProfile the first delivering child into PATH (pstats format)")
    parser.add_argument("--skip-kill", action="store_true")
    parser.add_argument("--stalls", type=int, default=10,
                        help="conversations that answer their first post with their own 429")
    parser.add_argument("--no-homes", action="store_true",
                        help="drop the Home rows before delivering: the posts alone, to compare")
    parser.add_argument("--drain-homes", action="store_true",
                        help="wait for every Home view too (at views.publish's pace: slow)")
    return parser.parse_args()


async def enqueue(url: str, *, trace: bool) -> tuple[int, float, float]:
    """The weekly_prompts job as the scheduler runs it: (queued, seconds, tracemalloc peak MiB
    or -1). Tracing slows Python down severalfold, so a timed run is not a traced one."""
    program = load_program(ROOT / "app.yaml")
    catalog = load_default_catalog([t.id for t in program.survey.topics])
    database = Database(url)
    runner = JobRunner(database, program, FrozenClock(AT), catalog,
                       OutboxWriter(platform_capabilities()), build_registry().jobs())
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    queued = await runner.run("weekly_prompts")
    seconds = time.perf_counter() - started
    peak = -1.0
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    await database.dispose()
    return queued, seconds, peak


async def child(args: argparse.Namespace, url: str, slack_url: str, lease: float,
                started: Callable[[int], None] = lambda _pid: None) -> dict[str, float] | None:
    """Run one delivering process to its end (or its death); its figures, or None if killed."""
    command = [sys.executable, str(WORKER), "--url", url, "--slack-url", slack_url,
               "--rate", str(args.cap * args.pace), "--in-flight", str(args.in_flight),
               "--batch", str(args.batch), "--lease", str(lease)]
    if args.tracemalloc:
        command.append("--tracemalloc")
    if args.drain_homes:
        command.append("--drain-homes")
    if args.profile and lease > args.lease:  # the uninterrupted run only
        command += ["--profile", args.profile]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    started(process.pid)
    out, _ = await process.communicate()
    if process.returncode == -signal.SIGKILL:
        return None
    if process.returncode != 0:
        raise SystemExit(f"the delivering child failed with exit code {process.returncode}")
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def progress(fake: BenchSlack, total: int) -> None:
    started = time.perf_counter()
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        print(f"    … {len(fake.posts):>6} / {total} posted, {len(fake.seen.view_times)} Home "
              f"views after {time.perf_counter() - started:5.0f} s, {fake.rate_limited} 429s",
              flush=True)


async def deliver(args: argparse.Namespace, url: str, *, kill: bool) -> Run:
    keys = {k for (k,) in seeding.rows(url, f"SELECT key FROM outbox WHERE {POSTS}")}
    channels = [c for (c,) in seeding.rows(url, "SELECT conversation_id FROM conversation_ref")]
    # Each pair's prompt goes to its own group DM (G{pair id}), so the channel names the row.
    by_channel = {f"G{key.split(':')[1]}": key for key in keys}
    ordered = sorted(by_channel, key=lambda c: int(c[1:]))
    every = max(1, len(ordered) // max(1, args.stalls))
    stalls = {c: STALL_RETRY_AFTER for c in ordered[every // 2::every][:args.stalls]}
    fake = BenchSlack(views_per_minute=views_cap(), stalls=stalls,
                      rate_limits=RateLimits(per_second=args.cap), record_calls=False,
                      key_of=lambda post: by_channel.get(str(post.get("channel"))))
    run = Run(fake, keys)
    run.fake.add_channels(channels)
    pid: list[int] = []
    threshold = max(1, int(len(keys) * args.kill_at))

    def kill_midway(post: Post) -> None:
        # Inside the fake's handler: Slack has the post, the dispatcher never hears back.
        if kill and pid and not run.posts_at_kill and len(run.fake.posts) >= threshold:
            os.kill(pid[0], signal.SIGKILL)
            run.posts_at_kill = len(run.fake.posts)

    run.fake.on_post = kill_midway
    async with run.fake as slack:
        ticker = asyncio.create_task(progress(slack, len(keys)))
        started = time.perf_counter()
        first = await child(args, url, slack.url, args.lease if kill else 120.0, pid.append)
        if first is not None:
            run.children.append(first)
        if kill:
            if first is not None:
                raise SystemExit("the child finished before it could be killed; raise --pairs")
            claimed = {k for (k,) in seeding.rows(
                url, f"SELECT key FROM outbox WHERE status = 'sending' AND {POSTS}")}
            run.claimed_at_kill = len(claimed)
            run.stranded = len(claimed & set(run.fake.posted_keys()))
            restarted = await child(args, url, slack.url, args.lease)
            assert restarted is not None
            run.children.append(restarted)
        run.wall = time.perf_counter() - started
        ticker.cancel()
    return run


def report(run: Run, args: argparse.Namespace, url: str, *, kill: bool) -> bool:
    """Print the run's figures; True when nothing was lost or duplicated."""
    fake, last, seen = run.fake, run.children[-1], run.fake.seen
    statuses = dict(seeding.rows(
        url, f"SELECT status, COUNT(*) FROM outbox WHERE {POSTS} GROUP BY status"))
    homes = dict(seeding.rows(
        url, f"SELECT status, COUNT(*) FROM outbox WHERE NOT ({POSTS}) GROUP BY status"))
    duplicates, lost = fake.duplicates(), fake.lost(run.expected)
    twice_at_most = max(fake.posted_keys().values(), default=0) <= 2
    unsent = sum(n for s, n in statuses.items() if s != "sent")
    first, final = seen.post_times[0], seen.post_times[-1]
    if not kill:
        rate = len(fake.posts) / last["wall"]
        print(f"  delivered          {len(fake.posts)} posts in {last['wall']:.1f} s "
              f"(child process {run.wall:.1f} s with start-up)")
        print(f"  posts              {rate:.1f} msg/s = {rate / args.cap:.3f} of the "
              f"{args.cap}/s chat.postMessage cap (pacer at {args.cap * args.pace:g}/s; "
              f"target >= 0.95); first to last post as Slack saw them "
              f"{(len(seen.post_times) - 1) / max(final - first, 1e-9):.1f}/s")
    else:
        print(f"  killed             after {run.posts_at_kill} posts accepted "
              f"({run.posts_at_kill / len(run.expected):.0%}), by SIGKILL from inside the "
              f"fake's handler")
        print(f"  left by the kill   {run.claimed_at_kill} rows claimed ('sending'), "
              f"{run.stranded} of them already accepted by Slack")
        print(f"  restart            delivered {last['posts']:.0f} more posts in "
              f"{last['wall']:.1f} s (lease {args.lease:g} s); total wall {run.wall:.1f} s")
        print(f"  taken over         {last['checked']:.0f} rows from the killed child; the "
              f"{run.stranded} Slack already had are posted once more (the bot reads no "
              f"conversation to check)")
    views = [t for t in seen.view_times if first <= t <= final]
    minutes = max(final - first, 1e-9) / 60
    print(f"  Home views         {len(views)} published while the posts went out = "
          f"{len(views) / minutes:.1f}/min = {len(views) / minutes / views_cap():.3f} of the "
          f"{views_cap():g}/min views.publish cap; {len(seen.view_times)} in all; "
          f"{seen.views_limited} 429s on views.publish; Home rows {homes} "
          f"({'drained' if args.drain_homes else 'the rest go on at their pace after the posts'})")
    if seen.stalls:
        waited = [s.posted_at - s.answered_at for s in seen.stalls.values() if s.posted_at]
        windows = [(s.answered_at, s.posted_at) for s in seen.stalls.values() if s.posted_at]
        others = sum(sum(1 for t in seen.post_times if a < t < b) for a, b in windows)
        span = sum(b - a for a, b in windows)
        print(f"  per-channel 429s   {len(seen.stalls)} conversations answered their first post "
              f"with 429 (Retry-After {STALL_RETRY_AFTER} s): posted "
              f"{min(waited, default=0):.1f}-{max(waited, default=0):.1f} s later "
              f"({len(waited)} of {len(seen.stalls)}); meanwhile the workspace kept posting "
              f"{others / max(span, 1e-9):.1f}/s to the other conversations")
    if last.get("failed_attempts"):
        print(f"  failed attempts    {last['failed_attempts']:.0f}")
    print(f"  429s seen          {fake.rate_limited}")
    left = sum(child["left_to_lease"] for child in run.children)
    if left:
        print(f"  left to the lease  {left:.0f} rows waited out most of their claim (lease "
              f"{args.lease if kill else 120:g} s) and were left for a later claim")
    allowed = run.stranded if kill else 0
    print(f"  duplicates         {duplicates} (posts beyond the first per outbox key; "
          f"allowed {allowed}: the posts the kill cut off, once each)")
    print(f"  lost               {lost} (keys never posted); rows not 'sent': {unsent} "
          f"{statuses}")
    memory = (f"  peak memory        child VmHWM (peak RSS) {last['rss_peak_mb']:.0f} MiB, "
              f"{last['rss_peak_mb'] - last['rss_start_mb']:+.0f} MiB over its RSS at start")
    if last["tracemalloc_peak_mb"] >= 0:
        memory += f"; tracemalloc peak {last['tracemalloc_peak_mb']:.1f} MiB"
    print(memory)
    return duplicates <= allowed and twice_at_most and lost == 0 and unsent == 0


async def main() -> int:
    args = parse()
    total_started = time.perf_counter()
    print(f"fan-out benchmark: {args.pairs} pairs, cap {args.cap}/s, {args.database}, "
          f"{len(TIMEZONES)} timezones")
    ok = True
    with tempfile.TemporaryDirectory() as directory, \
            seeding.database(args.database, Path(directory)) as url:
        started = time.perf_counter()
        await asyncio.to_thread(upgrade, url)
        migrated = time.perf_counter() - started
        last_week = iso_week((AT - timedelta(days=7)).date())
        started = time.perf_counter()
        seeding.seed(url, args.pairs, TIMEZONES, AT, last_week, FIRST_MEETING)
        seeded = time.perf_counter() - started
        people = seeding.count(url, "SELECT COUNT(*) FROM person")
        topics = seeding.count(url, "SELECT COUNT(*) FROM person_topic")
        print(f"setup: migrated in {migrated:.1f} s; seeded {people} people, {topics} topics, "
              f"{args.pairs} pairs and their channel ids in {seeded:.1f} s (set-based)")

        queued, seconds, _ = await enqueue(url, trace=False)
        rows = seeding.count(url, f"SELECT COUNT(*) FROM outbox WHERE {POSTS}")
        homes = seeding.count(url, f"SELECT COUNT(*) FROM outbox WHERE NOT ({POSTS})")
        again, _, _ = await enqueue(url, trace=False)
        print(f"enqueue: weekly_prompts queued {queued} in {seconds:.2f} s "
              f"({rows} prompt rows, exactly {args.pairs}: {rows == args.pairs}; and {homes} "
              f"Home rows re-armed, one per person; a second run in the same week queued "
              f"{again})")
        ok &= rows == args.pairs and again == 0
        if args.no_homes:
            seeding.execute(url, f"DELETE FROM outbox WHERE NOT ({POSTS})")
        print("delivery:" + (" (Home rows dropped: --no-homes)" if args.no_homes else ""))
        ok &= report(await deliver(args, url, kill=False), args, url, kill=False)

        if not args.skip_kill:
            # The same week again from scratch, to a fresh fake Slack.
            seeding.execute(url, "DELETE FROM outbox",
                            f"DELETE FROM prompt_delivery WHERE week <> '{last_week}'")
            queued, seconds, peak = await enqueue(url, trace=True)
            print(f"enqueue again under tracemalloc: {queued} queued in {seconds:.2f} s, "
                  f"tracemalloc peak {peak:.0f} MiB")
            print(f"delivery with a SIGKILL at {args.kill_at:.0%}:")
            ok &= report(await deliver(args, url, kill=True), args, url, kill=True)
    print(f"total {time.perf_counter() - total_started:.0f} s; "
          f"{'no message lost or duplicated' if ok else 'FAILED: see above'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

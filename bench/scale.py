"""Benchmark of a 100,000-person program on one PostgreSQL: the first job wave after start-up,
peak memory, `status` latency while the wave runs and after it, and the weekly enqueue.

    .venv/bin/python bench/scale.py [--reseed] [--after 20] [--skip-wave] [--skip-enqueue]

1. A template database (`turnabout_scale_seed` on the local server, kept between runs: seeding
   takes a minute) is seeded like bench/stats.py (bench/_seed.py: 100,000 people, 40,000 pairs,
   1,000,000 activity rows), plus a confirmed kick-off for every agreed active pair. Each run
   works on a fresh copy (CREATE DATABASE … TEMPLATE), migrated to this code's head.
2. The real service (`bot.app.Service`, its real APScheduler jobs, delivery loop, web chat and
   Slack adapter) runs in a child process on loopback, against a fake Slack Web API in this
   process; its clock is a Monday evening in a pulse-poll week, so every job has work. The jobs
   fire 5 s after start-up, as in production. The child reports each job's start, end, count and
   outcome, and its peak RSS.
3. Meanwhile this process sends `status` one request at a time, alternating the web chat
   (POST /web/api/events) and a signed Slack slash command (the time until the answer: the ack's
   body, or the response_url post after it), as random active people, before, during and for
   --after seconds after the wave, and prints p50/p99 of each phase.
4. The weekly enqueue: a second database with --enqueue-pairs live pairs (bench/_fanout_seed.py),
   the weekly_prompts job timed as the scheduler runs it, then again (it must queue 0).

Figures come from whatever machine this runs on; this project's is 2 shared cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import _databases as databases
from bench import _fanout_seed as fanout_seed
from bench import _seed as seeding
from tests.support.fake_slack import TOKEN, FakeSlack, Payload
from tests.support.slack_requests import FORM, SECRET, signature_headers, slash_command

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = "turnabout_scale_seed"
TENANT = "T0BENCH"  # the seeded Slack people's workspace
# A Monday evening a week after the seed's "now": every timezone's 09:30 has passed, it is a
# pulse-poll week (EPOCH + 152 weeks), and the seeded activity is a week old.
RUN_AT = seeding.AT + timedelta(days=7, hours=6)
ENQUEUE_AT = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)
TIMEZONES = ("America/Los_Angeles", "America/New_York", "Europe/London", "Asia/Kolkata",
             "Asia/Tokyo")
TARGETS = {"wave": 10.0, "rss": 300.0, "p99_after": 100.0, "enqueue": 2.0}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="seed the template again")
    parser.add_argument("--after", type=float, default=20.0,
                        help="seconds of status requests after the wave")
    parser.add_argument("--enqueue-pairs", type=int, default=40_000)
    parser.add_argument("--deadline", type=float, default=600.0,
                        help="seconds to wait for the wave before reporting it unfinished")
    parser.add_argument("--small", type=float, default=15.0,
                        help="seconds of requests on a 200-person program (0: skip)")
    parser.add_argument("--skip-wave", action="store_true")
    parser.add_argument("--skip-enqueue", action="store_true")
    # The child: serve the seeded copy at --serve until SIGTERM.
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--slack-api", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    return parser.parse_args()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# --- the child: the real service ----------------------------------------------------------

class JobOutcomes:
    """Telemetry that also remembers whether each job's last run succeeded."""

    def __init__(self, inner: Any) -> None:
        self._inner, self._ok = inner, {}

    def job_ran(self, job: str, at: datetime, queued: int, *, ok: bool) -> None:
        self._ok[job] = ok
        self._inner.job_ran(job, at, queued, ok=ok)

    def last_ok(self, job: str) -> bool:
        return bool(self._ok.get(job))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class TimedJobs:
    """The service's JobRunner as the scheduler sees it, noting when each run starts and ends."""

    def __init__(self, runner: Any, outcomes: JobOutcomes, report: Path) -> None:
        self.jobs, self._runner, self._outcomes = runner.jobs, runner, outcomes
        self._report, self.rss_start = report, _rss_mb()
        self.runs: list[dict[str, Any]] = []

    async def run(self, name: str) -> int:
        begun, cpu = time.time(), time.process_time()
        count = await self._runner.run(name)
        # The process's CPU, not the job's: what the wave costs the service, delivery included.
        self.runs.append({"job": name, "start": begun, "end": time.time(), "count": count,
                          "ok": self._outcomes.last_ok(name), "cpu_start": cpu,
                          "cpu_end": time.process_time()})
        self.write()
        return count

    def write(self) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        partial = self._report.with_suffix(".part")  # the parent never reads half a file
        partial.write_text(json.dumps({
            "runs": self.runs, "jobs": len(self.jobs), "rss_start": self.rss_start,
            "rss_now": _rss_mb(), "rss_peak": peak}))
        os.replace(partial, self._report)


async def serve(url: str, slack_api: str, report: Path) -> None:
    from adapters.slack.settings import SlackSettings
    from bot import heap
    from bot.app import Service
    from bot.config import load_program
    from bot.scheduler import build_scheduler
    from core.clock import DemoClock
    from tests.support.service import make_settings

    program = load_program(ROOT / "app.yaml")
    slack = SlackSettings(bot_token=TOKEN, signing_secret=SECRET, app_token=None,
                          api_url=slack_api)
    settings = make_settings(url, program, slack=slack, web_chat=True)
    service = Service(settings, DemoClock(RUN_AT), schedule=False)
    outcomes = JobOutcomes(service.jobs._telemetry)
    service.jobs._telemetry = outcomes
    timed = TimedJobs(service.jobs, outcomes, report)
    scheduler = build_scheduler(program.schedule, timed)  # type: ignore[arg-type]
    runner = service.runner()
    await runner.setup()
    heap.settle()  # as `turnabout run` does once started (bot/cli.py)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    timed.write()
    print(json.dumps({"port": port}), flush=True)
    scheduler.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    scheduler.shutdown(wait=False)
    timed.write()
    await runner.cleanup()


# --- databases ------------------------------------------------------------------------------

def _admin() -> Any:
    return create_engine(make_url(databases.POSTGRES_SERVER).set(drivername="postgresql+psycopg"),
                         isolation_level="AUTOCOMMIT")


def _url(name: str) -> str:
    return make_url(databases.POSTGRES_SERVER).set(database=name).render_as_string(
        hide_password=False)


def _exists(name: str) -> bool:
    engine = _admin()
    with engine.connect() as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": name}).first()
    engine.dispose()
    return found is not None


def _run_sql(url: str, *statements: str) -> None:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def _scalar(url: str, sql: str) -> Any:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar()
    engine.dispose()
    return value


# Every agreed active pair confirmed its kick-off the day after agreeing: the weekly prompts,
# nudges and milestones treat it as started. Rhythms vary as people choose them.
KICKOFFS = """
INSERT INTO kickoff (pair_id, version, proposed_by, proposed_at, confirmed_by, confirmed_at,
                     mentor_goal, rhythm, meeting_mode, ends_on, ground_rules)
SELECT id, 1, mentor_id, agreed_at, mentee_id, agreed_at + interval '1 day',
       'Learn how leaders decide', CASE id % 6 WHEN 0 THEN 'monthly' WHEN 1 THEN 'fortnightly'
       ELSE 'weekly' END, 'video', DATE '2026-12-01', 'Honest and kind'
FROM pair WHERE status = 'active' AND agreed_at IS NOT NULL"""
# Every pairing's mid-point is still ahead (its end as far after the run as its start was
# before): the first wave is a steady state's, not a catch-up of months of milestones that
# a running service would have sent on their days.
ENDS = f"""
UPDATE kickoff SET ends_on = (TIMESTAMP '{RUN_AT:%Y-%m-%d %H:%M}'
    + (TIMESTAMP '{RUN_AT:%Y-%m-%d %H:%M}' - confirmed_at) + (pair_id % 30) * interval '1 day')::date"""


def ensure_template(reseed: bool) -> None:
    from storage.migrate import upgrade

    if _exists(TEMPLATE) and not reseed:
        _run_sql(_url(TEMPLATE), ENDS)  # templates seeded before the mid-points moved
        print(f"template database {TEMPLATE}: reused")
        return
    engine = _admin()
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
    engine.dispose()
    url = _url(TEMPLATE)
    upgrade(url)
    seeded = seeding.seed(url, seeding.Plan())
    _run_sql(url, KICKOFFS, ENDS, "ANALYZE kickoff")
    print(f"template database {TEMPLATE}: seeded in {seeded.seconds:.1f} s "
          f"({seeded.rows['person']:,} people, {seeded.rows['pair']:,} pairs, "
          f"{seeded.active_pairs:,} active)")


@dataclass
class Copy:
    name: str = field(default_factory=lambda: f"turnabout_scale_{uuid.uuid4().hex[:8]}")

    def __enter__(self) -> str:
        engine = _admin()
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}" TEMPLATE "{TEMPLATE}"'))
        engine.dispose()
        return _url(self.name)

    def __exit__(self, *_: object) -> None:
        engine = _admin()
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        engine.dispose()


# --- the load: status over the web chat and Slack ------------------------------------------

class BenchSlack(FakeSlack):
    """The fake Web API as the seeded workspace, noting when each response_url post lands."""

    def __init__(self) -> None:
        super().__init__(record_calls=False)
        self.waiting: dict[str, asyncio.Future[Payload]] = {}

    def _auth_test(self, args: Payload) -> Payload:
        return super()._auth_test(args) | {"team_id": TENANT}

    async def _response_url(self, request: web.Request) -> web.Response:
        future = self.waiting.pop(request.match_info["key"], None)
        payload = await request.json()
        if future is not None and not future.done():
            future.set_result(payload)
        return web.Response(text="ok")


@dataclass
class Sample:
    at: float
    platform: str
    ms: float
    ok: bool


async def web_status(http: aiohttp.ClientSession, base: str, user: str) -> bool:
    body = {"user": user, "timezone": "Europe/London", "request_id": uuid.uuid4().hex,
            "command": "status"}
    async with http.post(f"{base}/web/api/events", json=body) as reply:
        answer = await reply.json()
        return reply.status == 200 and bool(answer)


async def slack_status(http: aiohttp.ClientSession, base: str, slack: BenchSlack,
                       user: str) -> bool:
    key = uuid.uuid4().hex
    future: asyncio.Future[Payload] = asyncio.get_running_loop().create_future()
    slack.waiting[key] = future
    body = slash_command("status", user=user, trigger_id=f"t{key}", team=TENANT,
                         response_url=slack.response_url(key))
    async with http.post(f"{base}/slack/events", data=body,
                         headers={"Content-Type": FORM, **signature_headers(body)}) as reply:
        text_ = await reply.text()
    if reply.status != 200:
        return False
    if text_.strip() and ("text" in text_ or "blocks" in text_):
        slack.waiting.pop(key, None)
        return True
    async with asyncio.timeout(10):
        await future
    return True


async def load(base: str, slack: BenchSlack, people: dict[str, list[str]],
               done: asyncio.Event, samples: list[Sample]) -> None:
    rng = random.Random(3)
    async with aiohttp.ClientSession() as http:
        n = 0
        while not done.is_set():
            platform = "web" if n % 2 == 0 else "slack"
            user = rng.choice(people[platform])
            started = time.perf_counter()
            try:
                if platform == "web":
                    ok = await web_status(http, base, user)
                else:
                    ok = await slack_status(http, base, slack, user)
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            samples.append(Sample(time.time(), platform, (time.perf_counter() - started) * 1000,
                                  ok))
            n += 1


def _people(url: str, platform: str) -> list[str]:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT user_id FROM person WHERE status = 'active' AND platform = :p "
            "ORDER BY id LIMIT 500"), {"p": platform}).all()
    engine.dispose()
    return [r[0] for r in rows]


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def serve_and_load(url: str, after: float, deadline: float) -> dict[str, Any]:
    """The service on `url` with its jobs, and status requests until `after` seconds past the
    end of its first job wave (or the deadline)."""
    _run_sql(url, "ANALYZE")
    people = {"web": _people(url, "web"), "slack": _people(url, "slack")}
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "child.json"
        async with BenchSlack() as slack:
            child = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--serve", url, "--slack-api", f"{slack.url}/api/",
                "--report", str(report), stdout=asyncio.subprocess.PIPE)
            assert child.stdout is not None
            line = await child.stdout.readline()
            base = f"http://127.0.0.1:{json.loads(line)['port']}"
            done, samples = asyncio.Event(), []
            loader = asyncio.create_task(load(base, slack, people, done, samples))
            ended_at = None
            stop_at = time.time() + deadline
            while time.time() < stop_at:
                await asyncio.sleep(0.5)
                state = json.loads(report.read_text())
                finished = {r["job"] for r in state["runs"]}
                if ended_at is None and len(finished) >= state["jobs"]:
                    ended_at = time.time()
                if ended_at is not None and time.time() - ended_at >= after:
                    break
            done.set()
            await loader
            child.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(30):
                    await child.wait()
            except TimeoutError:
                child.kill()
                await child.wait()
            state = json.loads(report.read_text())
    queued = _scalar(url, "SELECT COUNT(*) FROM outbox WHERE created_at >= "
                          f"'{(RUN_AT - timedelta(minutes=1)).isoformat()}'")
    return {"state": state, "samples": samples, "queued_rows": queued, "deadline": deadline}


async def wave(args: argparse.Namespace) -> dict[str, Any]:
    from storage.migrate import upgrade

    with Copy() as url:
        upgrade(url)
        return await serve_and_load(url, args.after, args.deadline)


async def small_program(args: argparse.Namespace) -> None:
    """The same service and requests on a program of 200 people: what `status` costs when
    the program is small, to compare with the 100,000-person figures."""
    from storage.migrate import upgrade

    with databases.database("postgres", Path("."), "scale_small") as url:
        upgrade(url)
        seeding.seed(url, seeding.Plan(people=200, pairs=80, activity=2_000))
        _run_sql(url, KICKOFFS, ENDS)
        result = await serve_and_load(url, args.small, 120.0)
    print(f"\nthe same on a program of 200 people ({args.small:.0f} s after its job wave):")
    _latency_table(result, "after")


def print_wave(result: dict[str, Any]) -> None:
    state = result["state"]
    runs = state["runs"]
    first_runs: dict[str, dict[str, Any]] = {}
    for run in runs:
        first_runs.setdefault(run["job"], run)
    start = min((r["start"] for r in first_runs.values()), default=time.time())
    unfinished = state["jobs"] - len(first_runs)
    end = max(r["end"] for r in first_runs.values()) if not unfinished else float("inf")
    failed = [j for j, r in first_runs.items() if not r["ok"]]
    took = (f"{end - start:.1f} s" if not unfinished else
            f"NOT FINISHED after {result['deadline']:.0f} s ({unfinished} jobs still running)")
    print(f"\nfirst job wave: {took} (target ≤ {TARGETS['wave']:.0f} s), "
          f"{len(first_runs) - len(failed)}/{state['jobs']} jobs succeeded"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    for job, run in sorted(first_runs.items(), key=lambda kv: kv[1]["end"] - kv[1]["start"],
                           reverse=True):
        print(f"  {job:<20} {run['end'] - run['start']:6.2f} s  queued {run['count']:>6}"
              f"{'' if run['ok'] else '  FAILED'}")
    print(f"  outbox rows queued during the run: {result['queued_rows']:,}")
    cpu = (max(r["cpu_end"] for r in first_runs.values())
           - min(r["cpu_start"] for r in first_runs.values())) if not unfinished else None
    if cpu is not None:  # less at the machine's mercy than the wall time
        print(f"  the service's CPU time during the wave (jobs, delivery, requests): {cpu:.1f} s")
    print(f"peak RSS of the service: {state['rss_peak']:.0f} MB (target ≤ {TARGETS['rss']:.0f}); "
          f"{state['rss_start']:.0f} MB when it started serving")
    print("status latency, ms (one request at a time, alternating web chat and Slack):")
    _latency_table(result, "before", "during", "after")


def _latency_table(result: dict[str, Any], *phases: str) -> None:
    runs, samples = result["state"]["runs"], result["samples"]
    start = min((r["start"] for r in runs), default=time.time())
    end = max((r["end"] for r in runs), default=float("inf"))
    if len({r["job"] for r in runs}) < result["state"]["jobs"]:
        end = float("inf")
    tests = {"before": lambda s: s.at < start, "during": lambda s: start <= s.at <= end,
             "after": lambda s: s.at > end}
    print(f"  {'phase':<8} {'platform':<8} {'n':>5} {'p50':>7} {'p99':>7} {'max':>7} {'errors':>6}")
    for phase in phases:
        for platform in ("web", "slack"):
            chosen = [s for s in samples if s.platform == platform and tests[phase](s)]
            ms = [s.ms for s in chosen if s.ok]
            print(f"  {phase:<8} {platform:<8} {len(chosen):>5} {_pct(ms, 0.5):7.1f} "
                  f"{_pct(ms, 0.99):7.1f} {max(ms, default=float('nan')):7.1f} "
                  f"{sum(not s.ok for s in chosen):>6}")


# --- the weekly enqueue ----------------------------------------------------------------------

async def enqueue(pairs: int) -> None:
    from bot import heap
    from bot.app import platform_capabilities
    from bot.config import load_program
    from config.prompt_catalog import load_default_catalog
    from core.calendar import iso_week
    from core.clock import FrozenClock
    from features.engagement.prompts import FIRST_MEETING
    from runtime.jobs import JobRunner, build_registry
    from runtime.outgoing import OutboxWriter
    from storage.database import Database
    from storage.migrate import upgrade

    with databases.database("postgres", Path("."), "scale") as url:
        upgrade(url)
        started = time.perf_counter()
        fanout_seed.seed(url, pairs, TIMEZONES, ENQUEUE_AT,
                         iso_week(ENQUEUE_AT - timedelta(days=7)), FIRST_MEETING)
        _run_sql(url, "ANALYZE")
        print(f"\nweekly enqueue: {pairs:,} live pairs seeded in "
              f"{time.perf_counter() - started:.1f} s")
        program = load_program(ROOT / "app.yaml")
        catalog = load_default_catalog([t.id for t in program.survey.topics])
        database = Database(url)
        runner = JobRunner(database, program, FrozenClock(ENQUEUE_AT), catalog,
                           OutboxWriter(platform_capabilities()), build_registry().jobs())
        heap.settle()  # the job runs in a started service (bot/cli.py)
        rss = _rss_mb()
        times = []
        for attempt in ("first", "rerun"):
            began = time.perf_counter()
            queued = await runner.run("weekly_prompts")
            times.append(time.perf_counter() - began)
            print(f"  {attempt:<6} {times[-1]:6.2f} s, queued {queued:,}"
                  + (f" (target ≤ {TARGETS['enqueue']:.0f} s)" if attempt == "first" else
                     " (must be 0)"))
        print(f"  RSS of this process {rss:.0f} → {_rss_mb():.0f} MB; "
              f"outbox rows {_scalar(url, 'SELECT COUNT(*) FROM outbox'):,}")
        await database.dispose()


async def main(args: argparse.Namespace) -> None:
    if args.serve:
        await serve(args.serve, args.slack_api, Path(args.report))
        return
    if not seeding.postgres_reachable():
        raise SystemExit(f"PostgreSQL is not reachable at {databases.POSTGRES_SERVER}")
    print(f"bench/scale.py on {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    if not args.skip_wave:
        ensure_template(args.reseed)
        print_wave(await wave(args))
    if args.small:
        await small_program(args)
    if not args.skip_enqueue:
        await enqueue(args.enqueue_pairs)


if __name__ == "__main__":
    asyncio.run(main(parse()))

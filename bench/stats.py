"""Benchmark of `admin stats`, `admin goals`, `admin report` and the export on a large program.

    .venv/bin/python bench/stats.py [--people 100000] [--pairs 40000] [--activity 1000000]
                                    [--database sqlite|postgres|both] [--repeats 3] [--show]
                                    [--only stats,cohort,goals,report,export]

For each database (a temp SQLite file; a private PostgreSQL database on the local server,
dropped afterwards) it migrates an empty schema, seeds a program of that size with bulk inserts
(see bench/_seed.py) and prints the seeding time, then times, each in a fresh child process
with a real Context on the seeded database:

- `admin stats`'s figures alone (features.admin.stats.figures), then the whole command with
  its charts (stats_command), --repeats runs each: min, median and every run;
- `admin stats cohort X` for the largest cohort;
- `admin goals` (features.admin.goals.evaluate), once that module exists;
- `admin report`: its figures and charts, then the PDF page drawn in a worker process as the
  report's task does (the first run also starts the worker);
- the export build (features/admin/export.py: its tables, then the zip), if that module has one yet.

While each runs, a watcher task sleeps 1 ms at a time on the same event loop and records how
late it wakes: the longest and the 99th-percentile stall show whether the event loop kept
answering (charts are drawn in a thread; drawn on the loop, the stall is the drawing's time).

Memory per operation: the tracemalloc peak of one extra run made under tracemalloc (tracing
slows allocation-heavy code, so the timed runs are untraced), and the child's ru_maxrss (peak
RSS of the process, with its RSS before the first call for comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bot.app import platform_capabilities
from runtime.outgoing import OutboxWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _seed as seeding
from bot.config import load_program
from config.prompt_catalog import load_default_catalog
from core.clock import FrozenClock
from core.context import Context
from core.messages import Response
from features.admin import export, report, stats
from features.admin.report_page import render
from features.admin.stats import stats_command
from storage.database import Database
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 1.0  # admin stats (whole program or a cohort) on PostgreSQL
TARGETS = {"figures": TARGET_SECONDS, "stats": TARGET_SECONDS, "cohort": TARGET_SECONDS,
           "goals": 1.0, "report": 5.0}
OPERATIONS = ("figures", "stats", "cohort", "goals", "report", "export")
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
NO_EXPORT = "export not available yet"
NO_GOALS = "features.admin.goals is not on this branch yet"
Call = Callable[[Context], Awaitable[Any]]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=40_000)
    parser.add_argument("--activity", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per operation")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print the stats messages too")
    # Child processes: one seeds, then one measures each operation on the seeded database.
    parser.add_argument("--seed-into", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--only", default=",".join(OPERATIONS),
                        help="which operations to time, comma-separated")
    parser.add_argument("--measure", choices=OPERATIONS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--cohort", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- the child: one operation, timed ------------------------------------------------------

def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def export_build() -> Call | None:
    """features/admin/export.py's build step (its set-based tables, then the zip bytes), or None while
    that module is still a stub."""
    tables, pack = getattr(export, "tables_of", None), getattr(export, "pack", None)
    if not callable(tables) or not callable(pack):
        return None

    async def build(ctx: Context) -> bytes:
        found = await tables(ctx, None)
        # The worker process reads and zips in one go (features/admin/export_job.py); here the
        # same steps run in this process, compressing in a thread.
        return await asyncio.to_thread(pack, found, "bench export\n", ctx.now())

    return build


def goals_evaluation() -> Call | None:
    try:
        goals = importlib.import_module("features.admin.goals")
    except ImportError:
        return None

    async def evaluate(ctx: Context) -> Any:
        return await goals.evaluate(ctx.session, ctx.program, ctx.now())

    return evaluate


_WORKER: list[ProcessPoolExecutor] = []


async def report_build(ctx: Context) -> bytes:
    """What the report's task does but store the link: figures and charts, then the page drawn
    in a worker process (features/admin/report_run.py), so its CPU is not in "CPU here"."""
    found = await report.build(ctx, None)
    if not _WORKER:
        _WORKER.append(ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")))
    return await asyncio.get_running_loop().run_in_executor(_WORKER[0], render, found)


def operation(what: str, cohort: str) -> Call | None:
    if what == "figures":
        return lambda ctx: stats.figures(ctx, None)
    if what == "stats":
        return lambda ctx: stats_command(ctx, "")
    if what == "cohort":
        return lambda ctx: stats_command(ctx, f"cohort {cohort}")
    if what == "goals":
        return goals_evaluation()
    if what == "report":
        return report_build
    return export_build()


class LoopWatch:
    """How late a 1 ms sleep wakes on this event loop while something else runs on it."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(0.001)
            self.lags.append(loop.time() - asked - 0.001)

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.get_running_loop().create_task(self._watch())
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()

    def figures(self) -> dict[str, float]:
        lags = sorted(self.lags) or [0.0]
        return {"stall_max_ms": 1000 * lags[-1],
                "stall_p99_ms": 1000 * lags[min(len(lags) - 1, int(0.99 * len(lags)))]}


def _detail(result: Any) -> dict[str, Any]:
    if isinstance(result, Response):
        message = result.messages[0]
        return {"title": message.title, "text": message.text,
                "charts": len(result.messages) - 1}
    if isinstance(result, bytes):
        return {"bytes": len(result)}
    if result and isinstance(result[0], str):
        return {"lines": len(result)}
    return {"goals": len(result)}


async def measure(url: str, what: str, cohort: str, repeats: int) -> dict[str, Any]:
    call = operation(what, cohort)
    if call is None:
        return {"skipped": NO_GOALS if what == "goals" else NO_EXPORT}
    program = load_program(ROOT / "app.yaml")
    catalog = load_default_catalog([t.id for t in program.survey.topics])
    database = Database(url)

    async def once() -> Any:
        # A session per call, as each chat command gets its own.
        async with database.session() as session:
            return await call(Context(session, program, FrozenClock(seeding.AT), catalog,
                                    OutboxWriter(platform_capabilities())))

    rss_start = _rss_mb()
    runs, result = [], None
    cpu: list[float] = []
    with LoopWatch() as watch:
        for _ in range(repeats):
            started, used = time.perf_counter(), time.process_time()
            result = await once()
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
    rss_peak = _rss_mb()
    tracemalloc.start()
    await once()
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    await database.dispose()
    return {"runs": runs, "cpu": cpu, "traced_peak_mb": traced_peak, "rss_start_mb": rss_start,
            "rss_peak_mb": rss_peak, **watch.figures(), **_detail(result)}


# --- the parent: seed, then a child per operation -----------------------------------------

def child(*arguments: str) -> dict[str, Any]:
    """Run this script as a child with `arguments`; the JSON it prints last.

    Seeding and each measurement run in their own process, so this one stays small: Linux
    carries the parent's peak RSS over into a child's ru_maxrss."""
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments[:2])} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def seed_in_child(url: str, args: argparse.Namespace) -> seeding.Seeded:
    found = child("--seed-into", url, "--people", str(args.people), "--pairs", str(args.pairs),
                  "--activity", str(args.activity), "--seed", str(args.seed))
    return seeding.Seeded(**found)


def _n(value: int) -> str:
    return f"{value:,}"


def print_seeding(seeded: seeding.Seeded, schema_seconds: float, kind: str) -> None:
    rows = seeded.rows
    print(f"  schema             alembic upgrade head in {schema_seconds:.1f} s")
    analyzed = (f"; includes VACUUM ANALYZE {seeded.analyze_seconds:.1f} s"
                if kind == "postgres" else "; no ANALYZE, as the bot never runs one")
    print(f"  seeding            {seeded.seconds:.1f} s for {_n(seeded.total())} rows{analyzed}")
    print(f"    people           {_n(rows['person'])} · survey answers "
          f"{_n(rows['survey_answers'])} · topics {_n(rows['person_topic'])} · waitlisted "
          f"{_n(rows['waitlist_entry'])}")
    cohorts = ", ".join(f"{name} {_n(n)}" for name, n in seeded.cohorts)
    print(f"    pairs            {_n(rows['pair'])} ({_n(seeded.active_pairs)} active) · "
          f"{rows['match_round']} rounds · cohorts (pairs): {cohorts}")
    print(f"    activity         {_n(seeded.total(*seeding.ACTIVITY))} rows: meetings "
          f"{_n(rows['meeting'])} · prompt deliveries {_n(rows['prompt_delivery'])} · nudges "
          f"{_n(rows['nudge'])} · outbox {_n(rows['outbox'])} · pulse polls "
          f"{rows['pulse_poll']} · answers {_n(rows['pulse_answer'])} · HR records "
          f"{_n(rows['hr_record'])} (+ {_n(rows['closing_answer'])} closing answers)")


def print_figures(label: str, figures: dict[str, Any], target: float | None) -> None:
    if "skipped" in figures:
        print(f"  {label}: skipped, {figures['skipped']}")
        return
    runs = figures["runs"]
    verdict = ""
    if target is not None:
        met = statistics.median(runs) <= target
        verdict = f" · target (median) ≤ {target:g} s: {'met' if met else 'MISSED'}"
    print(f"  {label}")
    print(f"    time             min {min(runs):.3f} s · median {statistics.median(runs):.3f} s "
          f"(runs {', '.join(f'{r:.3f}' for r in runs)}){verdict}")
    # This process's CPU (all its threads), not the database server's: on a shared, loaded
    # machine it moves far less than the wall time.
    print(f"    CPU here         median {statistics.median(figures['cpu']):.3f} s "
          f"(runs {', '.join(f'{c:.3f}' for c in figures['cpu'])})")
    size = f" · file {figures['bytes'] / 2**10:,.0f} KiB" if "bytes" in figures else ""
    print(f"    memory           tracemalloc peak {figures['traced_peak_mb']:.1f} MiB (one traced "
          f"run) · ru_maxrss {figures['rss_peak_mb']:.0f} MiB "
          f"({figures['rss_start_mb']:.0f} MiB before the first call){size}")
    print(f"    event loop       longest stall {figures['stall_max_ms']:.0f} ms · 99th "
          f"percentile {figures['stall_p99_ms']:.1f} ms (a 1 ms sleep, late by)")


def run_database(kind: str, args: argparse.Namespace) -> None:
    print(f"\n== {NAMES[kind]} ==", flush=True)
    if kind == "postgres" and not seeding.postgres_reachable():
        print(f"  skipped: no PostgreSQL server at {seeding.POSTGRES_SERVER} "
              "(set TEST_POSTGRES_URL)")
        return
    with tempfile.TemporaryDirectory() as directory, \
            seeding.database(kind, Path(directory)) as url:
        started = time.perf_counter()
        upgrade(url)
        schema_seconds = time.perf_counter() - started
        seeded = seed_in_child(url, args)
        print_seeding(seeded, schema_seconds, kind)
        cohort = max(seeded.cohorts, key=lambda c: c[1])[0]
        labels = {"figures": "admin stats: its figures alone (no charts)",
                  "stats": "admin stats: figures and charts (PNGs drawn in a thread)",
                  "cohort": f"admin stats cohort {cohort}",
                  "goals": "admin goals (features.admin.goals.evaluate)",
                  "report": "admin report (figures, charts, the PDF page)",
                  "export": "export build (features.admin.export: _tables, then pack)"}
        for what in (w for w in OPERATIONS if w in args.only.split(",")):
            label = labels[what]
            figures = child("--measure", what, "--url", url, "--cohort", cohort,
                            "--repeats", str(args.repeats))
            target = TARGETS.get(what) if kind == "postgres" else None
            print_figures(label, figures, target)
            if args.show and "text" in figures:
                print("\n".join(f"    | {line}" for line in
                                [figures["title"], *figures["text"].splitlines()]))
            sys.stdout.flush()


def main() -> int:
    args = parse()
    plan = seeding.Plan(args.people, args.pairs, args.activity, args.seed)
    if args.seed_into:
        print(json.dumps(dataclasses.asdict(seeding.seed(args.seed_into, plan))))
        return 0
    if args.measure:
        figures = asyncio.run(measure(args.url, args.measure, args.cohort, args.repeats))
        print(json.dumps(figures))
        return 0
    print(f"admin stats bench: {_n(plan.people)} people, {_n(plan.pairs)} pairs, "
          f"{_n(plan.activity)} activity rows; 'now' is {seeding.AT:%Y-%m-%d %H:%M} UTC")
    started = time.perf_counter()
    kinds = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    for kind in kinds:
        run_database(kind, args)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

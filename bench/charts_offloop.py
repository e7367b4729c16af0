"""What drawing the admin charts and the report page costs the event loop.

    .venv/bin/python bench/charts_offloop.py [--repeats 5]

Draws the stats charts (four PNGs) and the report's PDF page from fixed figures, while an
asyncio loop ticks every millisecond: once on the event loop itself, once in a thread
(`asyncio.to_thread`, as `admin stats` and `admin report` do). It prints the drawing time and
how late the ticks were: the lag every other request on that loop would see. matplotlib is
imported and warmed up first, so the first-call cost (about a second) is not in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from features.admin import charts
from features.admin.report import GoalRow, Report
from features.admin.report_page import render
from features.admin.trends import (
    Enrolment,
    GoalBar,
    GoalProgress,
    RoundPoint,
    Satisfaction,
    WeeklyMeetings,
)

MONTHS = tuple(date(2026, m, 1) for m in range(1, 13))
CHARTS: list[charts.Chart] = [
    Enrolment(MONTHS, tuple(range(300, 3900, 300)), tuple(range(200, 2600, 200))),
    WeeklyMeetings(tuple(date(2026, 9, 14) + timedelta(weeks=n) for n in range(12)),
                   (3100, 5000, 8000, 12000, 9000, 11000, 14000, 10000, 7000, 12000, 15000, 4000)),
    Satisfaction((RoundPoint("poll of 7 Sep", 4.1), RoundPoint("poll of 5 Oct", None,
                  "too few to report"), RoundPoint("poll of 2 Nov", 4.4),
                  RoundPoint("poll of 30 Nov", None, "open until 7 Dec"))),
    GoalProgress(tuple(GoalBar(f"Goal number {n}", 20 + 10 * n, 50, f"{20 + 10 * n}%", "50%",
                               "on track" if n > 2 else "off track") for n in range(6))),
]
REPORT = Report("Bench", "the whole program", date(2026, 12, 7), "A summary. " * 20,
                tuple(GoalRow(f"Goal number {n}", "50%", f"{20 + 10 * n}%", "on track",
                              "since 2 Nov") for n in range(6)),
                tuple(CHARTS), tuple(f"- Figure line {n}: {n * 7} · {n * 3}%" for n in range(30)))


def stats_charts() -> None:
    for chart in CHARTS:
        charts.png(chart)


def report_page() -> None:
    render(REPORT)


async def ticking(work: Callable[[], object], in_thread: bool) -> tuple[float, list[float]]:
    """(seconds the work took, how late each 1 ms tick woke meanwhile)."""
    loop = asyncio.get_running_loop()
    lags: list[float] = []
    done = False

    async def tick() -> None:
        while not done:
            asked = loop.time()
            await asyncio.sleep(0.001)
            lags.append(loop.time() - asked - 0.001)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    if in_thread:
        await asyncio.to_thread(work)
    else:
        work()
    took = time.perf_counter() - started
    done = True
    await ticker
    return took, lags


def _line(label: str, took: list[float], lags: list[float]) -> str:
    ordered = sorted(lags)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (f"  {label:<22} {statistics.median(took):6.3f} s · tick lag p99 {1000 * p99:7.1f} ms"
            f" · max {1000 * ordered[-1]:7.1f} ms")


async def main(repeats: int) -> None:
    stats_charts()  # import matplotlib, load its fonts
    report_page()
    for label, work in (("stats: 4 PNG charts", stats_charts),
                        ("report: the PDF page", report_page)):
        print(label)
        for where, in_thread in (("on the event loop", False), ("in a thread", True)):
            took: list[float] = []
            lags: list[float] = []
            for _ in range(repeats):
                seconds, found = await ticking(work, in_thread)
                took.append(seconds)
                lags += found
            print(_line(where, took, lags))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    asyncio.run(main(parser.parse_args().repeats))

"""Does the matching solver hold the GIL, and what does a round cost the event loop?

    .venv/bin/python bench/matching_offloop.py [--n 10000] [--seed 7]

Part 1 runs each heavy step of the solver in a thread while the main thread counts in Python:
the main thread's longest stall shows whether the step releases the GIL (a stall as long as
the step: it holds it; a few milliseconds: it releases it, bar the interpreter's switch
interval). Part 2 runs a whole n x n `propose` while an asyncio loop ticks every millisecond,
inline, in a thread (`asyncio.to_thread`) and in a worker process (the pool pickled to it, as a
bare ProcessPoolExecutor; a real round reads the pool in the worker itself:
features/matching/round_run.py), and prints how late the ticks were: the lag every other
request on the loop would see.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import AT, cohort  # the benchmark cohorts, next to this file
from scipy.optimize import linear_sum_assignment
from scipy.sparse import random as sparse_random
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from features.matching.engine import Rules, Weights, propose
from features.matching.engine.pool_scoring import block_scores, encode_pool


def stall_during(step: Callable[[], object]) -> tuple[float, float]:
    """(seconds the step took in a thread, longest stall of the main thread meanwhile)."""
    done = threading.Event()
    took = 0.0

    def run() -> None:
        nonlocal took
        start = time.perf_counter()
        step()
        took = time.perf_counter() - start
        done.set()

    worker = threading.Thread(target=run)
    last = time.perf_counter()
    longest = 0.0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    worker.join()
    return took, longest


def gil_steps(n: int, seed: int) -> None:
    mentors, mentees, forbidden = cohort(min(n, 3000), seed)
    pool = encode_pool(mentors, mentees, Weights(), Rules(), forbidden, AT)
    rows = np.arange(len(mentors))
    rng = np.random.default_rng(seed)
    square = rng.random((2000, 2000))
    graph = sparse_random(
        n, n, density=min(1.0, 200 / n), format="csr", random_state=seed, dtype=float
    )
    graph.data += 1.0  # strictly positive: explicit zeros would drop out
    # Hopcroft-Karp is fast: give it a graph nearer the size of the sparse path's full-pool
    # check (about half of all n x n pairs), or it finishes before a stall can show.
    wide = sparse_random(n, n, density=0.2, format="csr", random_state=seed, dtype=np.float32)
    steps: dict[str, Callable[[], object]] = {
        "block_scores (3000 x 1333, numpy)": lambda: block_scores(pool, rows, rows[:1333]),
        "argpartition (4M cells, numpy)": lambda: np.argpartition(square, 1800, axis=1),
        "linear_sum_assignment (2000 x 2000)": lambda: linear_sum_assignment(square),
        f"min_weight_full_bipartite_matching ({n}, {graph.nnz} edges)": lambda: (
            min_weight_full_bipartite_matching(graph)
        ),
        f"maximum_bipartite_matching ({n}, {wide.nnz} edges)": lambda: maximum_bipartite_matching(
            wide
        ),
    }
    print("Part 1: each step in a thread; the main thread's longest stall meanwhile")
    print(f"{'step':>62} {'took s':>7} {'stall s':>8}  GIL")
    for name, step in steps.items():
        took, stall = stall_during(step)
        verdict = "held" if stall > 0.5 * took else "released" if stall < 0.2 * took else "?"
        print(f"{name:>62} {took:>7.3f} {stall:>8.3f}  {verdict}", flush=True)


async def ticks_while(work: Callable[[], object]) -> tuple[float, list[float]]:
    """Run `work` (a coroutine factory) while ticking every ms; (seconds, lateness per tick)."""
    late: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            due = time.perf_counter() + 0.001
            await asyncio.sleep(0.001)
            late.append(max(0.0, time.perf_counter() - due))

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    start = time.perf_counter()
    await work()  # type: ignore[misc]
    took = time.perf_counter() - start
    stop.set()
    await tick
    return took, late


def _summary(late: list[float]) -> str:
    ms = sorted(x * 1000 for x in late)
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    return f"{statistics.median(ms):>8.2f} {p99:>8.2f} {ms[-1]:>8.1f}"


async def loop_lag(n: int, seed: int) -> None:
    mentors, mentees, forbidden = cohort(n, seed)
    args = (mentors, mentees, Weights(), Rules(), forbidden)
    propose(mentors[:50], mentees[:50], Weights(), Rules(), at=AT)  # load timezone data

    async def inline() -> None:
        propose(*args, at=AT)

    async def thread() -> None:
        await asyncio.to_thread(propose, *args, at=AT)

    worker = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))

    async def process() -> None:
        await asyncio.get_running_loop().run_in_executor(worker, partial(propose, *args, at=AT))

    async def idle() -> None:
        await asyncio.sleep(2)

    worker.submit(os.getpid).result()  # a real bot starts it once and keeps it
    print(f"\nPart 2: {n} x {n} propose() beside an asyncio loop ticking every 1 ms")
    print(f"{'where':>16} {'wall s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  (tick lateness)")
    runs = {"no round": idle, "inline": inline, "thread": thread, "process": process}
    for name, work in runs.items():
        took, late = await ticks_while(work)
        print(f"{name:>16} {took:>7.2f} {_summary(late)}", flush=True)
    worker.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    gil_steps(args.n, args.seed)
    asyncio.run(loop_lag(args.n, args.seed))


if __name__ == "__main__":
    main()

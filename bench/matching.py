"""Benchmark of the matching engine on synthetic cohorts.

    .venv/bin/python bench/matching.py [--sizes 1000,5000,10000] [--lopsided 500,1000,2000]
                                       [--seed 7] [--k 1]

Balanced pools: n junior mentors x n senior mentees. Lopsided pools: n juniors x 2n seniors with
30% of all possible pairs forbidden, where the most pairs and the best total part ways. For each
it prints the wall time of `propose` as the bot calls it, its peak memory, how many pairs it
found against the most the pool allows (Hopcroft-Karp over every allowed pair), its total score,
and that total relative to the exact optimum (dense solve, up to --exact-max mentors) and to a
greedy baseline (best remaining pair first), which lives only here.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from features.matching.engine import Participant, Rules, Weights, propose
from features.matching.engine.cardinality import maximum_matching
from features.matching.engine.pool_scoring import block_scores, encode_pool
from features.matching.engine.solver import DENSE_MAX_CELLS

TIMEZONES = (
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
CADENCES = ("weekly", "fortnightly", "monthly")
TOPICS = tuple(f"topic-{i:02d}" for i in range(20))
# Some topics are far more wanted than others, which makes people compete for the same partners.
_POPULARITY = [1 / math.sqrt(i + 1) for i in range(len(TOPICS))]
AT = datetime(2025, 3, 3, 12, tzinfo=UTC)


def _topics(rng: random.Random) -> frozenset[str]:
    wanted = rng.randint(3, 6)
    chosen: set[str] = set()
    while len(chosen) < wanted:
        chosen.add(rng.choices(TOPICS, _POPULARITY)[0])
    return frozenset(chosen)


Cohort = tuple[list[Participant], list[Participant], list[tuple[int, int]]]


def cohort(n: int, seed: int, lopsided: bool = False) -> Cohort:
    """n junior mentors, n senior mentees (30 teams, 13 timezones) and n/2 earlier pairs; or,
    lopsided, 2n senior mentees and 30% of all n x 2n pairs forbidden."""
    rng = random.Random(seed)

    def person(pid: int, lo: int, hi: int) -> Participant:
        team = rng.randrange(30)
        return Participant(
            id=pid,
            team=f"team-{team}",
            department=f"dept-{team % 8}",
            seniority=rng.randint(lo, hi),
            timezone=rng.choice(TIMEZONES),
            teaches=_topics(rng),
            learns=_topics(rng),
            cadence=rng.choice(CADENCES),
            capacity=rng.randint(1, 3),
        )

    mentors = [person(i, 1, 5) for i in range(n)]
    mentees = [person(n + i, 2, 8) for i in range((2 if lopsided else 1) * n)]
    if not lopsided:
        return mentors, mentees, [(rng.randrange(n), n + rng.randrange(n)) for _ in range(n // 2)]
    cells = n * len(mentees)
    picked = np.random.default_rng(seed).choice(cells, int(0.3 * cells), replace=False)
    rows, cols = (picked // len(mentees)).tolist(), (n + picked % len(mentees)).tolist()
    forbidden = list(zip(rows, cols, strict=True))
    return mentors, mentees, forbidden


def most_pairs(
    mentors: list[Participant], mentees: list[Participant], forbidden: list, k: int
) -> int:
    """The largest number of pairs the pool allows, over every allowed pair."""
    pool = encode_pool(mentors, mentees, Weights(), Rules(max_mentees_per_mentor=k), forbidden, AT)
    rows = np.flatnonzero(pool.mentors.slots > 0)
    cols = np.arange(len(mentees))
    return len(maximum_matching(pool, rows, cols, pool.mentors.slots[rows]))


def greedy_total(
    mentors: list[Participant],
    mentees: list[Participant],
    forbidden: list[tuple[int, int]],
    weights: Weights,
    rules: Rules,
) -> float:
    """Best remaining allowed pair first, over every allowed pair of the pool."""
    pool = encode_pool(mentors, mentees, weights, rules, forbidden, AT)
    rows = np.arange(len(mentors))
    vals, rs, cs = [], [], []
    step = max(1, 2_000_000 // len(rows))
    for start in range(0, len(mentees), step):
        cols = np.arange(start, min(len(mentees), start + step))
        score = block_scores(pool, rows, cols)
        r, c = np.nonzero(score)
        vals.append(score[r, c].astype(np.float32))
        rs.append(r.astype(np.int32))
        cs.append(cols[c].astype(np.int32))
    val, r, c = np.concatenate(vals), np.concatenate(rs), np.concatenate(cs)
    order = np.argsort(-val, kind="stable")
    val, r, c = val[order], r[order], c[order]
    free = pool.mentors.slots.copy()
    taken = np.zeros(len(mentees), dtype=bool)
    total = 0.0
    # Filter each batch against the state at its start (vectorised), then walk the few survivors.
    for start in range(0, len(val), 100_000):
        sl = slice(start, start + 100_000)
        alive = np.flatnonzero((free[r[sl]] > 0) & ~taken[c[sl]]) + start
        for i in alive.tolist():
            mentor, mentee = r[i], c[i]
            if free[mentor] > 0 and not taken[mentee]:
                free[mentor] -= 1
                taken[mentee] = True
                total += float(val[i])
        if taken.all() or not free.any():
            break
    return total


def _peak_rss_mb() -> float:
    # VmHWM starts afresh in a new process; ru_maxrss would carry over the parent's peak, which
    # the exact and greedy runs of a previous size have pushed up.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(n: int, seed: int, k: int, lopsided: bool) -> dict[str, float]:
    """Time and memory of one propose() call, meant to run in a fresh process."""
    mentors, mentees, forbidden = cohort(n, seed, lopsided)
    weights, rules = Weights(), Rules(max_mentees_per_mentor=k)
    propose(mentors[:50], mentees[:50], weights, rules, at=AT)  # load timezone data and the like
    gc.collect()
    rss_before = _peak_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    proposal = propose(mentors, mentees, weights, rules, forbidden, at=AT)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss_growth = _peak_rss_mb() - rss_before
    tracemalloc.start()
    propose(mentors, mentees, weights, rules, forbidden, at=AT)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "wall": wall,
        "cpu": cpu,
        "peak": peak,
        "rss": rss_growth,
        "pairs": len(proposal.pairs),
        "wait": len(proposal.waitlist),
        "total": proposal.total_score,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument(
        "--lopsided", default="500,1000,2000", help="juniors; twice as many seniors"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--k", type=int, default=1, help="max mentees per mentor")
    parser.add_argument("--exact-max", type=int, default=10000, help="most mentors solved densely")
    parser.add_argument("--no-greedy", action="store_true")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # child process mode
    parser.add_argument("--measure-lopsided", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.seed, args.k, args.measure_lopsided)))
        return
    weights, rules = Weights(), Rules(max_mentees_per_mentor=args.k)

    print(
        "wall/cpu: propose() in a fresh process; peak: tracemalloc peak of a second call (numpy "
        "and Python heap; scipy's C++ buffers are O(n) and not seen); rss+: growth of the peak "
        "resident set (VmHWM) during the timed call; pairs/most: pairs proposed / the most the "
        "pool allows; /optimum: total over the exact dense optimum (most pairs, then best "
        "total); /greedy: total over best-remaining-pair-first greedy"
    )
    head = f"{'pool':>12} {'path':>6} {'wall s':>7} {'cpu s':>6} {'peak MB':>8} {'rss+ MB':>8} "
    head += f"{'pairs/most':>12} {'wait':>6} {'total':>10} {'/optimum':>9} {'/greedy':>8}"
    print(head)
    runs = [(int(s), False) for s in args.sizes.split(",") if s]
    runs += [(int(s), True) for s in args.lopsided.split(",") if s]
    for n, lopsided in runs:
        child = [sys.executable, __file__, "--measure", str(n), "--seed", str(args.seed)]
        child += ["--k", str(args.k), *(["--measure-lopsided"] if lopsided else [])]
        got = json.loads(subprocess.run(child, check=True, capture_output=True).stdout)
        mentors, mentees, forbidden = cohort(n, args.seed, lopsided)
        most = most_pairs(mentors, mentees, forbidden, args.k)
        exact = "-"
        if n <= args.exact_max:
            best = propose(mentors, mentees, weights, rules, forbidden, at=AT, method="dense")
            exact = f"{got['total'] / best.total_score:.6f}"
            if len(best.pairs) != most:  # two exact methods must agree on the count
                exact += "!"
        versus_greedy = "-"
        if not args.no_greedy:
            greedy = greedy_total(mentors, mentees, forbidden, weights, rules)
            versus_greedy = f"{got['total'] / greedy:.4f}"
        cells = sum(min(p.capacity, args.k) for p in mentors) * len(mentees)
        path = "dense" if cells <= DENSE_MAX_CELLS else "sparse"
        shape = f"{n}x{len(mentees)}{'*' if lopsided else ''}"
        found = f"{got['pairs']:.0f}/{most}"
        print(
            f"{shape:>12} {path:>6} {got['wall']:>7.2f} {got['cpu']:>6.2f} {got['peak']:>8.0f} "
            f"{got['rss']:>8.0f} {found:>12} {got['wait']:>6.0f} "
            f"{got['total']:>10.1f} {exact:>9} {versus_greedy:>8}",
            flush=True,
        )
    if any(lopsided for _, lopsided in runs):
        print("*: lopsided, twice as many seniors as juniors and 30% of all pairs forbidden")


if __name__ == "__main__":
    main()

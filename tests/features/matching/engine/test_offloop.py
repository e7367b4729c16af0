"""`propose_async`: the same round as `propose`, solved in a worker process the loop awaits."""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

import pytest

from features.matching.engine import (
    Method,
    Participant,
    Rules,
    Weights,
    propose,
    propose_async,
    shutdown_worker,
    start_worker,
)

AT = datetime(2025, 1, 15, 12, tzinfo=UTC)
TOPICS = ("ai", "social", "lead", "data", "video")


@pytest.fixture(autouse=True, scope="module")
def _one_worker_for_the_module() -> Iterator[None]:
    yield
    shutdown_worker()


def cohort(n: int, seed: int) -> tuple[list[Participant], list[Participant], set]:
    rng = random.Random(seed)

    def someone(pid: int, lo: int, hi: int) -> Participant:
        return Participant(
            id=pid,
            team=f"team-{rng.randrange(6)}",
            department=f"dept-{rng.randrange(3)}",
            seniority=rng.randint(lo, hi),
            timezone=rng.choice(("Europe/Berlin", "Asia/Kolkata", "America/New_York")),
            teaches=frozenset(rng.sample(TOPICS, rng.randint(1, 3))),
            learns=frozenset(rng.sample(TOPICS, rng.randint(1, 3))),
            cadence=rng.choice(("weekly", "monthly")),
            capacity=rng.choice((1, 2)),
        )

    mentors = [someone(i, 1, 3) for i in range(n)]
    mentees = [someone(1000 + i, 2, 5) for i in range(n + n // 2)]
    forbidden = {(rng.randrange(n), 1000 + rng.randrange(n)) for _ in range(n)}
    return mentors, mentees, forbidden


@pytest.mark.parametrize("method", ["auto", "sparse"])
async def test_a_round_solved_in_the_worker_is_the_round_solved_inline(method: Method) -> None:
    mentors, mentees, forbidden = cohort(1200, seed=3)  # > 1,000 people: pickled in steps
    labels = {"ai": "AI tools"}
    rules = Rules(max_mentees_per_mentor=2)
    here = propose(mentors, mentees, Weights(), rules, forbidden, labels, at=AT, method=method)
    there = await propose_async(
        mentors, mentees, Weights(), rules, forbidden, labels, at=AT, method=method
    )
    assert there == here
    assert len(there.pairs) > 1000


async def test_any_executor_can_run_it() -> None:
    mentors, mentees, forbidden = cohort(30, seed=4)
    with ThreadPoolExecutor(1) as threads:
        there = await propose_async(
            mentors, mentees, Weights(), Rules(), forbidden, at=AT, executor=threads
        )
    assert there == propose(mentors, mentees, Weights(), Rules(), forbidden, at=AT)


async def test_bad_input_raises_the_same_error_from_the_worker() -> None:
    mentors, _, _ = cohort(3, seed=5)
    with pytest.raises(ValueError, match="mentor id appears more than once"):
        await propose_async([*mentors, mentors[0]], [], Weights(), Rules())


async def test_a_killed_worker_fails_one_round_and_the_next_gets_a_fresh_worker() -> None:
    mentors, mentees, forbidden = cohort(30, seed=6)
    first = await start_worker()
    os.kill(first, signal.SIGKILL)  # as the kernel would when memory runs out
    with pytest.raises(BrokenProcessPool):
        await propose_async(mentors, mentees, Weights(), Rules(), forbidden, at=AT)
    again = await propose_async(mentors, mentees, Weights(), Rules(), forbidden, at=AT)
    assert again == propose(mentors, mentees, Weights(), Rules(), forbidden, at=AT)
    assert await start_worker() != first

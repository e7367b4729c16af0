"""`propose`, awaited from the event loop and run in a worker process.

A 10,000 x 10,000 round takes seconds of CPU. numpy and scipy's dense linear_sum_assignment
release the GIL, but scipy.sparse.csgraph's matchings (the sparse path's solve and its
maximum-cardinality check) hold it throughout: in a thread, a 10,000 x 10,000 round stalls the
loop for about 2 s at once; in a worker process, for at most about 50 ms
(bench/matching_offloop.py). One worker is enough: rounds are rare, and on a small machine
the other core stays free for the loop.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import threading
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from features.matching.engine.model import Participant, Proposal, Rules, WaitlistCode, Weights
from features.matching.engine.solver import DEFAULT_TOP_K, Method, propose

T = TypeVar("T")
# Items pickled per step: a few milliseconds each, then the loop gets its turn. Pickled whole,
# 20,000 people would hold the GIL for about 0.1 s in the executor's feeder thread.
_CHUNK = 1000
# The worker yields the CPU to the bot's own process, whose event loop serves people.
_WORKER_NICENESS = 10

_lock = threading.Lock()
_worker: ProcessPoolExecutor | None = None


def _shared_worker() -> ProcessPoolExecutor:
    global _worker
    with _lock:
        if _worker is None:
            # "spawn", never fork: forking a process with running threads (the database
            # driver's, the scheduler's) can copy a lock that no thread will ever release.
            _worker = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=os.nice,
                initargs=(_WORKER_NICENESS,),
            )
        return _worker


def _forget(worker: ProcessPoolExecutor) -> None:
    global _worker
    with _lock:
        if _worker is worker:
            _worker = None
    worker.shutdown(wait=False, cancel_futures=True)


async def _pickled(items: Sequence[T]) -> list[bytes]:
    chunks = []
    for start in range(0, len(items), _CHUNK):
        chunks.append(pickle.dumps(items[start : start + _CHUNK], pickle.HIGHEST_PROTOCOL))
        await asyncio.sleep(0)
    return chunks


def _unpickled(chunks: list[bytes]) -> list:  # type: ignore[type-arg]
    return [item for chunk in chunks for item in pickle.loads(chunk)]


def _propose_pickled(
    mentors: list[bytes],
    mentees: list[bytes],
    weights: Weights,
    rules: Rules,
    forbidden: list[bytes],
    **options: object,
) -> Proposal:
    """In the worker: `propose` on the people and pairs that `propose_async` pickled."""
    people = _unpickled(mentors), _unpickled(mentees)
    return propose(*people, weights, rules, _unpickled(forbidden), **options)  # type: ignore[arg-type]


async def propose_async(
    mentors: Sequence[Participant],
    mentees: Sequence[Participant],
    weights: Weights,
    rules: Rules,
    forbidden: Collection[tuple[int, int]] = (),
    topic_labels: Mapping[str, str] | None = None,
    *,
    at: datetime | None = None,
    method: Method = "auto",
    top_k: int = DEFAULT_TOP_K,
    blocked: Mapping[WaitlistCode, Collection[tuple[int, int]]] | None = None,
    executor: Executor | None = None,
) -> Proposal:
    """The same Proposal as `propose` with the same arguments, computed in `executor` (by
    default one shared worker process, started on first use) while the loop keeps serving.

    `at` defaults to the moment of the call, not of the solve. Bad arguments raise the same
    ValueError as `propose`. If the worker process dies (say, killed for memory), this raises
    BrokenProcessPool and the next call starts a fresh worker. Cancelling the await does not
    stop a solve already running; its result is dropped.
    """
    at = at or datetime.now(UTC)
    call = partial(
        _propose_pickled,
        await _pickled(list(mentors)),
        await _pickled(list(mentees)),
        weights,
        rules,
        await _pickled(list(forbidden)),  # a set or a dict view crosses as a plain list
        topic_labels=dict(topic_labels) if topic_labels is not None else None,
        at=at,
        method=method,
        top_k=top_k,
        blocked={code: list(pairs) for code, pairs in (blocked or {}).items()},
    )
    pool = executor or _shared_worker()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, call)
    except BrokenProcessPool:
        if executor is None:
            _forget(pool)  # type: ignore[arg-type]
        raise


async def start_worker() -> int:
    """Start the shared worker now rather than on the first round (it imports numpy and scipy,
    about a second), and return its process id."""
    return await asyncio.get_running_loop().run_in_executor(_shared_worker(), os.getpid)


def shutdown_worker() -> None:
    """Stop the shared worker process, if one was started (for the app's cleanup)."""
    global _worker
    with _lock:
        worker, _worker = _worker, None
    if worker is not None:
        worker.shutdown(wait=True, cancel_futures=True)

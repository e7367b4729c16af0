"""Background tasks: work a unit of work starts once it commits, run beside the event loop.

A task (a matching round, say) runs as an asyncio task of the process that committed it, opens
its own short transactions, and sends its CPU-heavy steps to one worker process, so the loop
keeps answering people meanwhile. What makes a task durable and exactly-once is the row it was
started on, which the feature owns (features/matching/round_run.py); this module only runs it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, TypeVar

from config.program import Program
from config.prompt_catalog import Catalog
from core.clock import Clock
from core.context import Context
from core.erasure import Eraser
from core.outgoing import Outbox
from features.registry import Task
from runtime.worker_units import Setting, run_units, worker_start
from storage.database import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

# The worker yields the CPU to this process, whose event loop serves people.
WORKER_NICENESS = 10
# Imported first by the fork server, by name only: importing it lowers the fork server's
# priority before the heavy imports (runtime/fork_server_priority.py).
PRIORITY_MODULE = "runtime.fork_server_priority"


class Tasks:
    def __init__(self, database: Database, program: Program, clock: Clock, catalog: Catalog,
                 outbox: Outbox, tasks: Mapping[str, Task],
                 on_queued: Callable[[], None] = lambda: None, *,
                 erasers: Sequence[Eraser] = ()) -> None:
        self._database, self._program, self._clock = database, program, clock
        self._catalog, self._outbox, self._on_queued = catalog, outbox, on_queued
        self._tasks = dict(tasks)
        self._modules = {run.__module__ for run in self._tasks.values()}
        self._erasers = tuple(erasers)
        self._running: set[asyncio.Task[None]] = set()
        self._worker: ProcessPoolExecutor | None = None
        self._started: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()

    @property
    def database_url(self) -> str:
        return self._database.url

    def start(self, name: str, row_id: int) -> None:
        """Run task `name` on `row_id` from now on; returns at once."""
        run = self._tasks[name]
        task = asyncio.create_task(self._run(name, run, row_id), name=f"{name}:{row_id}")
        self._running.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._running.discard)

    async def _run(self, name: str, run: Task, row_id: int) -> None:
        try:
            await run(self, row_id)
        except Exception:
            log.exception("task %s on %s failed", name, row_id, extra={"task": name})

    async def idle(self) -> None:
        """Wait until no task is running (tasks may start others)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Context]:
        async with self._database.session() as session:
            ctx = Context(session, self._program, self._clock, self._catalog, self._outbox,
                          erasers=self._erasers)
            yield ctx
            await ctx.refresh_reached()
        if ctx.queued:
            self._on_queued()

    async def offload(self, fn: Callable[..., T], *args: Any) -> T:
        worker = self._worker_process()
        try:
            await self._started_worker()
            return await asyncio.get_running_loop().run_in_executor(worker, partial(fn, *args))
        except BrokenProcessPool:
            self._forget(worker)
            raise

    async def offload_units(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        setting = Setting(self._database.url, self._program, self._clock, self._catalog,
                          self._outbox)
        result, queued = await self.offload(run_units, setting, fn, args)
        if queued:
            self._on_queued()
        return result

    async def _started_worker(self) -> ProcessPoolExecutor:
        """The worker, its process started from a thread: the executor starts it inside
        `submit`, which waits for the fork server, and the first time the fork server imports
        the tasks' modules first (seconds, measured as a 6 s stall of everyone's acks)."""
        worker = self._worker_process()
        if worker not in self._started:
            await asyncio.to_thread(lambda: worker.submit(os.getpid).result())
            self._started.add(worker)
        return worker

    def _worker_process(self) -> ProcessPoolExecutor:
        if self._worker is None:
            # Never a plain fork of this process: forking a process with running threads (the
            # database driver's, the scheduler's) can copy a lock no thread will ever release.
            # A fork server is a clean single-threaded process, started once with the tasks'
            # modules imported (numpy, scipy: seconds); each worker forked from it then starts
            # in about 15 ms, where spawning one would import everything again.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([
                PRIORITY_MODULE, *sorted({*self._modules, run_units.__module__})])
            self._worker = ProcessPoolExecutor(1, mp_context=context, initializer=worker_start,
                                               initargs=(os.getpid(), WORKER_NICENESS))
        return self._worker

    def _forget(self, worker: ProcessPoolExecutor) -> None:
        if self._worker is worker:
            self._worker = None
        worker.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    async def _stop(worker: ProcessPoolExecutor) -> None:
        """Stop the worker now, even mid-solve: shutting the executor down alone lets a running
        call finish (a minute for a large round), and the interpreter's exit waits for it, so a
        stopped service would linger or leave the process behind. The round it was computing
        is taken over later (features/matching/round_run.py)."""
        processes = list((getattr(worker, "_processes", None) or {}).values())
        worker.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            await asyncio.to_thread(process.join, 5)
            if process.is_alive():
                process.kill()

    async def start_worker(self) -> int:
        """Start the worker now rather than on the first task, and return its process id."""
        worker = await self._started_worker()
        return await asyncio.get_running_loop().run_in_executor(worker, os.getpid)

    async def close(self) -> None:
        """Stop running tasks and the worker. A task's row stays as it was: a round left
        running is taken over once its beat is old (features/matching/round_run.py)."""
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        worker, self._worker = self._worker, None
        if worker is not None:
            await self._stop(worker)

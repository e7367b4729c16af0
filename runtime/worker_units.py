"""Units of work inside the worker process: a task's heavy step reads, stores and queues there,
over the worker's own database connection, so nothing large crosses back to the event loop.

Measured with bench/match_acks.py: a 10,000 x 10,000 round's result crossing back as an 8 MB
pickle and stored from the loop (4.5 MB of JSON) held everyone's acks for hundreds of ms.
"""

from __future__ import annotations

import asyncio
import os
import select
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from config.program import Program
from config.prompt_catalog import Catalog
from core.clock import Clock
from core.context import Context
from core.outgoing import Outbox
from runtime.fork_server_priority import lower_to
from storage.database import Database

T = TypeVar("T")
WORKER_NAME = "turnabout worker"  # its PostgreSQL connection's application_name


@dataclass(frozen=True)
class Setting:
    """What a unit of work needs, as the service holds it; pickled once per offloaded call."""

    database_url: str
    program: Program
    clock: Clock
    catalog: Catalog
    outbox: Outbox


class WorkerUnits:
    """`features.registry.Units` inside the worker (no erasers: nobody is forgotten there)."""

    def __init__(self, setting: Setting, database: Database) -> None:
        self._setting, self._database = setting, database
        self.queued = False

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Context]:
        s = self._setting
        async with self._database.session() as session:
            ctx = Context(session, s.program, s.clock, s.catalog, s.outbox)
            yield ctx
        self.queued = self.queued or bool(ctx.queued)


def run_units(setting: Setting, fn: Callable[..., Awaitable[T]],
              args: tuple[Any, ...]) -> tuple[T, bool]:
    """In the worker: `await fn(units, *args)` on a loop of its own; (its result, whether any
    unit queued a message for the service to deliver)."""
    return asyncio.run(_run(setting, fn, args))


async def _run(setting: Setting, fn: Callable[..., Awaitable[T]],
               args: tuple[Any, ...]) -> tuple[T, bool]:
    database = Database(setting.database_url, application_name=WORKER_NAME)
    units = WorkerUnits(setting, database)
    try:
        result = await fn(units, *args)
    finally:
        await database.dispose()
    return result, units.queued


def worker_start(service_pid: int, niceness: int) -> None:
    """The worker's first step: yield the CPU to the service, whose event loop serves people,
    and end when the service does. A service stopped gracefully stops its worker itself
    (runtime/tasks.py); killed outright, it cannot, and a solve could run on for a minute."""
    lower_to(niceness)  # forked from the fork server, it may already be as low as wanted
    threading.Thread(target=_exit_with, args=(service_pid,), daemon=True,
                     name="exit-with-service").start()


def _exit_with(service_pid: int) -> None:
    try:
        watched = os.pidfd_open(service_pid)  # readable once the process has ended
    except (AttributeError, OSError):  # no pidfd (not Linux, or an old kernel): poll instead
        while _alive(service_pid):
            time.sleep(1.0)
    else:
        select.select([watched], [], [])
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

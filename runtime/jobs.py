"""Scheduled jobs: each one a single call into the flows with the current time.

Jobs only enqueue (outbox rows under unique keys), so running one twice, or in every replica
at once, queues nothing twice; delivery happens afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta

from config.program import Program
from config.prompt_catalog import Catalog
from core.clock import Clock
from core.context import Context
from core.outgoing import Outbox
from features.registry import Job, Registry
from runtime.telemetry import NoTelemetry, Telemetry
from storage import events, exports
from storage.database import Database

log = logging.getLogger(__name__)

EVENT_MEMORY = timedelta(days=14)
# The longest delivery waits for running jobs before it claims more rows anyway: a job that
# runs long must not hold every message back for its whole run.
JOBS_HOLD = 30.0


async def housekeeping(ctx: Context) -> int:
    """Forget inbound event ids once no platform would retry them (Slack retries for minutes,
    Teams for hours), and drop export files whose links expired."""
    await events.forget_events_before(ctx.session, ctx.now() - EVENT_MEMORY)
    return await exports.purge_expired(ctx.session, ctx.now())


class JobRunner:
    def __init__(self, database: Database, program: Program, clock: Clock, catalog: Catalog,
                 outbox: Outbox, jobs: Mapping[str, Job],
                 on_queued: Callable[[], None] = lambda: None,
                 telemetry: Telemetry | None = None) -> None:
        self._database, self._program, self._clock = database, program, clock
        self.jobs = dict(jobs)
        self._catalog, self._outbox, self._on_queued = catalog, outbox, on_queued
        self._telemetry: Telemetry = telemetry or NoTelemetry()
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def quiet(self, at_most: float = JOBS_HOLD) -> None:
        """Return once no job is running, or after `at_most` seconds.

        The delivery loop waits here before it claims more rows (bot.app): the jobs of a wave
        share the event loop and the database with it, and a wave over 100,000 people finished
        in two thirds of the time without delivery beside it (bench/scale.py). What they queue
        goes out once they are done; an event's own rows never wait for this."""
        if self._running:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), at_most)

    async def run(self, name: str) -> int:
        """Run one job in its own transaction; a failure is logged and retried next time."""
        self._running += 1
        self._idle.clear()
        try:
            return await self._run(name)
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()

    async def _run(self, name: str) -> int:
        try:
            async with self._database.session() as session:
                ctx = Context(session, self._program, self._clock, self._catalog, self._outbox)
                count = await self.jobs[name](ctx)
                # The last batch's people: earlier batches were refreshed as they committed.
                await ctx.refresh_reached()
        except Exception:
            log.exception("job %s failed; it runs again at its next time", name,
                          extra={"job": name, "outcome": "failed"})
            self._telemetry.job_ran(name, self._clock.now(), 0, ok=False)
            return 0
        self._telemetry.job_ran(name, self._clock.now(), count, ok=True)
        if count:
            log.info("job %s queued %s", name, count, extra={"job": name, "outcome": "queued"})
            self._on_queued()
        return count

    async def run_all(self) -> dict[str, int]:
        return {name: await self.run(name) for name in self.jobs}


def build_registry() -> Registry:
    """Every capability's commands, buttons, forms and jobs, plus the runtime's own job."""
    from features import register_all

    registry = Registry()
    register_all(registry)
    registry.job("housekeeping", housekeeping)
    return registry

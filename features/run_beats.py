"""The beat of background work whose row is its marker (storage/task_runs.py): while a task
works on its row it records every BEAT_SECONDS that its process is alive; a row whose beat is
older than STALE was left by a process that stopped, and is taken over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from features.registry import Units
from storage import task_runs

log = logging.getLogger(__name__)

BEAT_SECONDS = 20.0
STALE = timedelta(minutes=3)  # several missed beats: the process running it has stopped


@contextlib.asynccontextmanager
async def beating(units: Units, model: type[task_runs.Run], live: str,
                  run_id: int) -> AsyncIterator[None]:
    """Beat for row `run_id` of `model` while the block runs."""
    task = asyncio.create_task(_beat(units, model, live, run_id))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _beat(units: Units, model: type[task_runs.Run], live: str, run_id: int) -> None:
    while True:
        await asyncio.sleep(BEAT_SECONDS)
        try:
            async with units.unit() as ctx:
                await task_runs.beat(ctx.session, model, live, run_id, ctx.now())
        except Exception:  # a missed beat is retried; only several in a row look stale
            log.warning("%s %s could not record that it is alive", model.__tablename__, run_id)

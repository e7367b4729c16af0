"""SentMarks: rows the platform accepted, recorded as sent in one transaction per handful, and
rows given back to wait for their turn, recorded in the same transactions.

Kept apart from the dispatcher because it is the one place that batches writes across
concurrent senders (its own lock, timer and flush tasks), and its crash story is its own.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from core.clock import Clock
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox import claims

log = logging.getLogger(__name__)

# Sent rows are recorded together, this many at most or this many seconds after the first.
MARK_BATCH = 10
MARK_WAIT = 0.1


class SentMarks:
    """Rows whose post went through, recorded as sent in one transaction for a handful of sends.

    One commit per send (a disk sync on SQLite) kept writers queued for the write lock while
    holding pool connections; the next sends' reads waited behind them, and the stalls reached
    the platform as bursts, which Slack's workspace cap answered with 429s. Only rows the
    platform accepted are ever added. A crash before the flush leaves them 'sending': the next
    dispatcher asks the platform (find_sent), and where it cannot tell (Slack and Teams, which
    the bot never reads back) sends them once more. So a mark waits at most MARK_WAIT.
    """
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database, self._clock = database, clock
        self._pending: list[tuple[OutboxMessage, str | None, datetime]] = []
        # Home views whose turn is minutes off: during a job's fan-out thousands go back, and a
        # transaction apiece took a third of the posts' rate (bench/fanout.py).
        self._released: list[tuple[OutboxMessage, float, datetime]] = []
        self._first = 0.0
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()

    async def add(self, row: OutboxMessage, message_id: str | None) -> None:
        self._start_wait()
        self._pending.append((row, message_id, self._clock.now()))
        await self._flush_when_due()

    async def give_back(self, row: OutboxMessage, delay: float) -> int:
        """Return an untried row to the outbox, due in `delay` seconds. A crash before the
        flush leaves it claimed: its lease runs out and it is simply claimed again."""
        self._start_wait()
        self._released.append((row, delay, self._clock.now()))
        await self._flush_when_due()
        return 0

    def _start_wait(self) -> None:
        if self._pending or self._released:
            return
        loop = asyncio.get_running_loop()
        self._first = loop.time()
        # Even when no further send comes along to trigger it, the flush happens on time.
        self._timer = loop.call_later(MARK_WAIT, self._flush_later)

    async def _flush_when_due(self) -> None:
        waited = asyncio.get_running_loop().time() - self._first
        if len(self._pending) + len(self._released) >= MARK_BATCH or waited >= MARK_WAIT:
            await self.flush()

    def _flush_later(self) -> None:
        task = asyncio.get_running_loop().create_task(self.flush())
        self._flushing.add(task)
        task.add_done_callback(self._flushed)

    def _flushed(self, task: asyncio.Task[None]) -> None:
        self._flushing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("recording sent messages failed", exc_info=task.exception())

    async def flush(self) -> None:
        async with self._lock:  # one transaction at a time; later sends gather meanwhile
            marks, self._pending = self._pending, []
            released, self._released = self._released, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not marks and not released:
                return
            async with self._database.session() as session:
                for row, message_id, sent_at in marks:
                    await claims.mark_sent(session, row.id, row.claimed_by, sent_at,  # type: ignore[arg-type]
                                           message_id)
                for row, delay, at in released:
                    await claims.release(session, row, at, delay)

    async def close(self) -> None:
        """Record everything still pending, including flushes the timer started."""
        await self.flush()
        if self._flushing:
            await asyncio.gather(*self._flushing, return_exceptions=True)

"""Delivers queued outbox rows through each platform's Messenger, paced per workspace."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial

from core import keys
from core.clock import Clock
from core.events import Address
from core.messages import Home, Message
from core.ports import DeliveryError, HomePublisher, Messenger
from runtime.pacing import HomeViewPacing, Pacer
from runtime.telemetry import NoTelemetry, Telemetry
from storage import outbox
from storage.database import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# A Retry-After up to this is waited out in memory; a longer one gives the row back.
HOLD_LIMIT = 5.0
RATE_LIMIT_RETRIES = 10
# How long a claim keeps other dispatchers off a row; a dispatcher that dies holds its rows
# this long before another takes them over (and asks the platform, where it can tell, before
# resending).
LEASE = timedelta(minutes=2)
LEASE_MARGIN = timedelta(seconds=10)
# Sent rows are recorded together, this many at most or this many seconds after the first.
MARK_BATCH = 10
MARK_WAIT = 0.1
OWN_ROWS_WAIT = 5.0  # seconds an event waits for its rows that a full pass is already sending
# Slack's views.publish is Tier 4 ("100+ per minute" per workspace); a burst for the few
# views an event or a small job refreshes at once.
HOME_VIEWS_PER_MINUTE = 100.0
HOME_VIEWS_BURST = 10
HomeBuilder = Callable[[Address], Awaitable[Home]]


class _SentMarks:
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
        self._first = 0.0
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()

    async def add(self, row: OutboxMessage, message_id: str | None) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if not self._pending:
            self._first = now
            # Even when no further send comes along to trigger it, the flush happens on time.
            self._timer = loop.call_later(MARK_WAIT, self._flush_later)
        self._pending.append((row, message_id, self._clock.now()))
        if len(self._pending) >= MARK_BATCH or now - self._first >= MARK_WAIT:
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
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not marks:
                return
            async with self._database.session() as session:
                for row, message_id, sent_at in marks:
                    await outbox.mark_sent(session, row.id, row.claimed_by, sent_at,  # type: ignore[arg-type]
                                           message_id)

    async def close(self) -> None:
        """Record everything still pending, including flushes the timer started."""
        await self.flush()
        if self._flushing:
            await asyncio.gather(*self._flushing, return_exceptions=True)


class _Feed:
    """Claimed rows for the senders, topped up in the background before they run out."""

    def __init__(self, claim: Callable[[int], Awaitable[outbox.Batch]], batch: int,
                 low_water: int) -> None:
        self._claim, self._batch, self._low_water = claim, batch, low_water
        self._rows: deque[tuple[OutboxMessage, bool]] = deque()
        self._claiming: asyncio.Task[None] | None = None
        self._exhausted = False  # a claim found nothing due: this pass is over

    async def next(self) -> tuple[OutboxMessage, bool] | None:
        """The next row and whether it was reclaimed from a dead dispatcher; None when done."""
        while True:
            if len(self._rows) <= self._low_water and not self._exhausted \
                    and self._claiming is None:
                self._claiming = asyncio.create_task(self._top_up())
            if self._rows:
                return self._rows.popleft()
            if self._claiming is None:
                return None
            # shield: one sender being cancelled must not cancel the claim the others wait on
            await asyncio.shield(self._claiming)

    def left(self) -> list[tuple[OutboxMessage, bool]]:
        """Rows claimed and not handed to a sender (a pass stopped early)."""
        left, self._rows = list(self._rows), deque()
        return left

    async def close(self) -> None:
        """Stop a claim under way: rolled back, its rows stay free for the next pass."""
        if self._claiming is not None:
            self._claiming.cancel()
            with contextlib.suppress(BaseException):
                await self._claiming

    async def _top_up(self) -> None:
        try:
            claimed = await self._claim(self._batch)
        finally:
            self._claiming = None
        self._exhausted = not claimed.rows
        self._rows.extend((row, row.id in claimed.reclaimed) for row in claimed.rows)


class Dispatcher:
    def __init__(self, database: Database, messengers: Mapping[str, Messenger], clock: Clock,
                 pacer: Pacer | None = None, in_flight: int = 32,
                 lease: timedelta = LEASE, telemetry: Telemetry | None = None,
                 home: HomeBuilder | None = None, views: HomeViewPacing | None = None) -> None:
        self._database = database
        self._home = home  # builds a Home view from the database, as a home row goes out
        self._views = views or HomeViewPacing(HOME_VIEWS_PER_MINUTE, HOME_VIEWS_BURST)
        self._telemetry: Telemetry = telemetry or NoTelemetry()
        self._messengers = dict(messengers)
        self._clock = clock
        self._pacer = pacer or Pacer({}, 0.0)
        self._in_flight = in_flight
        self._lease = lease
        # Posting this close to the end of a claim could race a dispatcher taking the row over.
        self._margin = min(lease / 4, LEASE_MARGIN)
        self._lock = asyncio.Lock()
        # Rows this process is sending now: an event's own pass waits for those the full pass
        # took first, so "delivered" means delivered when the caller answers.
        # A row is in it from the moment a pass claims it, not only while it is posted: between
        # the two it sits in the feed, invisible to another claim.
        self._sending: dict[int, asyncio.Future[None]] = {}
        # Claims of full passes under way: the rows they are taking are not known until they
        # return, so an event's pass that found its rows taken waits for them first.
        self._full_claims: set[asyncio.Future[None]] = set()

    async def deliver_due(self, batch: int = 200, only: Sequence[int] | None = None) -> int:
        """Send everything due now; returns how many messages went out.

        `in_flight` senders take rows from a feed that claims `batch` rows at a time, the next
        batch while the last rows of the current one still go out: a stop at every batch
        boundary, and the catch-up burst after it, is what trips a platform's rate limit.
        `only` limits the pass to those rows (an event's own messages), found by primary key."""
        if only is not None and not only:
            return 0
        sent = await self._pass(batch, only)
        if only is not None:
            await self._taken_elsewhere(only)
        return sent

    async def _taken_elsewhere(self, only: Sequence[int]) -> None:
        """Wait (a bounded while) for this event's rows that a full pass took first, so the
        caller answers once they went out, without a pass over the whole outbox."""
        if self._full_claims:
            await asyncio.wait(list(self._full_claims), timeout=OWN_ROWS_WAIT)
        elsewhere = [self._sending[i] for i in only if i in self._sending]
        if elsewhere:
            await asyncio.wait(elsewhere, timeout=OWN_ROWS_WAIT)

    async def _pass(self, batch: int, only: Sequence[int] | None) -> int:
        # One full pass at a time per process (other replicas claim their own); an event's own
        # rows go out beside it, without waiting for a pass over the whole outbox.
        async with self._lock if only is None else contextlib.nullcontext():
            claim = self._claim if only is None else partial(self._claim, only=list(only))
            feed = _Feed(claim, batch, low_water=min(self._in_flight, batch))
            marks = _SentMarks(self._database, self._clock)

            async def sender() -> int:
                sent = 0
                while (item := await feed.next()) is not None:
                    # An event's own rows: someone is acting now and waits for their page.
                    sent += await self._send_one(marks, *item, urgent=only is not None)
                return sent

            senders = [asyncio.create_task(sender()) for _ in range(self._in_flight)]
            try:
                return sum(await asyncio.gather(*senders))
            finally:
                # On a failure or a cancel, stop the others before recording what was posted.
                for task in senders:
                    task.cancel()
                await asyncio.gather(*senders, return_exceptions=True)
                await feed.close()
                await marks.close()
                for row, _ in feed.left():  # claimed, never sent: nobody need wait for them
                    self._done_with(row.id)  # type: ignore[arg-type]

    async def _claim(self, batch: int, only: list[int] | None = None) -> outbox.Batch:
        loop = asyncio.get_running_loop()
        claiming: asyncio.Future[None] = loop.create_future()
        if only is None:
            self._full_claims.add(claiming)
        try:
            async with self._database.session() as session:
                claimed = await outbox.claim(session, self._clock.now(), limit=batch,
                                             lease=self._lease, only=only)
            for row in claimed.rows:
                self._sending.setdefault(row.id, loop.create_future())  # type: ignore[arg-type]
            return claimed
        finally:
            self._full_claims.discard(claiming)
            claiming.set_result(None)

    def _done_with(self, row_id: int) -> None:
        done = self._sending.pop(row_id, None)
        if done is not None and not done.done():
            done.set_result(None)

    async def _send_one(self, marks: _SentMarks, row: OutboxMessage, reclaimed: bool,
                        urgent: bool = False) -> int:
        assert row.id is not None
        try:
            if reclaimed and await self._sent_before_crash(row, marks):
                return 0
            if keys.is_home(row.key):
                return await self._send_home(row, marks, urgent)
            return await self._send(row, marks)
        finally:
            self._done_with(row.id)

    async def _sent_before_crash(self, row: OutboxMessage, marks: _SentMarks) -> bool:
        """A row whose dispatcher died mid-send: ask the platform before sending again."""
        messenger = self._messengers.get(row.platform)
        if messenger is None:
            return False
        try:
            message_id = await messenger.find_sent(row.tenant_id, json.loads(row.recipients),
                                                   row.key)
        except DeliveryError as exc:
            if exc.permanent:  # the platform will never tell us: send
                log.warning("cannot check whether %s was sent (%s); sending it", row.key, exc)
                return False
            # Unknown is not "not sent": the row stays claimed, its lease runs out, and the
            # next claim checks again (after a history rate limit has passed).
            log.warning("could not check whether %s was sent (%s); checking later", row.key, exc)
            return True
        except Exception:
            log.warning("could not check whether %s was sent; checking later", row.key,
                        exc_info=True)
            return True
        if message_id is None:
            return False
        await marks.add(row, message_id)
        log.info("outbox %s was sent before a restart; not sending it again", row.key)
        return True

    async def _send(self, row: OutboxMessage, marks: _SentMarks) -> int:
        recipients: list[str] = json.loads(row.recipients)
        message = Message.from_json(json.loads(row.payload))
        for _ in range(RATE_LIMIT_RETRIES):
            await self._pacer.wait_turn(row.platform, row.tenant_id, ",".join(recipients))
            if self._lease_running_out(row):
                # The row may be another dispatcher's any moment now, and it would not find
                # our post yet: leave the row to whoever claims it next (they check first).
                log.warning("outbox %s waited out most of its claim; leaving it", row.key)
                return 0
            try:
                message_id = await self._deliver(row, recipients, message)
            except DeliveryError as exc:
                if exc.retry_after is not None and not exc.permanent:
                    # Rate limited: this conversation, or the whole workspace, waits (the
                    # pacer tells which), and the try is not counted.
                    self._telemetry.rate_limited(row.platform, exc.retry_after)
                    self._pacer.rate_limited(row.platform, row.tenant_id, ",".join(recipients),
                                             min(exc.retry_after, HOLD_LIMIT),
                                             one_conversation=exc.one_conversation)
                    if exc.retry_after <= HOLD_LIMIT:
                        continue
                    return await self._give_back(row, exc.retry_after)
                return await self._failed(row, exc, exc.permanent)
            except Exception as exc:
                return await self._failed(row, exc, False)
            await marks.add(row, message_id)  # only now, after the platform took it
            self._telemetry.delivered(row.platform)
            return 1
        return await self._give_back(row, HOLD_LIMIT)

    async def _send_home(self, row: OutboxMessage, marks: _SentMarks, urgent: bool) -> int:
        """A Home view takes a turn on its workspace's views lane, never a post's. Someone
        acting now (an event's own rows, or a row re-armed for them: HOME_NOW) does not queue
        behind the views a job refreshed; once Slack says 429, they wait their turn too."""
        recipients: list[str] = json.loads(row.recipients)
        urgent = urgent or json.loads(row.payload).get("now") is True  # runtime/outgoing.py
        for _ in range(RATE_LIMIT_RETRIES):
            if not urgent:
                wait = self._views.turn(row.platform, row.tenant_id, row.id)  # type: ignore[arg-type]
                if wait > HOLD_LIMIT:
                    self._views.keep(row.id, wait)  # type: ignore[arg-type]
                    return await self._give_back(row, wait)
                await asyncio.sleep(wait)
            if self._lease_running_out(row):
                log.warning("outbox %s waited out most of its claim; leaving it", row.key)
                return 0
            try:
                await self._publish_home(self._messengers.get(row.platform), row, recipients)
            except DeliveryError as exc:
                if exc.retry_after is not None and not exc.permanent:
                    self._telemetry.rate_limited(row.platform, exc.retry_after)
                    self._views.rate_limited(row.platform, row.tenant_id, exc.retry_after)
                    urgent = False
                    continue
                return await self._failed(row, exc, exc.permanent)
            except Exception as exc:
                return await self._failed(row, exc, False)
            await marks.add(row, None)
            self._telemetry.delivered(row.platform)
            return 1
        return await self._give_back(row, HOLD_LIMIT)

    def _lease_running_out(self, row: OutboxMessage) -> bool:
        until = row.claimed_until
        return until is not None and self._clock.now() + self._margin >= until

    async def _deliver(self, row: OutboxMessage, recipients: list[str], message: Message) -> str | None:
        messenger = self._messengers.get(row.platform)
        if messenger is None:
            raise DeliveryError(f"{row.platform} is not connected", permanent=True)
        if len(recipients) == 1:
            return await messenger.send_dm(row.tenant_id, recipients[0], message, row.key)
        return await messenger.send_group(row.tenant_id, recipients, message, row.key)

    async def _publish_home(self, messenger: Messenger | None, row: OutboxMessage,
                            recipients: list[str]) -> None:
        """Built now, not when the row was queued: it shows what is true as it goes out."""
        if not isinstance(messenger, HomePublisher) or self._home is None or len(recipients) != 1:
            raise DeliveryError(f"{row.platform} has no Home view", permanent=True)
        address = Address(row.platform, recipients[0], row.tenant_id)  # type: ignore[arg-type]
        await messenger.publish_home(row.tenant_id, recipients[0], await self._home(address))
        return None

    async def _give_back(self, row: OutboxMessage, delay: float) -> int:
        async with self._database.session() as session:
            await outbox.release(session, row, self._clock.now(), delay)
        return 0

    async def _failed(self, row: OutboxMessage, exc: Exception, permanent: bool) -> int:
        async with self._database.session() as session:
            if permanent:
                row.attempts = outbox.MAX_ATTEMPTS - 1
            status = await outbox.mark_attempt_failed(
                session, row, self._clock.now(), str(exc) or type(exc).__name__, None)
        self._telemetry.delivery_failed(row.platform, gave_up=status == "failed")
        log.warning("outbox %s attempt failed (%s): %s", row.key, status, exc,
                    extra={"platform": row.platform, "outcome": status})
        return 0

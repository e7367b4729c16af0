"""Delivers queued outbox rows through each platform's Messenger, paced per workspace."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from datetime import timedelta

from flows.clock import Clock
from flows.messages import Message
from flows.pacing import Pacer
from flows.ports import DeliveryError, Messenger
from storage import outbox
from storage.database import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# A Retry-After up to this is waited out in memory; a longer one gives the row back.
HOLD_LIMIT = 5.0
RATE_LIMIT_RETRIES = 10
# How long a claim keeps other dispatchers off a row; a dispatcher that dies holds its rows
# this long before another takes them over (and checks with the platform before resending).
LEASE = timedelta(minutes=2)


class Dispatcher:
    def __init__(self, database: Database, messengers: Mapping[str, Messenger], clock: Clock,
                 pacer: Pacer | None = None, in_flight: int = 32,
                 lease: timedelta = LEASE) -> None:
        self._database = database
        self._messengers = dict(messengers)
        self._clock = clock
        self._pacer = pacer or Pacer({}, 0.0)
        self._in_flight = in_flight
        self._lease = lease
        self._lock = asyncio.Lock()

    async def deliver_due(self, batch: int = 200) -> int:
        """Send everything due now; returns how many messages went out."""
        sent = 0
        async with self._lock:  # one pass at a time per process; other replicas claim their own
            while True:
                async with self._database.session() as session:
                    claimed = await outbox.claim(session, self._clock.now(), limit=batch,
                                                 lease=self._lease)
                if not claimed.rows:
                    return sent
                slots = asyncio.Semaphore(self._in_flight)
                sent += sum(await asyncio.gather(*(
                    self._send_within(slots, row, row.id in claimed.reclaimed)
                    for row in claimed.rows)))

    async def _send_within(self, slots: asyncio.Semaphore, row: OutboxMessage,
                           reclaimed: bool) -> int:
        async with slots:
            if reclaimed and await self._sent_before_crash(row):
                return 0
            return await self._send(row)

    async def _sent_before_crash(self, row: OutboxMessage) -> bool:
        """A row whose dispatcher died mid-send: ask the platform before sending again."""
        messenger = self._messengers.get(row.platform)
        if messenger is None:
            return False
        try:
            message_id = await messenger.find_sent(row.tenant_id, json.loads(row.recipients),
                                                   row.key)
        except Exception:
            log.warning("could not check whether %s was sent; sending it", row.key, exc_info=True)
            return False
        if message_id is None:
            return False
        async with self._database.session() as session:
            await outbox.mark_sent(session, row.id, row.claimed_by, self._clock.now(),  # type: ignore[arg-type]
                                   message_id)
        log.info("outbox %s was sent before a restart; not sending it again", row.key)
        return True

    async def _send(self, row: OutboxMessage) -> int:
        recipients: list[str] = json.loads(row.recipients)
        message = Message.from_json(json.loads(row.payload))
        for _ in range(RATE_LIMIT_RETRIES):
            await self._pacer.wait_turn(row.platform, row.tenant_id, ",".join(recipients))
            try:
                message_id = await self._deliver(row, recipients, message)
            except DeliveryError as exc:
                if exc.retry_after is not None and not exc.permanent:
                    # Rate limited: the whole workspace waits, and the try is not counted.
                    self._pacer.bucket(row.platform, row.tenant_id).pause(
                        min(exc.retry_after, HOLD_LIMIT))
                    if exc.retry_after <= HOLD_LIMIT:
                        continue
                    return await self._give_back(row, exc.retry_after)
                return await self._failed(row, exc, exc.permanent)
            except Exception as exc:
                return await self._failed(row, exc, False)
            async with self._database.session() as session:
                await outbox.mark_sent(session, row.id, row.claimed_by, self._clock.now(),  # type: ignore[arg-type]
                                       message_id)
            return 1
        return await self._give_back(row, HOLD_LIMIT)

    async def _deliver(self, row: OutboxMessage, recipients: list[str], message: Message) -> str | None:
        messenger = self._messengers.get(row.platform)
        if messenger is None:
            raise DeliveryError(f"{row.platform} is not connected", permanent=True)
        if len(recipients) == 1:
            return await messenger.send_dm(row.tenant_id, recipients[0], message, row.key)
        return await messenger.send_group(row.tenant_id, recipients, message, row.key)

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
        log.warning("outbox %s attempt failed (%s): %s", row.key, status, exc)
        return 0

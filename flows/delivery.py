"""Delivers queued outbox rows through each platform's Messenger."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping

from flows.clock import Clock
from flows.messages import Message
from flows.ports import DeliveryError, Messenger
from storage import outbox
from storage.database import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self, database: Database, messengers: Mapping[str, Messenger], clock: Clock
    ) -> None:
        self._database = database
        self._messengers = dict(messengers)
        self._clock = clock
        self._lock = asyncio.Lock()

    async def deliver_due(self, batch: int = 50) -> int:
        """Send everything due now; returns how many messages went out."""
        sent = 0
        async with self._lock:  # one pass at a time per process; other replicas claim their own
            while True:
                async with self._database.session() as session:
                    rows = await outbox.claim(session, self._clock.now(), limit=batch)
                if not rows:
                    return sent
                for row in rows:
                    sent += await self._send(row)

    async def _send(self, row: OutboxMessage) -> int:
        messenger = self._messengers.get(row.platform)
        message = Message.from_json(json.loads(row.payload))
        recipients: list[str] = json.loads(row.recipients)
        assert row.id is not None and row.claimed_by is not None
        try:
            if messenger is None:
                raise DeliveryError(f"{row.platform} is not connected", permanent=True)
            if len(recipients) == 1:
                message_id = await messenger.send_dm(row.tenant_id, recipients[0], message)
            else:
                message_id = await messenger.send_group(row.tenant_id, recipients, message)
        except Exception as exc:
            retry_after = exc.retry_after if isinstance(exc, DeliveryError) else None
            permanent = isinstance(exc, DeliveryError) and exc.permanent
            async with self._database.session() as session:
                if permanent:
                    row.attempts = outbox.MAX_ATTEMPTS - 1
                status = await outbox.mark_attempt_failed(
                    session, row, self._clock.now(), str(exc) or type(exc).__name__, retry_after
                )
            log.warning("outbox %s attempt failed (%s): %s", row.key, status, exc)
            return 0
        async with self._database.session() as session:
            await outbox.mark_sent(session, row.id, row.claimed_by, self._clock.now(), message_id)
        return 1

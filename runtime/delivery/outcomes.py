"""RowOutcomes: what becomes of a claimed row that did not go out, and whether its claim still holds.

Shared by the post sender (dispatcher) and the Home view sender (home_views), so both give rows
back, count failures and respect the lease the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from core.clock import Clock
from runtime.telemetry import Telemetry
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox import claims

log = logging.getLogger(__name__)

# A Retry-After up to this is waited out in memory; a longer one gives the row back.
HOLD_LIMIT = 5.0
RATE_LIMIT_RETRIES = 10


@dataclass(frozen=True)
class RowOutcomes:
    database: Database
    clock: Clock
    telemetry: Telemetry
    # Posting this close to the end of a claim could race a dispatcher taking the row over.
    margin: timedelta

    def lease_running_out(self, row: OutboxMessage) -> bool:
        until = row.claimed_until
        return until is not None and self.clock.now() + self.margin >= until

    async def give_back(self, row: OutboxMessage, delay: float) -> int:
        async with self.database.session() as session:
            await claims.release(session, row, self.clock.now(), delay)
        return 0

    async def failed(self, row: OutboxMessage, exc: Exception, permanent: bool) -> int:
        async with self.database.session() as session:
            if permanent:
                row.attempts = claims.MAX_ATTEMPTS - 1
            status = await claims.mark_attempt_failed(
                session, row, self.clock.now(), str(exc) or type(exc).__name__, None)
        self.telemetry.delivery_failed(row.platform, gave_up=status == "failed")
        log.warning("outbox %s attempt failed (%s): %s", row.key, status, exc,
                    extra={"platform": row.platform, "outcome": status})
        return 0

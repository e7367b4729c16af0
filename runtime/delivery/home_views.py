"""HomeViewSender: Slack Home views, built as their row goes out and paced on their own lane.

Apart from the dispatcher's posts because a Home view differs on every count: it is built from
the database at send time (not from the queued payload), it takes turns on the workspace's
views.publish budget (HomeViewPacing), not the posting pacer, and someone acting now skips the
queue of views a job refreshed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from core.events import Address
from core.messages import Home
from core.ports import DeliveryError, HomePublisher, Messenger
from runtime.delivery.outcomes import HOLD_LIMIT, RATE_LIMIT_RETRIES, RowOutcomes
from runtime.delivery.sent_marks import SentMarks
from runtime.pacing import HomeViewPacing
from runtime.telemetry import Telemetry
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# Slack's views.publish is Tier 4 ("100+ per minute" per workspace); a burst for the few
# views an event or a small job refreshes at once.
HOME_VIEWS_PER_MINUTE = 100.0
HOME_VIEWS_BURST = 10
# A view whose turn is further off than this goes back to the outbox until then: a sender
# asleep for a view is one sender fewer for posts, and at HOLD_LIMIT (5 s of turns at 100 a
# minute, plus the burst) views could hold over half of them during a job's fan-out.
VIEW_HOLD = 1.0
HomeBuilder = Callable[[Address], Awaitable[Home]]


@dataclass(frozen=True)
class HomeViewSender:
    messengers: Mapping[str, Messenger]
    home: HomeBuilder | None  # builds a Home view from the database, as a home row goes out
    views: HomeViewPacing
    telemetry: Telemetry
    outcomes: RowOutcomes

    async def send(self, row: OutboxMessage, marks: SentMarks, urgent: bool) -> int:
        """A Home view takes a turn on its workspace's views lane, never a post's. Someone
        acting now (an event's own rows, or a row re-armed for them: HOME_NOW) does not queue
        behind the views a job refreshed; once Slack says 429, they wait their turn too."""
        recipients: list[str] = json.loads(row.recipients)
        messenger = self.messengers.get(row.platform)
        if not isinstance(messenger, HomePublisher) or self.home is None or len(recipients) != 1:
            # Failed at once, before it takes a view's turn or holds a sender.
            return await self.outcomes.failed(
                row, DeliveryError(f"{row.platform} has no Home view"), True)
        urgent = urgent or json.loads(row.payload).get("now") is True  # runtime/outgoing.py
        for _ in range(RATE_LIMIT_RETRIES):
            if not urgent:
                wait = self.views.turn(row.platform, row.tenant_id, row.id)  # type: ignore[arg-type]
                if wait > VIEW_HOLD:
                    self.views.keep(row.id, wait)  # type: ignore[arg-type]
                    return await marks.give_back(row, wait)
                await asyncio.sleep(wait)
            if self.outcomes.lease_running_out(row):
                log.warning("outbox %s waited out most of its claim; leaving it", row.key)
                return 0
            try:
                await self._publish(messenger, row, recipients)
            except DeliveryError as exc:
                if exc.retry_after is not None and not exc.permanent:
                    self.telemetry.rate_limited(row.platform, exc.retry_after)
                    self.views.rate_limited(row.platform, row.tenant_id, exc.retry_after)
                    urgent = False
                    continue
                return await self.outcomes.failed(row, exc, exc.permanent)
            except Exception as exc:
                return await self.outcomes.failed(row, exc, False)
            await marks.add(row, None)
            self.telemetry.delivered(row.platform)
            return 1
        return await self.outcomes.give_back(row, HOLD_LIMIT)

    async def _publish(self, messenger: HomePublisher, row: OutboxMessage,
                       recipients: list[str]) -> None:
        """Built now, not when the row was queued: it shows what is true as it goes out."""
        assert self.home is not None
        address = Address(row.platform, recipients[0], row.tenant_id)  # type: ignore[arg-type]
        await messenger.publish_home(row.tenant_id, recipients[0], await self.home(address))
        return None

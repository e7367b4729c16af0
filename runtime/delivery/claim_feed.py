"""ClaimFeed: claimed outbox rows for a pass's senders, the next batch claimed in the background.

Kept apart from the dispatcher: it owns only the hand-over between one claim at a time and many
senders (a stop at every batch boundary, and the catch-up burst after it, trips rate limits).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable

from storage.models import OutboxMessage
from storage.outbox import claims


class ClaimFeed:
    """Claimed rows for the senders, topped up in the background before they run out."""

    def __init__(self, claim: Callable[[int], Awaitable[claims.Batch]], batch: int,
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

"""The demo's time travel: *Next day*, *Next week*, *Jump to…* move the program's clock.

Only `turnabout demo` builds this (bot/app.py refuses a demo next to Slack or Teams); without
it the routes do not exist. Time moves a day at a time and the due jobs run after each day, so
inboxes fill as they would over those weeks: prompts, nudges, polls, resumed pauses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core.clock import DemoClock

MAX_DAYS = 400  # a jump of more than a year is a typo
STEPS = {"day": 1, "week": 7, "month": 30}


class DemoClockRoutes:
    def __init__(self, clock: DemoClock, tick: Callable[[], Awaitable[dict[str, int]]]) -> None:
        self._clock = clock
        self._tick = tick
        self._lock = asyncio.Lock()  # two quick presses move time twice, one after the other

    def now(self) -> dict[str, Any]:
        return {"now": self._clock.now().isoformat()}

    async def move(self, body: object) -> dict[str, Any]:
        """Move as the body asks and run the due jobs; ValueError says what is wrong."""
        days = _days_of(body, self._clock.now())
        if isinstance(days, str):
            raise ValueError(days)
        async with self._lock:
            sent = 0
            for _ in range(days):
                self._clock.advance(timedelta(days=1))
                counts = await self._tick()
                # What the jobs queued; delivery may already have happened on its own loop.
                sent += sum(n for job, n in counts.items() if job not in ("delivered", "housekeeping"))
        return {**self.now(), "days": days, "sent": sent}


def _days_of(body: object, now: datetime) -> int | str:
    """Whole days to move: a named step, or up to a date (its time of day is kept)."""
    if not isinstance(body, dict):
        return 'Send {"step": "day"}, {"step": "week"} or {"to": "2027-01-15"}.'
    if body.get("step") in STEPS:
        return STEPS[body["step"]]
    to = body.get("to")
    try:
        target = date.fromisoformat(to) if isinstance(to, str) else None
    except ValueError:
        target = None
    if target is None:
        return "Pick a date to jump to, like 2027-01-15."
    days = (datetime.combine(target, time(), UTC).date() - now.date()).days
    if days <= 0:
        return f"The demo only moves forward: pick a date after {now.date().isoformat()}."
    if days > MAX_DAYS:
        return f"That's more than {MAX_DAYS} days ahead; pick a nearer date."
    return days

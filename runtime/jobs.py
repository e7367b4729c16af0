"""Scheduled jobs: each one a single call into the flows with the current time.

Jobs only enqueue (outbox rows under unique keys), so running one twice, or in every replica
at once, queues nothing twice; delivery happens afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from config.program import Program
from config.prompt_catalog import Catalog
from core.calendar import local_date
from core.clock import Clock
from core.context import Context
from core.outgoing import Outbox
from features.engagement import nudges
from features.engagement import prompts as weekly_prompts
from features.feedback import pulse
from storage import events, exports, people
from storage.database import Database

log = logging.getLogger(__name__)

Job = Callable[[Context], Awaitable[int]]
EVENT_MEMORY = timedelta(days=14)


async def resume_pauses(ctx: Context) -> int:
    """People whose pause date has come in their own timezone are active again."""
    # The earliest timezone bounds the query; each person's own date decides.
    candidates = await people.paused_until_on_or_before(
        ctx.session, local_date(ctx.now(), "Pacific/Kiritimati"))
    due = [p for p in candidates if p.paused_until <= local_date(ctx.now(), p.timezone)]  # type: ignore[operator]
    for person in due:
        person.status, person.paused_until, person.updated_at = "active", None, ctx.now()
        ctx.session.add(person)
    return len(due)


async def housekeeping(ctx: Context) -> int:
    """Forget inbound event ids once no platform would retry them (Slack retries for minutes,
    Teams for hours), and drop export files whose links expired."""
    await events.forget_events_before(ctx.session, ctx.now() - EVENT_MEMORY)
    return await exports.purge_expired(ctx.session, ctx.now())


JOBS: Mapping[str, Job] = {
    "resume_pauses": resume_pauses,
    "weekly_prompts": weekly_prompts.run,
    "nudges": nudges.run,
    "signup_reminders": nudges.remind_signups,
    "pulse_polls": pulse.run,
    "housekeeping": housekeeping,
}


class JobRunner:
    def __init__(self, database: Database, program: Program, clock: Clock, catalog: Catalog,
                 outbox: Outbox, on_queued: Callable[[], None] = lambda: None) -> None:
        self._database, self._program, self._clock = database, program, clock
        self._catalog, self._outbox, self._on_queued = catalog, outbox, on_queued

    async def run(self, name: str) -> int:
        """Run one job in its own transaction; a failure is logged and retried next time."""
        try:
            async with self._database.session() as session:
                count = await JOBS[name](Context(session, self._program, self._clock,
                                                   self._catalog, self._outbox))
        except Exception:
            log.exception("job %s failed; it runs again at its next time", name)
            return 0
        if count:
            log.info("job %s queued %s", name, count)
            self._on_queued()
        return count

    async def run_all(self) -> dict[str, int]:
        return {name: await self.run(name) for name in JOBS}

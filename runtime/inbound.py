"""The one path every inbound event takes, whatever the platform.

Dedupe, the flow and its outbox rows share one transaction: a platform retry of an event
that committed changes nothing, and an event that failed changed nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from config.program import Program
from config.prompt_catalog import Catalog
from core.clock import Clock
from core.context import Context
from core.erasure import Eraser
from core.events import Address, Event, FormSubmission
from core.messages import Home, Message, Response
from core.outgoing import Outbox
from features.home.page import home_of
from features.registry import Registry
from runtime import router
from storage.database import Database
from storage.events import claim_event

log = logging.getLogger(__name__)

SORRY = (
    "Sorry, something went wrong on our side and nothing was changed. "
    "Please try again in a minute; if it keeps happening, tell the program team."
)
NOT_SAVED = (
    "Sorry, something went wrong on our side and nothing was saved. "
    "Please submit your answers again in a minute."
)


class Inbound:
    def __init__(
        self,
        database: Database,
        program: Program,
        clock: Clock,
        catalog: Catalog,
        outbox: Outbox,
        registry: Registry,
        on_committed: Callable[[], None] = lambda: None,
        *,
        erasers: Sequence[Eraser],
        start: Callable[[str, int], None],
    ) -> None:
        self._database = database
        self._catalog = catalog
        self._outbox = outbox
        self.registry = registry
        self._program = program
        self._clock = clock
        self._on_committed = on_committed
        # Required, not defaulted: a composition that forgot them would forget people partly.
        self._erasers = tuple(erasers)
        # Starts the background work an event's flow asked for (runtime/tasks.py), once committed.
        self._start = start

    @property
    def program(self) -> Program:
        return self._program

    async def home(self, address: Address) -> Home:
        """Someone's Home view as it stands now: a read, no outbox row."""
        async with self._database.session() as session:
            ctx = Context(session, self._program, self._clock, self._catalog, self._outbox)
            return await home_of(ctx, address)

    async def handle(self, event: Event) -> Response:
        try:
            async with self._database.writing(), self._database.session() as session:
                if not await claim_event(session, event.event_id, self._clock.now()):
                    log.info("duplicate event %s ignored", event.event_id)
                    return Response()
                ctx = Context(session, self._program, self._clock, self._catalog, self._outbox,
                              erasers=self._erasers)
                response = await router.handle(event, ctx, self.registry)
        except Exception:
            log.exception("event %s failed", event.event_id)
            text = NOT_SAVED if isinstance(event, FormSubmission) else SORRY
            return Response(messages=(Message(text=text),), failed=True)
        if ctx.queued:
            # Only an event that queued something wakes delivery: a pass over the outbox per
            # `status` would double the transactions of a flood of commands.
            self._on_committed()
        for task, row_id in ctx.started:
            self._start(task, row_id)
        return replace(response, queued=tuple(ctx.queued)) if ctx.queued else response

"""Builds Home views as their outbox rows go out, each from a fresh read of the database."""

from __future__ import annotations

from config.program import Program
from config.prompt_catalog import Catalog
from core.clock import Clock
from core.context import Context
from core.events import Address
from core.messages import Home
from core.outgoing import Outbox
from features.home.page import home_of
from storage.database import Database


class HomeViews:
    def __init__(self, database: Database, program: Program, clock: Clock, catalog: Catalog,
                 outbox: Outbox) -> None:
        self._database, self._program, self._clock = database, program, clock
        self._catalog, self._outbox = catalog, outbox

    async def build(self, address: Address) -> Home:
        async with self._database.session() as session:
            ctx = Context(session, self._program, self._clock, self._catalog, self._outbox)
            return await home_of(ctx, address)

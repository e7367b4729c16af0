"""What every flow is handed: its collaborators, never globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from config.program import Program
from config.prompt_catalog import Catalog
from core.clock import Clock
from core.erasure import Eraser
from core.events import Address
from core.outgoing import Outbox, Outgoing


@dataclass(frozen=True)
class Context:
    session: AsyncSession
    program: Program
    clock: Clock
    catalog: Catalog
    outbox: Outbox
    # Outbox rows this unit of work queued: delivered right after it commits, on their own.
    queued: list[int] = field(default_factory=list)
    # Each platform adapter's eraser, for forgetting a person (features/enrolment/forgetting).
    erasers: tuple[Eraser, ...] = ()
    # Background work this unit of work starts once it commits (a matching round's solve): the
    # name of a task in the registry and the id of the row describing the work.
    started: list[tuple[str, int]] = field(default_factory=list)
    # Everyone a message was queued for in this unit of work (and not yet refreshed): what
    # changed concerns them, so their Home views are refreshed with it.
    reached: list[Address] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock.now()

    async def commit(self) -> None:
        """End the transaction here, as a job does after each batch: what it wrote so far is
        kept whatever happens next, and the next statement begins a new transaction. The
        Home views of everyone the batch messaged are refreshed in it (refresh_reached)."""
        await self.refresh_reached()
        await self.session.commit()

    async def queue(self, *items: Outgoing, changes_home: bool = True) -> int:
        """Queue messages in this unit of work: they go out only if it commits. Their
        recipients' Home views follow, unless the message changes nothing there
        (`changes_home=False`: an announcement tells people something, nobody's standing)."""
        ids = await self.outbox.queue(self.session, self.now(), items)
        self.queued.extend(ids)
        if changes_home:
            self.reached.extend(a for item in items for a in item.to)
        return len(ids)

    def start(self, task: str, row_id: int) -> None:
        """Start `task` on `row_id` in the background once this unit of work commits (never if it
        rolls back); the row, written in this unit, is what makes the work durable."""
        self.started.append((task, row_id))

    async def refresh_homes(self, *people: Address, hurry: bool = True) -> None:
        """Publish these people's Home views again once this unit of work commits: at once
        for someone acting now (`hurry`), else at the pace of Slack's views.publish limit
        (runtime/pacing.py), coalesced with any refresh already waiting."""
        ids = await self.outbox.refresh_homes(self.session, self.now(), people, hurry=hurry)
        if hurry:  # delivered with this unit of work's own messages
            self.queued.extend(ids)

    async def refresh_reached(self) -> None:
        """Refresh the Home views of everyone messaged since the last call, in one statement:
        a job calls it with each batch (commit does), so a job over 100,000 people adds one
        statement per batch, not a row-by-row pass."""
        reached = list(dict.fromkeys(self.reached))
        self.reached.clear()
        if reached:
            await self.refresh_homes(*reached, hurry=False)

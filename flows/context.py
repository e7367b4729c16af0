"""What every flow is handed: its collaborators, never globals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from flows.clock import Clock
from flows.program import Program
from flows.prompt_catalog import Catalog


@dataclass(frozen=True)
class Context:
    session: AsyncSession
    program: Program
    clock: Clock
    catalog: Catalog

    def now(self) -> datetime:
        return self.clock.now()

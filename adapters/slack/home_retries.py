"""Home views Slack turned away as they were shown to someone the program does not know (never
joined, or had their data deleted), tried again a few times in this process.

Not through the outbox: no row may keep such a person's id. A retry lost to a restart costs
nothing, since the page is drawn afresh whenever they open the tab. Each try builds the page
again, so someone who joined in the meantime never gets the old "join" page back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from adapters.slack.messenger import SlackMessenger
from core.events import Address
from core.messages import Home
from core.ports import DeliveryError

log = logging.getLogger(__name__)

WAITS = (2.0, 30.0, 120.0)  # seconds before each try


@dataclass
class HomeRetries:
    messenger: SlackMessenger
    build: Callable[[Address], Awaitable[Home]]
    waits: tuple[float, ...] = WAITS
    _pending: dict[Address, asyncio.Task[None]] = field(default_factory=dict, init=False,
                                                        repr=False)

    def later(self, address: Address) -> None:
        if address in self._pending:  # opened again while a retry waits: one is enough
            return
        task = asyncio.create_task(self._retry(address))
        self._pending[address] = task
        task.add_done_callback(lambda _: self._pending.pop(address, None))

    async def _retry(self, address: Address) -> None:
        for wait in self.waits:
            await asyncio.sleep(wait)
            try:
                await self.messenger.publish_home(address.tenant_id, address.user_id,
                                                  await self.build(address))
                return
            except DeliveryError as exc:
                log.warning("Home view for %s failed again (%s)", address.user_id, exc)
                if exc.permanent:
                    return
            except Exception:
                log.exception("Home view for %s could not be retried", address.user_id)
                return

    async def close(self) -> None:
        tasks = list(self._pending.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

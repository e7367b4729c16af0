"""The web chat's Messenger: "sending" is writing to the recipients' inboxes."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.web import inbox as web_chat
from core.clock import Clock
from core.messages import Message
from core.outgoing import Capabilities
from core.ports import DeliveryError
from storage.database import Database


class WebMessenger:
    platform = "web"
    # A group message is one transaction writing a copy into each inbox; rows carry the key.
    capabilities = Capabilities(group_conversations=True, finds_sent=True,
                                reaches_without_contact=True)
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def send_dm(
        self, tenant_id: str, user_id: str, message: Message, key: str = ""
    ) -> str | None:
        return await self._deliver([user_id], message, key)

    async def send_group(
        self, tenant_id: str, user_ids: Sequence[str], message: Message, key: str = ""
    ) -> str | None:
        # The page shows one person's inbox at a time, so a group message is a copy for each.
        return await self._deliver(list(dict.fromkeys(user_ids)), message, key)

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        async with self._database.session() as session:
            return await web_chat.find_by_key(session, key)

    async def _deliver(self, user_ids: list[str], message: Message, key: str) -> str | None:
        if not user_ids:
            raise DeliveryError("no recipients", permanent=True)
        async with self._database.session() as session:
            ids = await web_chat.append(session, user_ids, message.to_json(),
                                        self._clock.now(), key or None)
        return str(ids[0]) if ids else None

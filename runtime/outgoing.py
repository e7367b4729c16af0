"""Turns `Outgoing` items into outbox rows, consulting what each platform's messenger declares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from core import keys
from core.events import Address
from core.messages import Message
from core.outgoing import Capabilities, Outgoing
from storage.outbox import queueing

# A Home row's payload: the view is built from the database when the row is delivered, so
# however many changes a row coalesces, it shows the latest state.
HOME_PLACEHOLDER = Message(text="(your Home view)").to_json()
# A Home row asked for by someone acting now: the dispatcher publishes it without waiting
# for a turn among the views a job refreshed (runtime/delivery/home_views.py).
HOME_NOW = {**HOME_PLACEHOLDER, "now": True}
# As storage.outbox.queueing stores it: a full pass finds these rows by it.
HOME_NOW_STORED = queueing.stored(HOME_NOW)
UNKNOWN = Capabilities()  # a platform nobody declared gets the safe shape: one row per person


class OutboxWriter:
    def __init__(self, capabilities: Mapping[str, Capabilities]) -> None:
        self._capabilities = dict(capabilities)

    def capabilities(self, platform: str) -> Capabilities:
        return self._capabilities.get(platform, UNKNOWN)

    def rows(self, item: Outgoing) -> list[queueing.NewMessage]:
        """One row for a single person. For several: one conversation with everyone who shares a
        platform and tenant where group conversations exist; otherwise one row per person, so a
        retry for one never repeats the message to another."""
        return self._rows(item, item.message.to_json())

    def _rows(self, item: Outgoing, payload: dict[str, Any]) -> list[queueing.NewMessage]:
        if len(item.to) == 1:
            (to,) = item.to
            return [_row(item.key, to.platform, to.tenant_id, [to.user_id], payload)]
        groups: dict[tuple[str, str], list[str]] = {}
        for address in item.to:
            groups.setdefault((address.platform, address.tenant_id), []).append(address.user_id)
        rows = []
        for (platform, tenant_id), user_ids in groups.items():
            key = f"{item.key}:{platform}:{tenant_id}"
            if self.capabilities(platform).group_conversations:
                rows.append(_row(key, platform, tenant_id, user_ids, payload))
            else:
                rows.extend(_row(f"{key}:{u}", platform, tenant_id, [u], payload) for u in user_ids)
        return rows

    async def queue(self, session: AsyncSession, now: datetime,
                    items: Sequence[Outgoing]) -> list[int]:
        # A job often sends one message object to many people: serialised once.
        payloads: dict[int, dict[str, Any]] = {}
        rows = []
        for item in items:
            payload = payloads.get(id(item.message))
            if payload is None:
                payload = payloads[id(item.message)] = item.message.to_json()
            rows.extend(self._rows(item, payload))
        return await queueing.insert_many(session, rows, now) if rows else []

    async def refresh_homes(self, session: AsyncSession, now: datetime,
                            people: Sequence[Address], *, hurry: bool = True) -> list[int]:
        payload = HOME_NOW if hurry else HOME_PLACEHOLDER
        rows = [_row(keys.home(a), a.platform, a.tenant_id, [a.user_id], payload)
                for a in dict.fromkeys(people) if self.capabilities(a.platform).home_view]
        # Always in key order: two events touching the same two people (both partners
        # pressing *I agree* at once) then lock their rows in the same order, never deadlock.
        rows.sort(key=lambda row: row["key"])
        return await queueing.rearm(session, rows, now, hurry=hurry) if rows else []


def _row(key: str, platform: str, tenant_id: str, recipients: list[str],
         payload: dict[str, Any]) -> queueing.NewMessage:
    return {"key": key, "platform": platform, "tenant_id": tenant_id, "recipients": recipients,
            "payload": payload}

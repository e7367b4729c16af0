"""Proactive messages go through the outbox: a row with a key naming the logical message."""

from __future__ import annotations

from collections.abc import Sequence

from flows.context import Context
from flows.events import Address
from flows.messages import Message
from storage import outbox


async def send_dm(ctx: Context, key: str, to: Address, message: Message) -> bool:
    return await outbox.enqueue(
        ctx.session,
        key=key,
        platform=to.platform,
        tenant_id=to.tenant_id,
        recipients=[to.user_id],
        payload=message.to_json(),
        now=ctx.now(),
    )


def group_rows(key: str, to: Sequence[Address], message: Message) -> list[dict]:  # type: ignore[type-arg]
    """One conversation with everyone who shares a platform and tenant (Slack group DM);
    otherwise one outbox row per platform, each text naming the others."""
    groups: dict[tuple[str, str], list[str]] = {}
    for address in to:
        groups.setdefault((address.platform, address.tenant_id), []).append(address.user_id)
    payload = message.to_json()
    rows = []
    for (platform, tenant_id), user_ids in groups.items():
        # Teams has no proactive group chats: one row per person, so a retry for one person
        # never repeats the message to another.
        split = [[u] for u in user_ids] if platform == "teams" else [user_ids]
        for recipients in split:
            suffix = f":{recipients[0]}" if platform == "teams" else ""
            rows.append({"key": f"{key}:{platform}:{tenant_id}{suffix}", "platform": platform,
                         "tenant_id": tenant_id, "recipients": recipients, "payload": payload})
    return rows


async def send_group(ctx: Context, key: str, to: Sequence[Address], message: Message) -> bool:
    return await outbox.enqueue_many(ctx.session, group_rows(key, to, message), ctx.now()) > 0

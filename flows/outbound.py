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


async def send_group(ctx: Context, key: str, to: Sequence[Address], message: Message) -> bool:
    """One conversation with everyone when they share a platform and tenant (Slack group DM);
    otherwise one message per platform, each naming the others in its text."""
    groups: dict[tuple[str, str], list[str]] = {}
    for address in to:
        groups.setdefault((address.platform, address.tenant_id), []).append(address.user_id)
    queued = False
    for (platform, tenant_id), user_ids in groups.items():
        queued |= await outbox.enqueue(
            ctx.session,
            key=f"{key}:{platform}:{tenant_id}",
            platform=platform,
            tenant_id=tenant_id,
            recipients=user_ids,
            payload=message.to_json(),
            now=ctx.now(),
        )
    return queued

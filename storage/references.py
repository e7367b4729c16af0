"""Conversation references: how to reach a person proactively on their platform."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.identity import identity_is
from storage.models import ConversationRef


async def find_reference(
    session: AsyncSession, platform: str, tenant_id: str, user_id: str
) -> ConversationRef | None:
    result = await session.exec(
        select(ConversationRef).where(identity_is(ConversationRef, platform, tenant_id, user_id))
    )
    return result.first()


async def remember_reference(
    session: AsyncSession,
    platform: str,
    tenant_id: str,
    user_id: str,
    now: datetime,
    **fields: str | None,
) -> ConversationRef:
    """Insert or refresh; only the fields given are changed."""
    ref = await find_reference(session, platform, tenant_id, user_id)
    if ref is None:
        ref = ConversationRef(
            platform=platform, tenant_id=tenant_id, user_id=user_id, updated_at=now
        )
    changed = any(getattr(ref, name) != value for name, value in fields.items())
    if changed or ref.id is None:
        for name, value in fields.items():
            setattr(ref, name, value)
        ref.updated_at = now
        session.add(ref)
        await session.flush()
    return ref


async def forget_reference(
    session: AsyncSession, platform: str, tenant_id: str, user_id: str
) -> None:
    ref = await find_reference(session, platform, tenant_id, user_id)
    if ref is not None:
        await session.delete(ref)

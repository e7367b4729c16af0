"""Conversation references: how to reach a person proactively on their platform."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.identity import identity_is
from storage.models import ConversationRef
from storage.traces import like_escaped


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


async def forget_groups_with(
    session: AsyncSession, platform: str, tenant_id: str, user_id: str, separator: str
) -> None:
    """References a platform keys by several people's ids joined by `separator` (Slack's cached
    group DMs): every one that has `user_id` among its members goes."""
    member, sep = like_escaped(user_id), like_escaped(separator)
    key = col(ConversationRef.user_id)
    await session.exec(delete(ConversationRef).where(  # type: ignore[call-overload]
        col(ConversationRef.platform) == platform, col(ConversationRef.tenant_id) == tenant_id,
        or_(*(key.like(pattern, escape="\\") for pattern in (
            f"{member}{sep}%", f"%{sep}{member}", f"%{sep}{member}{sep}%")))))

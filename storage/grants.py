"""Admins granted from chat, on top of those in app.yaml."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.identity import identity_is
from storage.models import AdminGrant


async def is_granted(session: AsyncSession, platform: str, tenant_id: str, user_id: str) -> bool:
    return await _find(session, platform, tenant_id, user_id) is not None


async def grant(session: AsyncSession, platform: str, tenant_id: str, user_id: str,
                by: int | None, now: datetime) -> bool:
    """False when they were an admin already."""
    if await _find(session, platform, tenant_id, user_id) is not None:
        return False
    session.add(AdminGrant(platform=platform, tenant_id=tenant_id, user_id=user_id,
                           granted_by=by, granted_at=now))
    await session.flush()
    return True


async def revoke(session: AsyncSession, platform: str, tenant_id: str, user_id: str) -> bool:
    found = await _find(session, platform, tenant_id, user_id)
    if found is None:
        return False
    await session.delete(found)
    return True


async def all_grants(session: AsyncSession) -> list[AdminGrant]:
    return list(await session.exec(select(AdminGrant)))


async def _find(session: AsyncSession, platform: str, tenant_id: str,
                user_id: str) -> AdminGrant | None:
    result = await session.exec(select(AdminGrant).where(
        identity_is(AdminGrant, platform, tenant_id, user_id)))
    return result.first()

"""Leadership report requests: the row written with `admin report`, finished exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ReportRequest

PENDING = "pending"


async def request(session: AsyncSession, admin_id: int | None, cohort_id: int | None,
                  now: datetime) -> int:
    row = ReportRequest(admin_id=admin_id, cohort_id=cohort_id, requested_at=now, beat_at=now)
    session.add(row)
    await session.flush()
    assert row.id is not None
    return row.id


async def building(session: AsyncSession, admin_id: int | None,
                   alive_since: datetime) -> ReportRequest | None:
    """The admin's report still being built by a live process (its last beat after
    `alive_since`), if any."""
    result = await session.exec(select(ReportRequest).where(
        col(ReportRequest.admin_id) == admin_id, col(ReportRequest.status) == PENDING,
        col(ReportRequest.beat_at) >= alive_since).limit(1))
    return result.first()


async def finish(session: AsyncSession, request_id: int, status: str, now: datetime) -> bool:
    """Move a pending request to `status`; False if it was no longer pending (another run, in
    this process or a replica, finished it first), so that run sends nothing."""
    result = await session.exec(  # type: ignore[call-overload]
        update(ReportRequest)
        .where(col(ReportRequest.id) == request_id, col(ReportRequest.status) == PENDING)
        .values(status=status, finished_at=now))
    return bool(result.rowcount)

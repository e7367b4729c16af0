"""HR records imported from a CSV export, replacing the previous import as a whole."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import HrRecord


async def replace_all(session: AsyncSession, records: Sequence[HrRecord], now: datetime) -> int:
    await session.exec(delete(HrRecord))  # type: ignore[call-overload]
    for start in range(0, len(records), 1000):
        session.add_all(records[start : start + 1000])
        await session.flush()
    return len(records)

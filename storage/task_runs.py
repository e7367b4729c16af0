"""Rows that mark background work in progress (match_run, export_run, report_request): the
beat that says the process doing it is alive, and the takeover of work whose process stopped.

A row is live while its status is the table's live one ("running", or "pending" for a report).
The process working on it beats; a live row whose beat is old was left by a process that
stopped (a restart, a crash), and whichever replica sees it first ends it, in one conditional
update, so only that replica tells the admin.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import or_, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ExportRun, MatchRun, ReportRequest

Run = TypeVar("Run", MatchRun, ExportRun, ReportRequest)
ABANDONED = "abandoned"


async def abandon_stale(session: AsyncSession, model: type[Run], live: str,
                        beaten_before: datetime, now: datetime) -> list[Run]:
    """Live rows with no beat since `beaten_before`, now abandoned. A row without a beat was
    written before beats were recorded (migration 0021): its process is long gone."""
    beat_at = col(model.beat_at)
    rows = await session.exec(  # type: ignore[call-overload]
        update(model)
        .where(col(model.status) == live, or_(beat_at < beaten_before, beat_at.is_(None)))
        .values(status=ABANDONED, finished_at=now)
        .returning(model.id)
    )
    ids = [row[0] for row in rows.all()]
    return [run for i in ids
            if (run := await session.get(model, i, populate_existing=True)) is not None]


async def beat(session: AsyncSession, model: type[Run], live: str, run_id: int,
               now: datetime) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(model)
        .where(col(model.id) == run_id, col(model.status) == live)
        .values(beat_at=now)
    )

"""Figures over time for the admin charts: joins per month by role, meetings per day.

Each is one grouped query however large the program; the few dozen groups are shaped into a
series in Python (features/admin/trends.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import Meeting, Pair, Person


def _cohort_people(cohort_id: int):  # type: ignore[no-untyped-def]
    mentors = select(Pair.mentor_id).where(Pair.cohort_id == cohort_id)
    mentees = select(Pair.mentee_id).where(Pair.cohort_id == cohort_id)
    return mentors.union(mentees)


async def joins_by_month_and_role(
    session: AsyncSession, cohort_id: int | None
) -> list[tuple[str, str, int]]:
    """('YYYY-MM', role, people who joined that month), oldest first; people without a role
    (a survey not finished) are left out."""
    if dialect.is_postgres(session):
        month = func.date_trunc("month", Person.joined_at)
        label = func.to_char(month, "YYYY-MM")
    else:
        month = label = func.strftime("%Y-%m", Person.joined_at)
    query = (select(label, Person.role, func.count())
             .where(col(Person.joined_at).is_not(None), col(Person.role).is_not(None))
             .group_by(month, Person.role).order_by(month))
    if cohort_id is not None:
        query = query.where(col(Person.id).in_(_cohort_people(cohort_id)))
    return [(m, str(role), n) for m, role, n in await session.exec(query)]


async def meetings_by_day(
    session: AsyncSession, cohort_id: int | None, since: date
) -> list[tuple[date, int]]:
    """(day, meetings logged for that day) from `since` on."""
    query = (select(Meeting.day, func.count()).where(col(Meeting.day) >= since)
             .group_by(Meeting.day).order_by(Meeting.day))
    if cohort_id is not None:
        query = query.where(col(Meeting.pair_id).in_(
            select(Pair.id).where(Pair.cohort_id == cohort_id)))
    return [(day, n) for day, n in await session.exec(query)]

"""The admin export: its set-based reads (one query per file, however large the program) and
the one-time download links that hold the finished zip.

A link is taken with a conditional UPDATE (unused and unexpired → used), so of two concurrent
downloads exactly one wins, on SQLite and PostgreSQL alike. Taken bytes are erased once
delivered: personal data stays in the database no longer than it must.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Row, delete, func, true, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import Cohort, ExportLink, ExportRun, Meeting, Pair, Person, Status

LINK_LIFETIME = timedelta(hours=24)
LinkState = Literal["used", "expired", "unknown"]
Rows = Sequence[Row[Any]]


# --- one-time links ------------------------------------------------------------------------

@dataclass(frozen=True)
class TakenFile:
    token: str
    filename: str
    content: bytes
    taken_at: datetime


async def create_link(session: AsyncSession, *, token: str, person_id: int | None, filename: str,
                      content: bytes, now: datetime,
                      lifetime: timedelta = LINK_LIFETIME) -> ExportLink:
    link = ExportLink(token=token, person_id=person_id, filename=filename, content=content,
                      created_at=now, expires_at=now + lifetime)
    session.add(link)
    await session.flush()
    return link


async def take(session: AsyncSession, token: str, now: datetime) -> TakenFile | None:
    """The file, if the link is unused and unexpired; it is marked used in the same statement."""
    result = await session.exec(  # type: ignore[call-overload]
        update(ExportLink)
        .where(col(ExportLink.token) == token, col(ExportLink.used_at).is_(None),
               col(ExportLink.expires_at) > now)
        .values(used_at=now)
        .returning(ExportLink.filename, ExportLink.content))
    row = result.first()
    return None if row is None else TakenFile(token, row[0], bytes(row[1]), now)


async def owner_platform(session: AsyncSession, token: str) -> str | None:
    """The platform of the admin a link was made for (None: no such link, or no owner)."""
    result = await session.exec(
        select(Person.platform).join(ExportLink, col(ExportLink.person_id) == col(Person.id))
        .where(ExportLink.token == token))
    return result.first()


async def why_not_taken(session: AsyncSession, token: str, now: datetime) -> LinkState:
    result = await session.exec(
        select(ExportLink.used_at, ExportLink.expires_at).where(ExportLink.token == token))
    row = result.first()
    if row is None:
        return "unknown"
    return "used" if row[0] is not None else "expired"


async def erase(session: AsyncSession, token: str) -> None:
    """Drop a delivered file's bytes; the row stays until it expires, so a second try is told
    the link was used rather than that it never existed."""
    await session.exec(  # type: ignore[call-overload]
        update(ExportLink).where(col(ExportLink.token) == token).values(content=b""))


async def give_back(session: AsyncSession, taken: TakenFile) -> None:
    """Undo a take whose delivery failed, so a retry can deliver the file."""
    await session.exec(  # type: ignore[call-overload]
        update(ExportLink)
        .where(col(ExportLink.token) == taken.token, col(ExportLink.used_at) == taken.taken_at)
        .values(used_at=None))


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    result = await session.exec(  # type: ignore[call-overload]
        delete(ExportLink).where(col(ExportLink.expires_at) <= now))
    return int(result.rowcount or 0)


async def forget_made_since(session: AsyncSession, since: datetime, now: datetime) -> None:
    """Every export made while someone was known may list them: its bytes go, and an unused
    link reads as expired (the admin is asked to make a fresh one)."""
    made = col(ExportLink.created_at) >= since
    await session.exec(update(ExportLink).where(made).values(content=b""))  # type: ignore[call-overload]
    await session.exec(update(ExportLink).where(  # type: ignore[call-overload]
        made, col(ExportLink.expires_at) > now).values(expires_at=now))
    # An export still being read may list them too: it is never published.
    await session.exec(update(ExportRun).where(  # type: ignore[call-overload]
        col(ExportRun.status) == RUNNING).values(status="dropped", finished_at=now))


# --- exports being prepared ----------------------------------------------------------------

RUNNING = "running"


async def start_run(session: AsyncSession, admin_id: int | None, cohort_id: int | None,
                    now: datetime) -> int | None:
    """The new run's id, or None while another is running (whichever replica started it)."""
    result = await session.exec(  # type: ignore[call-overload]
        dialect.insert(session, ExportRun)
        .values(status=RUNNING, admin_id=admin_id, cohort_id=cohort_id, started_at=now,
                beat_at=now)
        .on_conflict_do_nothing()
        .returning(ExportRun.id))
    row = result.first()
    return None if row is None else int(row[0])


async def running_run(session: AsyncSession) -> ExportRun | None:
    return (await session.exec(select(ExportRun).where(ExportRun.status == RUNNING))).first()


async def finish_run(session: AsyncSession, run_id: int, status: str,
                     now: datetime) -> ExportRun | None:
    """The run, if it was still running and is now `status`; None if another outcome won."""
    result = await session.exec(  # type: ignore[call-overload]
        update(ExportRun)
        .where(col(ExportRun.id) == run_id, col(ExportRun.status) == RUNNING)
        .values(status=status, finished_at=now)
        .returning(ExportRun.id))
    if result.first() is None:
        return None
    return await session.get(ExportRun, run_id, populate_existing=True)


# --- what the export reads -----------------------------------------------------------------

async def find_cohort(session: AsyncSession, name: str) -> Cohort | None:
    result = await session.exec(
        select(Cohort).where(func.lower(Cohort.name) == name.strip().lower()))
    return result.first()


async def cohort_names(session: AsyncSession) -> list[str]:
    return list(await session.exec(select(Cohort.name).order_by(col(Cohort.started_at))))


def _cohort_people(cohort_id: int) -> Any:
    mentors = select(Pair.mentor_id).where(Pair.cohort_id == cohort_id)
    mentees = select(Pair.mentee_id).where(Pair.cohort_id == cohort_id)
    return mentors.union(mentees)


def _people_scope(column: Any, cohort_id: int | None) -> Any:
    return true() if cohort_id is None else col(column).in_(_cohort_people(cohort_id))


async def participants(session: AsyncSession, cohort_id: int | None) -> Rows:
    p = Person
    result = await session.exec(
        select(p.id, p.platform, p.display_name, p.email, p.role, p.department, p.team,
               p.seniority, p.timezone, p.status, p.joined_at, p.left_at, p.paused_until,
               p.data_deleted)
        # Admins who never joined (and anyone else the bot merely knows) are no participants.
        .where(_people_scope(Person.id, cohort_id), Person.status != Status.VISITOR)
        .order_by(col(Person.id)))
    return result.all()


async def pairs(session: AsyncSession, cohort_id: int | None) -> Rows:
    mentor, mentee = aliased(Person), aliased(Person)
    query = (
        select(Pair.id, Pair.mentor_id, mentor.display_name, mentor.data_deleted,
               Pair.mentee_id, mentee.display_name, mentee.data_deleted, Pair.status,
               Pair.score, Pair.manual, Pair.override, Pair.created_at, Pair.agreed_at,
               Pair.ended_at, Pair.end_reason, Cohort.name, Pair.last_met_on,
               Pair.at_risk_since, Pair.at_risk_reason)
        .join(mentor, col(mentor.id) == col(Pair.mentor_id))
        .join(mentee, col(mentee.id) == col(Pair.mentee_id))
        .outerjoin(Cohort, col(Cohort.id) == col(Pair.cohort_id))
        .order_by(col(Pair.id)))
    if cohort_id is not None:
        query = query.where(Pair.cohort_id == cohort_id)
    return (await session.exec(query)).all()


async def meetings(session: AsyncSession, cohort_id: int | None) -> Rows:
    """Which pair met on which day; never the note, which is the pair's own words."""
    query = select(Meeting.pair_id, Meeting.day).order_by(col(Meeting.pair_id), col(Meeting.day))
    if cohort_id is not None:
        query = query.join(Pair, col(Pair.id) == col(Meeting.pair_id)).where(
            Pair.cohort_id == cohort_id)
    return (await session.exec(query)).all()

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

from sqlalchemy import Row, String, cast, delete, func, true, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import (
    ClosingAnswer,
    Cohort,
    ExportLink,
    Meeting,
    OutboxMessage,
    Pair,
    Person,
    PulseAnswer,
    PulsePoll,
)

LINK_LIFETIME = timedelta(hours=24)
INVITATION_PREFIX = "pulse:"  # outbox keys of poll invitations: pulse:{poll id}:{person id}
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
        .where(_people_scope(Person.id, cohort_id)).order_by(col(Person.id)))
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


@dataclass(frozen=True)
class PollTotals:
    """One poll's answers summed over the people in scope: never a single answer."""

    poll_id: int
    period: str
    responses: int
    value_sum: int
    roles_kept_yes: int
    met: dict[str, int]  # '0' | '1' | '2' | '3+' → how many answered it
    all_responses: int  # the whole program's, to keep a cohort's complement large enough too


METS = ("0", "1", "2", "3+")


async def poll_totals(session: AsyncSession, cohort_id: int | None) -> list[PollTotals]:
    a = PulseAnswer
    in_scope = _people_scope(a.person_id, cohort_id)
    result = await session.exec(
        select(PulsePoll.id, PulsePoll.period,
               func.count(a.person_id).filter(in_scope),
               func.coalesce(func.sum(a.value).filter(in_scope), 0),
               func.count(a.person_id).filter(in_scope, a.roles_kept == "yes"),
               *(func.count(a.person_id).filter(in_scope, a.met == met) for met in METS),
               func.count(a.person_id))
        .outerjoin(a, col(a.poll_id) == col(PulsePoll.id))
        .group_by(col(PulsePoll.id), col(PulsePoll.period))
        .order_by(col(PulsePoll.opened_at), col(PulsePoll.id)))
    return [PollTotals(row[0], row[1], row[2], int(row[3]), row[4],
                       dict(zip(METS, row[5:9], strict=True)), row[9]) for row in result]


async def invitations(session: AsyncSession, cohort_id: int | None) -> dict[int, int]:
    """Poll invitations per poll id, counted from their outbox keys (pulse:{poll}:{person})
    in the database; with a cohort, only those sent to its people."""
    rest = func.substr(OutboxMessage.key, len(INVITATION_PREFIX) + 1)
    colon = (func.strpos if dialect.is_postgres(session) else func.instr)(rest, ":")
    poll, person = func.substr(rest, 1, colon - 1), func.substr(rest, colon + 1)
    query = (select(poll, func.count())
             .where(col(OutboxMessage.key).startswith(INVITATION_PREFIX), colon > 1)
             .group_by(poll))
    if cohort_id is not None:
        # Compared as text: a key that is not pulse:{number}:{number} must not break a cast.
        ids = select(cast(Person.id, String)).where(col(Person.id).in_(_cohort_people(cohort_id)))
        query = query.where(person.in_(ids))
    return {int(poll_id): count for poll_id, count in await session.exec(query)
            if poll_id.isdigit()}


async def shared_comments(session: AsyncSession, cohort_id: int | None) -> list[tuple[str, ...]]:
    """(source, period, question, text) for comments their authors agreed to share. Nothing
    that says who wrote them, and sorted by text so the order does not follow people's ids."""
    polls = await session.exec(
        select(PulsePoll.period, PulseAnswer.comment)
        .join(PulsePoll, col(PulsePoll.id) == col(PulseAnswer.poll_id))
        .where(col(PulseAnswer.share_comment).is_(True), col(PulseAnswer.comment).is_not(None),
               _people_scope(PulseAnswer.person_id, cohort_id)))
    closing = select(Cohort.name, ClosingAnswer.learned, ClosingAnswer.taught).join(
        Cohort, col(Cohort.id) == col(ClosingAnswer.cohort_id)).where(
        col(ClosingAnswer.share_text).is_(True))
    if cohort_id is not None:
        closing = closing.where(ClosingAnswer.cohort_id == cohort_id)
    found = [("pulse poll", period, "comment", text) for period, text in polls]
    for name, learned, taught in await session.exec(closing):
        found += [("closing survey", name, question, text)
                  for question, text in (("learned", learned), ("taught", taught)) if text]
    return sorted(row for row in found if row[3] and row[3].strip())

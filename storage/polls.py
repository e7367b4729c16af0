"""Pulse poll rounds: invitations, answers summed per group, and the results released once.

What the program team reads comes from `poll_result` (fixed when a round closes) or is a count;
no function here hands a caller one person's answer for showing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import PollInvitation, PollResult, PulseAnswer, PulsePoll

WHOLE_PROGRAM = 0  # the poll_result scope of figures over everyone
METS = ("0", "1", "2", "3+")


async def round_starting(session: AsyncSession, starts_on: date, now: datetime,
                         window: timedelta) -> PulsePoll:
    """The round of the cycle that starts on `starts_on`, created by whichever replica gets
    there first; it closes `window` after it opened."""
    await session.exec(dialect.insert(session, PulsePoll).values(  # type: ignore[call-overload]
        starts_on=starts_on, opened_at=now, closes_at=now + window)
        .on_conflict_do_nothing(index_elements=["starts_on"]))
    return (await session.exec(select(PulsePoll).where(PulsePoll.starts_on == starts_on))).one()


async def invite(session: AsyncSession, poll_id: int, invitees: Sequence[tuple[int, int | None]],
                 now: datetime) -> set[int]:
    """Record (person, cohort) invitations to a round; the people this call invited first."""
    invited = await dialect.insert_new(
        session, PollInvitation, [{"poll_id": poll_id, "person_id": person, "cohort_id": cohort,
                                   "invited_at": now} for person, cohort in invitees],
        [PollInvitation.person_id])
    return {person for (person,) in invited}


async def due_for_release(session: AsyncSession, now: datetime) -> list[PulsePoll]:
    return list(await session.exec(
        select(PulsePoll).where(col(PulsePoll.closes_at) <= now, col(PulsePoll.released_at).is_(None))
        .order_by(col(PulsePoll.starts_on))))


async def claim_release(session: AsyncSession, poll_id: int, now: datetime) -> bool:
    """True for exactly one caller, however many replicas and admins get there at once."""
    claimed = await session.exec(  # type: ignore[call-overload]
        update(PulsePoll).where(col(PulsePoll.id) == poll_id, col(PulsePoll.released_at).is_(None))
        .values(released_at=now).returning(PulsePoll.id))
    return claimed.first() is not None


@dataclass(frozen=True)
class Tally:
    """The answers of one group (a cohort, or None: in no cohort) in one round, summed."""

    group: int | None
    invited: int
    responses: int
    value_sum: int
    roles_kept: int
    met: tuple[int, ...]  # how many answered each of METS


async def tallies(session: AsyncSession, poll: PulsePoll) -> list[Tally]:
    """Every group's sums, counting only answers last changed before the round closed."""
    a = PulseAnswer
    answers = await session.exec(
        select(a.cohort_id, func.count(), func.coalesce(func.sum(a.value), 0),
               func.count().filter(a.roles_kept == "yes"),
               *(func.count().filter(a.met == met) for met in METS))
        .where(a.poll_id == poll.id, col(a.updated_at) < poll.closes_at)
        .group_by(col(a.cohort_id)))
    invited = dict((await session.exec(
        select(PollInvitation.cohort_id, func.count()).where(PollInvitation.poll_id == poll.id)
        .group_by(col(PollInvitation.cohort_id)))).all())
    found = {row[0]: Tally(row[0], invited.get(row[0], 0), row[1], int(row[2]), row[3],
                           tuple(row[4:])) for row in answers}
    for group, n in invited.items():
        found.setdefault(group, Tally(group, n, 0, 0, 0, (0,) * len(METS)))
    return list(found.values())


def result(poll_id: int, scope: int, tally: Tally, shown: bool, now: datetime) -> PollResult:
    """A group's released row: its counts, and its sums only when `shown`."""
    sums = dict(value_sum=tally.value_sum, roles_kept=tally.roles_kept,
                **{f"met_{n}": count for n, count in enumerate(tally.met)}) if shown else {}
    return PollResult(poll_id=poll_id, scope=scope, invited=tally.invited,
                      responses=tally.responses, released_at=now, **sums)


def add_results(session: AsyncSession, rows: Sequence[PollResult]) -> None:
    session.add_all(rows)


@dataclass(frozen=True)
class Round:
    """One round as the program team may see it for one scope. Sums are None while the round
    is open, and where too few answered."""

    poll_id: int
    starts_on: date
    closes_at: datetime
    released: bool
    invited: int
    responses: int
    value_sum: int | None = None
    roles_kept: int | None = None
    met: tuple[int | None, ...] = (None,) * len(METS)


async def rounds(session: AsyncSession, cohort_id: int | None, last: int | None = None
                 ) -> list[Round]:
    """The latest rounds, oldest first, for the whole program or one cohort: released ones as
    released, open ones as counts so far. A cohort's list leaves out rounds it had no part in."""
    query = select(PulsePoll).order_by(col(PulsePoll.starts_on).desc())
    polls = list(await session.exec(query.limit(last) if last else query))
    scope = WHOLE_PROGRAM if cohort_id is None else cohort_id
    released = {r.poll_id: r for r in await session.exec(select(PollResult).where(
        col(PollResult.poll_id).in_([p.id for p in polls if p.released_at]),
        PollResult.scope == scope))}
    counts = await _counts_so_far(session, [p.id for p in polls if not p.released_at], cohort_id)  # type: ignore[misc]
    found = []
    for poll in reversed(polls):
        assert poll.id is not None
        if poll.released_at is None:
            invited, responses = counts.get(poll.id, (0, 0))
            if cohort_id is None or invited or responses:
                found.append(Round(poll.id, poll.starts_on, poll.closes_at, False, invited,
                                   responses))
        elif (row := released.get(poll.id)) is not None:
            found.append(Round(poll.id, poll.starts_on, poll.closes_at, True, row.invited,
                               row.responses, row.value_sum, row.roles_kept,
                               (row.met_0, row.met_1, row.met_2, row.met_3)))
    return found


async def _counts_so_far(session: AsyncSession, poll_ids: list[int], cohort_id: int | None
                         ) -> dict[int, tuple[int, int]]:
    """(invitations, answers) per open round: how many, never what."""
    if not poll_ids:
        return {}
    invited = select(PollInvitation.poll_id, func.count()).where(
        col(PollInvitation.poll_id).in_(poll_ids)).group_by(col(PollInvitation.poll_id))
    answered = select(PulseAnswer.poll_id, func.count()).where(
        col(PulseAnswer.poll_id).in_(poll_ids)).group_by(col(PulseAnswer.poll_id))
    if cohort_id is not None:
        invited = invited.where(PollInvitation.cohort_id == cohort_id)
        answered = answered.where(PulseAnswer.cohort_id == cohort_id)
    invitations = dict((await session.exec(invited)).all())
    answers = dict((await session.exec(answered)).all())
    return {poll_id: (invitations.get(poll_id, 0), answers.get(poll_id, 0))
            for poll_id in poll_ids}


async def released_comments(session: AsyncSession, cohort_id: int | None
                            ) -> list[tuple[date, str]]:
    """(round, comment) for comments their authors agreed to share, from released rounds where
    the scope's figures were shown; never anything that says who wrote them."""
    a, r = PulseAnswer, PollResult
    query = (
        select(PulsePoll.starts_on, a.comment)
        .join(PulsePoll, col(PulsePoll.id) == col(a.poll_id))
        .join(r, and_(col(r.poll_id) == col(a.poll_id),
                      col(r.scope) == (WHOLE_PROGRAM if cohort_id is None else cohort_id)))
        .where(col(r.value_sum).is_not(None), col(a.share_comment).is_(True),
               col(a.comment).is_not(None), col(a.updated_at) < col(PulsePoll.closes_at)))
    if cohort_id is not None:
        query = query.where(a.cohort_id == cohort_id)
    return [(day, text) for day, text in await session.exec(query) if text]

"""A cohort's closing survey: answers summed, and the results released once when it closes.

Each closing survey belongs to one cohort, so its answers form one group; what the program team
reads comes from `closing_result` (fixed at the close) or is a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ClosingAnswer, ClosingResult, Cohort, Pair


async def was_member(session: AsyncSession, cohort_id: int, person_id: int) -> bool:
    """Whether the person was in one of the cohort's pairs: only they answer its survey."""
    found = await session.exec(select(Pair.id).where(
        Pair.cohort_id == cohort_id,
        or_(col(Pair.mentor_id) == person_id, col(Pair.mentee_id) == person_id)).limit(1))
    return found.first() is not None


async def due_for_release(session: AsyncSession, now: datetime) -> list[Cohort]:
    return list(await session.exec(
        select(Cohort).where(col(Cohort.survey_closes_at) <= now,
                             col(Cohort.survey_released_at).is_(None))))


async def claim_release(session: AsyncSession, cohort_id: int, now: datetime) -> bool:
    """True for exactly one caller, however many get there at once."""
    claimed = await session.exec(  # type: ignore[call-overload]
        update(Cohort).where(col(Cohort.id) == cohort_id, col(Cohort.survey_released_at).is_(None))
        .values(survey_released_at=now).returning(Cohort.id))
    return claimed.first() is not None


@dataclass(frozen=True)
class Tally:
    responses: int
    recommend_sum: int
    future_leader_yes: int
    view_more: int
    view_less: int
    promoters: int
    detractors: int
    helps_asked: int  # senior mentees who answered the retention question
    helps_yes: int


async def tally(session: AsyncSession, cohort: Cohort) -> Tally:
    """The survey's sums, counting only answers given before it closed."""
    a = ClosingAnswer
    row = (await session.exec(
        select(func.count(), func.coalesce(func.sum(a.recommend), 0),
               func.count().filter(a.future_leader == "yes"),
               func.count().filter(a.changed_view == "more"),
               func.count().filter(a.changed_view == "less"),
               func.count().filter(a.recommend == 5),
               func.count().filter(col(a.recommend).in_((1, 2, 3))),
               func.count().filter(col(a.helps_retention).is_not(None)),
               func.count().filter(a.helps_retention == "yes"))
        .where(a.cohort_id == cohort.id, col(a.answered_at) < cohort.survey_closes_at))).one()
    return Tally(*(int(n) for n in row))


def add_result(session: AsyncSession, cohort: Cohort, found: Tally, shown: bool,
               seniors_shown: bool, now: datetime) -> None:
    """The survey's figures, fixed: sums only where enough answered; the senior mentees'
    retention question only where enough of them answered it too."""
    sums = dict(recommend_sum=found.recommend_sum, future_leader_yes=found.future_leader_yes,
                view_more=found.view_more, view_less=found.view_less,
                promoters=found.promoters, detractors=found.detractors) if shown else {}
    if shown and seniors_shown:
        sums |= dict(helps_retention_asked=found.helps_asked, helps_retention_yes=found.helps_yes)
    session.add(ClosingResult(cohort_id=cohort.id, invited=cohort.survey_invited,  # type: ignore[arg-type]
                              responses=found.responses, released_at=now, **sums))


@dataclass(frozen=True)
class Survey:
    """One closing survey as the program team may see it: sums None while it is open and
    where too few answered."""

    cohort_id: int
    cohort: str
    closes_at: datetime
    released: bool
    invited: int
    responses: int
    recommend_sum: int | None = None
    future_leader_yes: int | None = None
    view_more: int | None = None
    view_less: int | None = None
    promoters: int | None = None
    detractors: int | None = None
    helps_asked: int | None = None
    helps_yes: int | None = None
    released_at: datetime | None = None


async def surveys(session: AsyncSession, cohort_id: int | None) -> list[Survey]:
    """Closing surveys sent so far, oldest first (one cohort's, or every cohort's)."""
    query = (select(Cohort, ClosingResult)
             .outerjoin(ClosingResult, col(ClosingResult.cohort_id) == col(Cohort.id))
             .where(col(Cohort.survey_closes_at).is_not(None))
             .order_by(col(Cohort.survey_closes_at), col(Cohort.id)))
    if cohort_id is not None:
        query = query.where(Cohort.id == cohort_id)
    rows = list(await session.exec(query))
    open_ids = [c.id for c, r in rows if r is None]
    so_far = dict((await session.exec(
        select(ClosingAnswer.cohort_id, func.count())
        .where(col(ClosingAnswer.cohort_id).in_(open_ids))
        .group_by(col(ClosingAnswer.cohort_id)))).all()) if open_ids else {}
    found = []
    for cohort, row in rows:
        assert cohort.id is not None and cohort.survey_closes_at is not None
        if row is None:
            found.append(Survey(cohort.id, cohort.name, cohort.survey_closes_at, False,
                                cohort.survey_invited, so_far.get(cohort.id, 0)))
        else:
            found.append(Survey(cohort.id, cohort.name, cohort.survey_closes_at, True,
                                row.invited, row.responses, row.recommend_sum,
                                row.future_leader_yes, row.view_more, row.view_less,
                                row.promoters, row.detractors, row.helps_retention_asked,
                                row.helps_retention_yes, row.released_at))
    return found


async def released_words(session: AsyncSession, cohort_id: int | None
                         ) -> list[tuple[str, str, str]]:
    """(cohort, question, text) of written answers their authors agreed to share, from closed
    surveys over enough answers; nothing that says who wrote them."""
    a = ClosingAnswer
    query = (
        select(Cohort.name, a.learned, a.taught)
        .join(Cohort, col(Cohort.id) == col(a.cohort_id))
        .join(ClosingResult, and_(col(ClosingResult.cohort_id) == col(a.cohort_id),
                                  col(ClosingResult.recommend_sum).is_not(None)))
        .where(col(a.share_text).is_(True), col(a.answered_at) < col(Cohort.survey_closes_at)))
    if cohort_id is not None:
        query = query.where(a.cohort_id == cohort_id)
    return [(name, question, text) for name, learned, taught in await session.exec(query)
            for question, text in (("learned", learned), ("taught", taught)) if text]

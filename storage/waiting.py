"""Who waits for a match, a page at a time: what `requests.waiting` answers for the whole program,
read in bounded pages with a few statements each, for jobs that reach everyone waiting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import Pair, Person, Status


@dataclass(frozen=True)
class Waiter:
    id: int
    platform: str
    tenant_id: str
    user_id: str
    role: str
    since: datetime  # joined, or their last pair ended, whichever is later


async def pages(session: AsyncSession, size: int, *,
                role: str | None = None) -> AsyncIterator[list[Waiter]]:
    """Active mentors and mentees without an active pair, in person id order, `size` a page.

    Three statements a page: the people (an active pair probed on either side's index), then
    the ended pairs on either side of their id range, for when each one's wait began. The old
    correlated form (max of ended pairs by mentor OR mentee per person) scanned the pair table
    once per person."""
    after = 0
    roles = (role,) if role is not None else ("mentor", "mentee")
    # Two probes, each on its own index, rather than one "mentor OR mentee" that none serves.
    as_mentor = select(Pair.id).where(col(Pair.mentor_id) == col(Person.id),
                                      Pair.status == "active")
    as_mentee = select(Pair.id).where(col(Pair.mentee_id) == col(Person.id),
                                      Pair.status == "active")
    while True:
        people = list(await dialect.rows(session,
            select(Person.id, Person.platform, Person.tenant_id, Person.user_id,  # type: ignore[call-overload]
                   Person.role, Person.joined_at, Person.created_at)
            .where(Person.status == Status.ACTIVE, col(Person.role).in_(roles),
                   col(Person.id) > after, ~as_mentor.exists(), ~as_mentee.exists())
            .order_by(col(Person.id)).limit(size)))
        if not people:
            return
        first, last = people[0][0], people[-1][0]
        ended: dict[int, datetime] = {}
        for side in (Pair.mentor_id, Pair.mentee_id):
            rows = await dialect.rows(session,
                select(side, Pair.ended_at)  # type: ignore[call-overload]
                .where(col(side) >= first, col(side) <= last,
                       col(Pair.ended_at).is_not(None)))
            for person_id, ended_at in rows:
                if person_id not in ended or ended_at > ended[person_id]:
                    ended[person_id] = ended_at
        page = []
        for person_id, platform, tenant_id, user_id, person_role, joined_at, created_at in people:
            joined = joined_at or created_at
            last_ended = ended.get(person_id)
            since = max(joined, last_ended) if last_ended is not None else joined
            page.append(Waiter(person_id, platform, tenant_id, user_id, person_role, since))
        after = last
        yield page

"""Where one person stands, read in one statement: their topics, their active pairs, their
place on the waitlist and an open request to a mentor. `status` is the most typed command;
four round trips for it were four waits behind every other writer on a busy database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, String, bindparam, cast, literal, union_all
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MatchRequest, Pair, Person, PersonTopic, WaitlistEntry
from storage.people import hold
from storage.requests import OPEN as OPEN_REQUEST


@dataclass(frozen=True)
class Standing:
    topics: dict[str, tuple[str, ...]]  # "teach" / "learn" → topic ids, sorted
    pair_ids: tuple[int, ...]  # active pairs, oldest first
    waitlist_reason: str | None
    open_request: bool


_PERSON = bindparam("person_id", type_=Integer)
# Built once: building this union and its cache key cost about 0.5 ms a `status`, more than
# SQLite takes to run it.
_STANDING = union_all(
    select(literal("topic").label("kind"), col(PersonTopic.direction).label("a"),
           col(PersonTopic.topic).label("b"))
    .where(col(PersonTopic.person_id) == _PERSON),
    select(literal("pair"), cast(col(Pair.id), String), literal(""))
    .where(col(Pair.status) == "active",
           or_(col(Pair.mentor_id) == _PERSON, col(Pair.mentee_id) == _PERSON)),
    select(literal("wait"), col(WaitlistEntry.reason), literal(""))
    .where(col(WaitlistEntry.person_id) == _PERSON),
    select(literal("request"), cast(col(MatchRequest.id), String), literal(""))
    .where(col(MatchRequest.mentee_id) == _PERSON, col(MatchRequest.status) == OPEN_REQUEST),
)


async def standing_of(session: AsyncSession, person_id: int) -> Standing:
    rows = (await session.exec(_STANDING, params={"person_id": person_id})).all()  # type: ignore[call-overload]
    topics: dict[str, list[str]] = {"teach": [], "learn": []}
    pair_ids: list[int] = []
    reason, request = None, False
    for kind, a, b in rows:
        if kind == "topic":
            topics.setdefault(a, []).append(b)
        elif kind == "pair":
            pair_ids.append(int(a))
        elif kind == "wait":
            reason = a
        else:
            request = True
    return Standing({d: tuple(sorted(t)) for d, t in topics.items()}, tuple(sorted(pair_ids)),
                    reason, request)


async def pairs_and_partners(session: AsyncSession, pair_ids: tuple[int, ...],
                             person_id: int) -> list[Pair]:
    """The pairs, with each partner loaded into the session too (two statements however many
    pairs: `session.get` then finds the partner without a query of its own)."""
    if not pair_ids:
        return []
    found = list(await session.exec(_PAIRS, params={"the_ids": list(pair_ids)}))
    partners = [p.mentee_id if p.mentor_id == person_id else p.mentor_id for p in found]
    hold(session, *(await session.exec(_PEOPLE, params={"the_ids": partners})))
    return found


# Built once, as _STANDING; the id lists expand into as many parameters as they hold.
_PAIRS = (select(Pair).where(col(Pair.id).in_(bindparam("the_ids", expanding=True)))
          .order_by(col(Pair.id)))
_PEOPLE = select(Person).where(col(Person.id).in_(bindparam("the_ids", expanding=True)))

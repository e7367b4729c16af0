"""Queries about people, their survey answers and their topics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.identity import identity_is
from storage.models import Person, PersonTopic, Status, SurveyAnswers


async def find_person(
    session: AsyncSession, platform: str, tenant_id: str, user_id: str
) -> Person | None:
    result = await session.exec(
        select(Person).where(identity_is(Person, platform, tenant_id, user_id)))
    return result.first()


# Built once (a statement and its cache key cost more to build than to run on SQLite).
_STAMP = (update(Person)
          .where(identity_is(Person, bindparam("the_platform"), bindparam("the_tenant"),
                             bindparam("the_user")))
          .values(last_active_at=bindparam("the_time",
                                           type_=Person.__table__.c.last_active_at.type))
          .returning(Person)
          .execution_options(populate_existing=True))


async def find_and_stamp(
    session: AsyncSession, platform: str, tenant_id: str, user_id: str, now: datetime
) -> Person | None:
    """The person, with `last_active_at` set to now, in one statement (UPDATE … RETURNING):
    every event that counts as activity used to read them, then write the stamp."""
    result = await session.exec(_STAMP, params={  # type: ignore[call-overload]
        "the_platform": platform, "the_tenant": tenant_id, "the_user": user_id, "the_time": now})
    return result.scalars().first()  # type: ignore[no-any-return]


def hold(session: AsyncSession, *rows: object) -> None:
    """Keep rows in the session's identity map until it closes. The session holds what it
    loaded only weakly: a row nobody references any more (the sender, once the flow is done;
    a partner loaded ahead for `session.get`) is gone, and the next look is a query."""
    session.info.setdefault("held", []).extend(rows)


async def find_listed(session: AsyncSession, platform: str, ids: Sequence[str]) -> list[Person]:
    """People a configuration lists by platform user id or (Teams) directory id."""
    result = await session.exec(select(Person).where(
        col(Person.platform).in_([platform]),
        col(Person.user_id).in_(ids) | col(Person.directory_id).in_(ids)))
    return list(result)


async def get_or_create_person(
    session: AsyncSession,
    platform: str,
    tenant_id: str,
    user_id: str,
    now: datetime,
    status: str = Status.PENDING,
) -> Person:
    person = await find_person(session, platform, tenant_id, user_id)
    if person is None:
        person = Person(
            platform=platform,
            tenant_id=tenant_id,
            user_id=user_id,
            created_at=now,
            updated_at=now,
            status=status,
        )
        try:
            async with session.begin_nested():
                session.add(person)
                await session.flush()
        except IntegrityError:
            # Their first two events at once, on two replicas: the other one created them.
            found = await find_person(session, platform, tenant_id, user_id)
            if found is None:
                raise
            person = found
    return person


async def survey_answers(session: AsyncSession, person_id: int) -> SurveyAnswers | None:
    return await session.get(SurveyAnswers, person_id)


async def topics(session: AsyncSession, person_id: int) -> dict[str, tuple[str, ...]]:
    result = await session.exec(
        select(PersonTopic).where(PersonTopic.person_id == person_id).order_by(PersonTopic.topic)
    )
    found: dict[str, list[str]] = {"teach": [], "learn": []}
    for row in result:
        found.setdefault(row.direction, []).append(row.topic)
    return {direction: tuple(values) for direction, values in found.items()}


async def replace_topics(
    session: AsyncSession, person_id: int, teach: Iterable[str], learn: Iterable[str]
) -> None:
    await session.exec(delete(PersonTopic).where(col(PersonTopic.person_id) == person_id))
    session.add_all(
        [PersonTopic(person_id=person_id, direction="teach", topic=t) for t in sorted(set(teach))]
        + [PersonTopic(person_id=person_id, direction="learn", topic=t) for t in sorted(set(learn))]
    )


async def save_answers(
    session: AsyncSession,
    person_id: int,
    goals: str,
    cadence: str,
    meeting_mode: str,
    now: datetime,
) -> bool:
    """Store the survey answers; True when this is the person's first submission."""
    answers = await session.get(SurveyAnswers, person_id)
    first = answers is None
    if answers is None:
        answers = SurveyAnswers(
            person_id=person_id,
            cadence=cadence,
            meeting_mode=meeting_mode,
            goals=goals,
            submitted_at=now,
            updated_at=now,
        )
    answers.goals, answers.cadence, answers.meeting_mode = goals, cadence, meeting_mode
    answers.updated_at = now
    session.add(answers)
    return first


async def paused_until_on_or_before(session: AsyncSession, day: date) -> list[Person]:
    result = await session.exec(
        select(Person).where(
            Person.status == Status.PAUSED,
            col(Person.paused_until).is_not(None),
            col(Person.paused_until) <= day,
        )
    )
    return list(result)


async def find_named(session: AsyncSession, platform: str, tenant_id: str,
                     user_id: str) -> Person | None:
    """A person someone named: by platform user id or (Teams) directory id, never a forgotten one."""
    result = await session.exec(
        select(Person).where(
            col(Person.platform).in_([platform]),
            Person.tenant_id == tenant_id,
            or_(col(Person.user_id) == user_id, col(Person.directory_id) == user_id),
            col(Person.data_deleted).is_(False),
        )
    )
    return result.first()


async def find_by_name_or_email(session: AsyncSession, platform: str, tenant_id: str,
                                typed: str) -> list[Person]:
    """Everyone typed words could mean, on this platform and tenant, never a forgotten one:
    the person with that work email, else everyone the platform shows by that name (several
    people can share one)."""
    wanted = " ".join(typed.split()).casefold()
    if not wanted:
        return []
    found = list(await session.exec(select(Person).where(
        Person.platform == platform, Person.tenant_id == tenant_id,
        col(Person.data_deleted).is_(False),
        or_(func.lower(col(Person.email)) == wanted,
            func.lower(col(Person.display_name)) == wanted)).order_by(col(Person.id))))
    by_email = [p for p in found if (p.email or "").casefold() == wanted]
    return by_email[:1] or found


async def topics_of(session: AsyncSession,
                    person_ids: Sequence[int]) -> dict[int, dict[str, set[str]]]:
    """Everyone's topics by direction, for these people, a query per 1,000 of them. Plain
    columns, not rows as objects: building 20,000 ORM objects took most of `admin stats`."""
    found: dict[int, dict[str, set[str]]] = {}
    ids = list(person_ids)
    for start in range(0, len(ids), 1000):
        rows = await session.exec(select(
            PersonTopic.person_id, PersonTopic.direction, PersonTopic.topic).where(
            col(PersonTopic.person_id).in_(ids[start:start + 1000])))
        for person_id, direction, topic in rows:
            found.setdefault(person_id, {}).setdefault(direction, set()).add(topic)
    return found


async def identities_of(session: AsyncSession,
                        person_ids: Sequence[int]) -> list[tuple[str, str, str]]:
    """(platform, tenant_id, user_id) of these people, leaving out anyone forgotten."""
    result = await session.exec(
        select(Person.platform, Person.tenant_id, Person.user_id).where(
            col(Person.id).in_(person_ids), col(Person.data_deleted).is_(False)))
    return [(str(p), str(t), str(u)) for p, t, u in result.all()]

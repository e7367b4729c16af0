"""Queries about people, their survey answers and their topics."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, update
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.identity import identity_is
from storage.models import (
    ClosingAnswer,
    ConversationRef,
    Meeting,
    OutboxMessage,
    Person,
    PersonTopic,
    PulseAnswer,
    Status,
    SurveyAnswers,
    WebChatMessage,
)


async def find_person(
    session: AsyncSession, platform: str, tenant_id: str, user_id: str
) -> Person | None:
    result = await session.exec(
        select(Person).where(identity_is(Person, platform, tenant_id, user_id)))
    return result.first()


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
        session.add(person)
        await session.flush()
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


async def forget_person(session: AsyncSession, person: Person, now: datetime) -> None:
    """Remove personal data, keeping an anonymous row so enrolment counts stay true."""
    assert person.id is not None
    identity = (person.platform, person.tenant_id, person.user_id)
    await session.exec(
        delete(ConversationRef).where(
            col(ConversationRef.platform) == identity[0],
            col(ConversationRef.tenant_id) == identity[1],
            col(ConversationRef.user_id) == identity[2],
        )
    )
    # Messages to them can hold their answers; the recipients column is a JSON list of ids.
    await session.exec(
        delete(OutboxMessage).where(
            col(OutboxMessage.platform) == identity[0],
            col(OutboxMessage.tenant_id) == identity[1],
            col(OutboxMessage.recipients).contains(json.dumps(identity[2])),
        )
    )
    if person.platform == "web":
        await session.exec(
            delete(WebChatMessage).where(col(WebChatMessage.user_id) == person.user_id)
        )
    # Their own words go; their scores stay, anonymous, inside the aggregates.
    await session.exec(update(PulseAnswer).where(col(PulseAnswer.person_id) == person.id)
                       .values(comment=None, share_comment=False))  # type: ignore[call-overload]
    await session.exec(update(ClosingAnswer).where(col(ClosingAnswer.person_id) == person.id)
                       .values(learned=None, taught=None, share_text=False))  # type: ignore[call-overload]
    await session.exec(update(Meeting).where(col(Meeting.reported_by) == person.id)
                       .values(note=None))  # type: ignore[call-overload]
    await session.exec(delete(PersonTopic).where(col(PersonTopic.person_id) == person.id))
    await session.exec(delete(SurveyAnswers).where(col(SurveyAnswers.person_id) == person.id))
    person.user_id = f"deleted-{person.id}"
    person.tenant_id = ""
    for attribute in ("directory_id", "display_name", "email", "timezone", "team", "paused_until"):
        setattr(person, attribute, None)
    person.data_deleted = True
    person.status = Status.LEFT
    person.left_at = person.left_at or now
    person.updated_at = now
    session.add(person)


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

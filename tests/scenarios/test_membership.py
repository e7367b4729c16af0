"""A member's own controls: a break until a date, resuming, leaving with or without their data."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, func, select

from storage.models import ConversationRef, Person, PersonTopic, SurveyAnswers, WebChatMessage
from tests.support.drivers import ChatDriver, ChatWorld
from tests.support.drivers.journeys import JUNIOR, join

LEAVE, RESUME, STAY = "membership.leave", "membership.resume", "membership.stay"


async def count(chat: ChatWorld, table: type, *where: object) -> int:
    async with chat.service.database.session() as session:
        query = select(func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
        return int((await session.exec(query)).one())


async def status_of(chat: ChatWorld, person: ChatDriver) -> str:
    row = await chat.row(person)
    assert row is not None
    return row.status


async def test_a_break_until_a_date_shows_in_status_with_a_resume_button_that_ends_it(
    chat: ChatWorld,
) -> None:
    jo = chat.person("jo")
    await join(jo, JUNIOR)

    [paused] = await jo.say("pause until 2026-12-31")
    row = await chat.row(jo)
    assert row is not None and (row.status, row.paused_until) == ("paused", date(2026, 12, 31))
    assert paused.buttons == ()

    [on_break] = await jo.say("status")
    assert on_break.actions == (RESUME,)
    [back] = await jo.press(RESUME)
    assert back.buttons == ()
    row = await chat.row(jo)
    assert row is not None and (row.status, row.paused_until) == ("active", None)
    assert (await jo.say("status"))[0].buttons == ()


async def test_a_date_that_has_passed_pauses_no_one(chat: ChatWorld) -> None:
    jo = chat.person("jo")
    await join(jo, JUNIOR)

    [refused] = await jo.say("pause until 2026-01-01")

    assert "pause" in refused.text  # it says how to pause instead
    assert await status_of(chat, jo) == "active"


async def test_leaving_asks_first_and_keeps_the_answers_unless_told_otherwise(
    chat: ChatWorld,
) -> None:
    jo = chat.person("jo")
    await join(jo, JUNIOR)

    [question] = await jo.say("leave")
    assert question.actions == (LEAVE, LEAVE, STAY)
    await jo.press(STAY)
    assert await status_of(chat, jo) == "active"

    keep = next(b for b in question.buttons if b.value == "keep")
    await jo.press(keep)
    row = await chat.row(jo)
    assert row is not None and (row.status, row.team) == ("left", "Inside Sales")
    assert await count(chat, SurveyAnswers) == 1
    [gone] = await jo.say("status")
    assert gone.facts == {} and "join" in gone.text  # welcome back any time


async def test_leaving_with_data_deletion_forgets_the_person_everywhere(chat: ChatWorld) -> None:
    jo = chat.person("jo")
    await join(jo, JUNIOR)
    await jo.say("status")
    before = await chat.row(jo)
    assert before is not None

    [question] = await jo.say("leave")
    delete = next(b for b in question.buttons if b.value == "delete")
    await jo.press(delete)

    async with chat.service.database.session() as session:
        person = await session.get(Person, before.id)
    assert person is not None and person.data_deleted and person.status == "left"
    assert (person.user_id, person.display_name, person.team) == (f"deleted-{person.id}", None,
                                                                 None)
    assert await chat.row(jo) is None
    assert await count(chat, SurveyAnswers) == await count(chat, PersonTopic) == 0
    user_id = jo.address.user_id
    # What each platform kept to reach them: the Slack DM, the Teams conversation, web inbox.
    assert await count(chat, ConversationRef, col(ConversationRef.user_id) == user_id) == 0
    assert await count(chat, WebChatMessage, col(WebChatMessage.user_id) == user_id) == 0

    await jo.press(delete)  # pressed again: nothing comes back
    assert await chat.row(jo) is None and await count(chat, SurveyAnswers) == 0

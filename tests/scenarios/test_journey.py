"""A pair's journey on every platform: the kick-off gates the prompts and both see the
agreement; whoever hasn't agreed is reminded; Find a time books a meeting with an invitation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.drivers import ChatWorld, with_action
from tests.support.drivers.journeys import AGREE, kicked_off, matched, started

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # past 09:30 in London, Sam's morning
MET = "engage.met"


async def test_no_prompt_before_the_kick_off_then_the_first_meeting_agenda(
    chat: ChatWorld,
) -> None:
    jo, sam = await matched(chat)
    await chat.tick(MONDAY)
    assert with_action(await sam.inbox(), MET) == []  # introduced, not agreed: nothing

    confirmed = await kicked_off(jo, sam, goal_2="Record one short video for my team")
    agreement = [s for s in await sam.inbox() if s.facts.get("Goal 2")]
    assert agreement and agreement[-1].facts["Rhythm"] == "Every week"
    assert any(s.facts.get("Goal 1") for s in confirmed)  # Jo sees it too
    assert any("here to learn" in (s.title or "") for s in await sam.inbox())  # the senior's role guide

    await chat.tick(MONDAY + timedelta(weeks=1))
    [first] = with_action(await sam.inbox(), MET)
    assert "first meeting" in (first.title or "").lower()


async def test_the_one_who_has_not_agreed_is_reminded_twice(chat: ChatWorld) -> None:
    jo, sam = await matched(chat)
    await jo.press(AGREE)
    start = chat.clock.now()
    for day in (1, 3, 4, 7, 8, 9):
        await chat.tick(start + timedelta(days=day, hours=1))
    assert len(with_action(await sam.inbox(), AGREE)) == 3  # the introduction and two reminders
    assert len(with_action(await jo.inbox(), AGREE)) == 1  # only the introduction


async def test_find_a_time_books_a_meeting_both_confirm_and_get_an_invitation(
    chat: ChatWorld,
) -> None:
    jo, sam = await started(chat)
    offer = await sam.say("schedule")
    assert [len(s.facts) for s in offer] == [3] and "for Jo" in next(iter(offer[0].facts.values()))
    await sam.press("Pick option 1")
    booked = await jo.press("meet.confirm")
    assert any("calendar invitation" in s.text for s in booked)
    for person in (jo, sam):  # Slack: the .ics uploaded; Teams and web: a download link
        assert any("Add the invitation to your calendar" in s.text for s in await person.inbox())

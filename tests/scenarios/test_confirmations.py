"""What can't be undone asks first, saying what will happen: closing a cohort, an announcement
to everyone, ending a pairing. Its buttons act once however often they are pressed, never after
they expire, and never on a program that changed since the question."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.models import Cohort, Pair
from tests.support.drivers import ADMIN, ChatDriver, ChatWorld, with_action
from tests.support.drivers.journeys import JUNIOR, join, matched

CLOSING, ANNOUNCED = "closing.open", "Round two starts Monday!"


async def the_pair(chat: ChatWorld) -> Pair:
    async with chat.service.database.session() as session:
        return (await session.exec(select(Pair))).one()


async def the_cohort(chat: ChatWorld) -> Cohort:
    async with chat.service.database.session() as session:
        return (await session.exec(select(Cohort))).one()


async def news(person: ChatDriver) -> list[str]:
    return [s.text for s in await person.inbox() if ANNOUNCED in s.text]


async def test_closing_a_cohort_says_how_many_pairs_end_and_surveys_go_out_first(
    chat: ChatWorld,
) -> None:
    ada = chat.person(ADMIN)
    await ada.say("admin cohort start Autumn")
    jo, sam = await matched(chat)
    jo_seen = len(await jo.inbox())

    [question] = await ada.say("admin cohort close")
    assert "1 pair will end" in question.text and "2 people will get" in question.text
    assert [b.label for b in question.buttons] == ["Close the cohort", "Cancel"]
    [kept] = await ada.press("Cancel")
    assert "stays open" in kept.text
    assert (await the_pair(chat)).status == "active" and len(await jo.inbox()) == jo_seen

    [question] = await ada.say("admin cohort close")
    close = question.button("Close the cohort")
    assert close is not None
    [closed] = await ada.press(close)
    await ada.press(close)  # pressed twice: closed once

    assert "1 pair ended" in closed.text and "2 people get" in closed.text
    assert (await the_pair(chat)).status == "ended"
    for person in (jo, sam):
        assert len(with_action(await person.inbox(), CLOSING)) == 1


async def test_a_cohort_close_asked_before_the_cohort_changed_asks_again(chat: ChatWorld) -> None:
    ada = chat.person(ADMIN)
    await ada.say("admin cohort start Autumn")
    _, sam = await matched(chat)
    await ada.say("admin cohort close")
    await sam.say("end we drifted apart")
    await sam.press("End the pairing")  # the cohort's one pair ends before Ada confirms

    [again] = await ada.press("Close the cohort")

    assert "changed since you asked" in again.text and "0 pairs will end" in again.text
    assert (await the_cohort(chat)).closed_at is None
    await ada.press("Close the cohort")
    assert (await the_cohort(chat)).closed_at is not None


async def test_a_confirmation_a_day_old_has_expired_and_changes_nothing(chat: ChatWorld) -> None:
    ada = chat.person(ADMIN)
    await ada.say("admin cohort start Autumn")
    jo, _ = await matched(chat)
    await ada.say("admin cohort close")
    await ada.say("admin announce " + ANNOUNCED)
    chat.clock.advance(timedelta(hours=25))

    [late_close] = await ada.press("Close the cohort")
    [late_send] = await ada.press("Send")

    assert "expired" in late_close.text and "expired" in late_send.text
    assert (await the_cohort(chat)).closed_at is None and await news(jo) == []


async def test_an_announcement_shows_its_preview_and_recipients_and_is_sent_once(
    chat: ChatWorld,
) -> None:
    ada = chat.person(ADMIN)
    jo, sam = await matched(chat)

    preview, question = await ada.say("admin announce " + ANNOUNCED)
    assert ANNOUNCED in preview.text and "2 active participants" in question.text
    assert [b.label for b in question.buttons] == ["Send", "Cancel"]
    [cancelled] = await ada.press("Cancel")
    assert "nothing was sent" in cancelled.text
    assert await news(jo) == []

    _, question = await ada.say("admin announce " + ANNOUNCED)
    send = question.button("Send")
    assert send is not None
    [sent] = await ada.press(send)
    await ada.press(send)  # pressed twice: sent once

    assert "on its way to 2 active participants" in sent.text
    assert len(await news(jo)) == len(await news(sam)) == 1


async def test_an_announcement_previewed_before_someone_joined_asks_again(
    chat: ChatWorld,
) -> None:
    ada = chat.person(ADMIN)
    jo, _ = await matched(chat)
    await ada.say("admin announce " + ANNOUNCED)
    al = chat.person("al")
    await join(al, JUNIOR)

    [again] = await ada.press("Send")

    assert "changed since the preview" in again.text and "3 active participants" in again.text
    assert await news(jo) == []
    await ada.press("Send")
    assert len(await news(al)) == len(await news(jo)) == 1


async def test_ending_with_a_reason_asks_first_and_keep_it_changes_nothing(
    chat: ChatWorld,
) -> None:
    jo, sam = await matched(chat)
    jo_seen = len(await jo.inbox())

    [question] = await sam.say("end we drifted apart")
    assert "we drifted apart" in question.text and "Jo" in question.text
    assert [b.label for b in question.buttons] == ["End the pairing", "Keep it"]
    [kept] = await sam.press("Keep it")
    assert "continues" in kept.text
    assert (await the_pair(chat)).status == "active" and len(await jo.inbox()) == jo_seen

    [question] = await sam.say("end we drifted apart")
    end = question.button("End the pairing")
    assert end is not None
    await sam.press(end)
    await sam.press(end)  # pressed twice: ended once, Jo told once

    pair = await the_pair(chat)
    assert (pair.status, pair.end_reason) == ("ended", "we drifted apart")
    assert len((await jo.inbox())[jo_seen:]) == 1


async def test_plain_end_can_be_cancelled_and_an_overlong_reason_is_refused_with_its_limit(
    chat: ChatWorld,
) -> None:
    _, sam = await matched(chat)

    [question] = await sam.say("end")
    assert question.buttons[-1].label == "Cancel"
    await sam.press("Cancel")
    [too_long] = await sam.say("end " + "🙂" * 301)
    [fits] = await sam.say("end " + "🙂" * 300)  # an emoji counts as one character

    assert "300 characters" in too_long.text and "301" in too_long.text
    assert too_long.buttons == () and fits.button("End the pairing") is not None
    assert (await the_pair(chat)).status == "active"


async def test_unpairing_from_the_at_risk_list_asks_first_and_tells_the_pair_once(
    chat: ChatWorld,
) -> None:
    ada = chat.person(ADMIN)
    jo, sam = await matched(chat)
    async with chat.service.database.session() as session:
        pair = (await session.exec(select(Pair))).one()
        pair.at_risk_since, pair.at_risk_reason = chat.clock.now(), "two unanswered nudges"
        session.add(pair)
    await ada.say("admin at-risk")
    jo_seen, sam_seen = len(await jo.inbox()), len(await sam.inbox())

    [question] = await ada.press("Unpair")
    assert question.title == "Unpair Jo and Sam?"
    await ada.press("Cancel")
    assert (await the_pair(chat)).status == "active" and len(await jo.inbox()) == jo_seen

    await ada.say("admin at-risk")
    await ada.press("Unpair")
    unpair = (await ada.inbox())[-1].button("Unpair")
    assert unpair is not None
    await ada.press(unpair)
    await ada.press(unpair)  # pressed twice: unpaired once

    assert (await the_pair(chat)).status == "ended"
    assert len((await jo.inbox())[jo_seen:]) == len((await sam.inbox())[sam_seen:]) == 1

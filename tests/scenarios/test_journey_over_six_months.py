"""A whole six-month pairing on every platform, time moving a week at a time: a monthly pair
hears from us monthly and is never nudged while it meets; the mid-point check-in, the closing
agenda, the closing survey and a kind goodbye each arrive once, on their day. An early "we
reached our goals" ends with the closing survey; a cohort closes itself on its end date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.drivers import ADMIN, ChatDriver, ChatWorld, with_action
from tests.support.drivers.journeys import started

MET, FIND = "engage.met", "meet.find"
CLOSING = "Your pairing's closing survey"
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # kick-off agreed this morning


def titled(seen: list, start: str) -> list:  # type: ignore[type-arg]
    return [s for s in seen if (s.title or "").startswith(start)]


async def _a_week_at_a_time(chat: ChatWorld, sam: ChatDriver, weeks: int) -> None:
    """Every Monday morning the jobs run; whenever a prompt arrives, Sam logs the meeting."""
    for week in range(weeks):
        before = len(with_action(await sam.inbox(), MET))
        await chat.tick(MONDAY + timedelta(weeks=week))
        if len(with_action(await sam.inbox(), MET)) > before:
            await sam.press(MET)


async def test_a_monthly_pair_meets_monthly_and_gets_every_milestone_once(
    chat: ChatWorld,
) -> None:
    jo, sam = await started(chat, rhythm="monthly", length="6")  # until Sun 23 May 2027
    await _a_week_at_a_time(chat, sam, 28)

    sam_saw, jo_saw = await sam.inbox(), await jo.inbox()
    prompts = with_action(sam_saw, MET)
    assert len(prompts) == 7  # weeks 0, 4, 8, … 24: monthly, not weekly
    assert "first meeting" in (prompts[0].title or "").lower()
    assert all(FIND in p.actions for p in prompts)
    assert titled(sam_saw, "A quick check-in") == []  # meeting monthly is not being quiet

    for person in (jo, sam):
        seen = await person.inbox()
        assert len(titled(seen, "Half-way")) == 1  # the mid-point check-in
        assert len(titled(seen, "This time: ")) >= 2  # the mid-point and closing agendas
        assert len(titled(seen, CLOSING)) == 1
        assert len(titled(seen, "Thank you, ")) == 1
    assert any("Two weeks to go" in s.text for s in jo_saw)

    opened = await sam.press("Rate our goals")
    form = next(s.form for s in opened if s.form)
    assert form.form_id == "checkin" and "goal_1" in form.fields
    thanks = await sam.submit({"goal_1": "progressing", "grew": "yes"})
    assert thanks and not [s for s in thanks if s.form and s.form.errors]

    status = await sam.say("status")
    assert not any("Your agreement" in (s.title or "") for s in status)  # the pairing is over


async def test_goals_reached_early_ends_with_the_closing_survey_for_both(
    chat: ChatWorld,
) -> None:
    jo, sam = await started(chat)
    await chat.tick(MONDAY + timedelta(weeks=6))
    await sam.say("end goals")
    reply = await sam.press("End the pairing")
    assert any("Congratulations" in s.text for s in reply)
    for person in (jo, sam):
        seen = await person.inbox()
        assert len(titled(seen, CLOSING)) == 1 and len(titled(seen, "Thank you, ")) == 1
    await chat.tick(MONDAY + timedelta(weeks=7))
    assert len(with_action(await sam.inbox(), MET)) == 2  # nothing after the ending


async def test_a_cohort_closes_by_itself_on_its_end_date(chat: ChatWorld) -> None:
    ada = chat.person(ADMIN)
    await ada.say("admin cohort start Winter ends 2027-01-31")
    jo, sam = await started(chat)
    for day in (10, 18, 25):
        await chat.tick(datetime(2027, 1, day, 9, 0, tzinfo=UTC))
    warned = titled(await ada.inbox(), "A cohort ends in two weeks")
    assert len(warned) == 1
    await chat.tick(datetime(2027, 1, 31, 9, 0, tzinfo=UTC))
    await chat.tick(datetime(2027, 2, 1, 9, 0, tzinfo=UTC))
    assert len(titled(await ada.inbox(), "A cohort has closed")) == 1
    for person in (jo, sam):
        [thanks] = titled(await person.inbox(), "Thank you, ")
        assert "has come to a close" in thanks.text and thanks.button("Answer the closing survey")

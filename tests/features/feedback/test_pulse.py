"""Pulse polls: on schedule, one round per cycle for everyone, one answer per person per round,
taken only while the round is open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from features.feedback.pulse import OPEN
from storage.models import Meeting, PollInvitation, PulseAnswer, PulsePoll
from tests.support.engagement_world import JUNIOR, SENIOR, matched_pair, tick
from tests.support.world import World

GOOD = {"value": "4", "met": "2", "roles": "yes", "comment": "", "share": (), "check_in": ()}


def polls_to(world: World, user: str) -> list:  # type: ignore[type-arg]
    return [m for m in world.messenger.to(user) if m.buttons and m.buttons[0].action_id == OPEN]


async def weeks_of_polls(world: World, weeks: int) -> None:
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    for week in range(weeks):
        await tick(world, monday + timedelta(weeks=week))


async def test_polls_arrive_every_four_weeks_to_both_people_in_a_pair(world: World) -> None:
    await matched_pair(world)
    await weeks_of_polls(world, 9)
    assert len(polls_to(world, "jo")) == len(polls_to(world, "sam")) == 2
    assert polls_to(world, "jo")[0].buttons[0].value != polls_to(world, "jo")[1].buttons[0].value


async def test_a_second_answer_updates_the_first(world: World) -> None:
    jo, _, _ = await matched_pair(world)
    await weeks_of_polls(world, 5)
    poll_id = polls_to(world, "jo")[0].buttons[0].value
    form = (await jo.press(OPEN, poll_id)).form
    assert form is not None and form.context == poll_id
    assert "Thanks" in (await jo.submit(GOOD, form_id="pulse", context=poll_id)).messages[0].text
    again = await jo.press(OPEN, poll_id)
    assert again.form is not None and again.form.values["value"] == "4"
    assert "updated" in (await jo.submit({**GOOD, "value": "5"}, form_id="pulse",
                                         context=poll_id)).messages[0].text
    async with world.database.session() as session:
        (answer,) = list(await session.exec(select(PulseAnswer)))
    assert answer.value == 5


async def test_bad_answers_come_back_with_errors_and_store_nothing(world: World) -> None:
    jo, _, _ = await matched_pair(world)
    await weeks_of_polls(world, 5)
    poll_id = polls_to(world, "jo")[0].buttons[0].value
    response = await jo.submit({"value": "9", "met": "lots"}, form_id="pulse", context=poll_id)
    assert set(response.errors) == {"value", "met", "roles"}
    async with world.database.session() as session:
        assert list(await session.exec(select(PulseAnswer))) == []


async def test_an_answer_after_the_poll_closes_is_refused_and_changes_nothing(
    world: World,
) -> None:
    jo, _, _ = await matched_pair(world)
    await weeks_of_polls(world, 5)
    poll_id = polls_to(world, "jo")[0].buttons[0].value
    await jo.submit(GOOD, form_id="pulse", context=poll_id)
    world.clock.advance(timedelta(days=world.program.pulse.window_days))

    assert "closed" in (await jo.press(OPEN, poll_id)).messages[0].text
    late = await jo.submit({**GOOD, "value": "1"}, form_id="pulse", context=poll_id)
    assert not late.close_form and "closed" in late.messages[0].text
    async with world.database.session() as session:
        (answer,) = list(await session.exec(select(PulseAnswer)))
    assert answer.value == 4


async def test_someone_who_was_not_asked_cannot_answer_a_poll(world: World) -> None:
    await matched_pair(world)
    await weeks_of_polls(world, 5)
    poll_id = polls_to(world, "jo")[0].buttons[0].value
    outsider = world.person("lee")
    await outsider.join()
    reply = await outsider.submit(GOOD, form_id="pulse", context=poll_id)
    assert not reply.close_form
    async with world.database.session() as session:
        assert list(await session.exec(select(PulseAnswer))) == []


async def test_pairs_made_the_same_day_share_their_first_poll_round_whatever_the_timezone(
    world: World,
) -> None:
    """Sydney's Monday morning is still Sunday in UTC: the round is worked out on the local
    date, so Sam in Sydney and Jo in Berlin answer the same poll of 28 Dec."""
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join(**JUNIOR)
    await sam.join(**{**SENIOR, "timezone": "Australia/Sydney"})
    await world.person("ada").say("admin pair @jo @sam")
    sydney_monday = datetime(2026, 12, 27, 23, 0, tzinfo=UTC)  # 10:00 on Monday 28 Dec there
    for hours in range(0, 24 * 14, 6):
        await tick(world, sydney_monday + timedelta(hours=hours))

    first_jo, first_sam = polls_to(world, "jo")[0], polls_to(world, "sam")[0]
    assert first_jo.buttons[0].value == first_sam.buttons[0].value
    async with world.database.session() as session:
        (poll,) = list(await session.exec(select(PulsePoll)))
        invited = list(await session.exec(select(PollInvitation)))
    assert poll.starts_on == date(2026, 12, 28) and len(invited) == 2


async def test_deleting_my_data_removes_my_comment_but_keeps_the_anonymous_score(
    world: World,
) -> None:
    jo, _, _ = await matched_pair(world)
    await weeks_of_polls(world, 5)
    poll_id = polls_to(world, "jo")[0].buttons[0].value
    await jo.submit({**GOOD, "comment": "My manager is hard to reach", "share": ("share",)},
                    form_id="pulse", context=poll_id)
    await jo.say("met we talked budgets")
    await jo.press("membership.leave", "delete")
    async with world.database.session() as session:
        (answer,) = list(await session.exec(select(PulseAnswer)))
        notes = list(await session.exec(select(Meeting.note)))
    assert (answer.value, answer.comment, answer.share_comment) == (4, None, False)
    assert notes == [None]

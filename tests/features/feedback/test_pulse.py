"""Pulse polls: on schedule, one answer per person per poll, flags without exposing answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from features.feedback.pulse import OPEN
from storage.models import Meeting, Pair, PulseAnswer
from tests.support.engagement_world import matched_pair, tick
from tests.support.world import World

GOOD = {"value": "4", "met": "2", "roles": "yes", "comment": "", "share": (), "help": ()}


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


async def test_a_low_score_flags_the_pair_but_keeps_the_comment_private_unless_shared(
    world: World,
) -> None:
    jo, sam, _ = await matched_pair(world)
    await weeks_of_polls(world, 5)
    poll_id = polls_to(world, "jo")[0].buttons[0].value
    await jo.submit({**GOOD, "value": "1", "comment": "We never meet"}, form_id="pulse",
                    context=poll_id)
    await sam.submit({**GOOD, "roles": "slipped", "comment": "I keep lecturing",
                      "share": ("share",)}, form_id="pulse", context=poll_id)
    await world.deliver()
    told = [m.text for m in world.messenger.to("ada") if m.title == "A pair needs attention"]
    assert len(told) == 2
    assert "We never meet" not in " ".join(told) and "I keep lecturing" in told[1]
    assert "low value score" in told[0] and "Jo" not in told[0].split("needs attention")[1]
    async with world.database.session() as session:
        pair = (await session.exec(select(Pair))).one()
    assert pair.at_risk_since is not None


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

"""Quiet senior mentees get gentle nudges, then admins hear; juniors are never nudged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import Pair
from tests.support.engagement_world import matched_pair, tick
from tests.support.world import World

PAIRED = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # when the pair was confirmed


def nudges_to(world: World, user: str) -> list:  # type: ignore[type-arg]
    return [m for m in world.messenger.to(user) if m.title == "A quick check-in"]


async def at_risk(world: World) -> Pair:
    async with world.database.session() as session:
        return (await session.exec(select(Pair))).one()


async def test_a_senior_mentee_silent_for_14_days_gets_one_nudge(world: World) -> None:
    await matched_pair(world)
    await tick(world, PAIRED + timedelta(days=13, hours=23))
    assert nudges_to(world, "sam") == []
    await tick(world, PAIRED + timedelta(days=14, hours=1))
    await tick(world, PAIRED + timedelta(days=14, hours=5))
    (nudge,) = nudges_to(world, "sam")
    assert "As the learner in this pairing you set the pace" in nudge.text
    assert [b.label for b in nudge.buttons] == ["We met", "Find a time", "Pause for 2 weeks"]
    assert nudges_to(world, "jo") == []


async def test_unanswered_nudges_escalate_to_the_admins_once(world: World) -> None:
    await matched_pair(world)
    for day in (14, 21, 28, 35, 42):
        await tick(world, PAIRED + timedelta(days=day, hours=1))
    assert len(nudges_to(world, "sam")) == 2  # escalate_after: 2, then no more nudges
    flagged = [m for m in world.messenger.to("ada") if m.title == "A pair may need help"]
    assert len(flagged) == 1 and "Jo → Sam" in flagged[0].text
    pair = await at_risk(world)
    assert pair.at_risk_since is not None and "after 2 nudges" in (pair.at_risk_reason or "")
    assert nudges_to(world, "jo") == []


async def test_any_activity_from_the_mentee_resets_the_clock(world: World) -> None:
    _, sam, _ = await matched_pair(world)
    await tick(world, PAIRED + timedelta(days=10))
    await sam.say("status")
    await tick(world, PAIRED + timedelta(days=20))
    assert nudges_to(world, "sam") == []
    await tick(world, PAIRED + timedelta(days=24, hours=1))
    assert len(nudges_to(world, "sam")) == 1


async def test_a_meeting_the_junior_logs_counts_for_the_pair(world: World) -> None:
    jo, _, _ = await matched_pair(world)
    await tick(world, PAIRED + timedelta(days=12))
    await jo.say("met we tried three AI tools")
    await tick(world, PAIRED + timedelta(days=15))
    assert nudges_to(world, "sam") == []


async def test_the_pause_button_in_a_nudge_pauses_for_two_weeks(world: World) -> None:
    _, sam, _ = await matched_pair(world)
    await tick(world, PAIRED + timedelta(days=14, hours=1))
    (nudge,) = nudges_to(world, "sam")
    reply = (await sam.press(nudge.buttons[2].action_id, nudge.buttons[2].value)).messages[0].text
    assert "paused until Mon 21 Dec 2026" in reply
    await tick(world, PAIRED + timedelta(days=27))
    assert len(nudges_to(world, "sam")) == 1


async def test_people_who_never_finish_the_survey_get_two_reminders_then_none(
    world: World,
) -> None:
    await world.person("lee").say("join")
    start = world.clock.now()
    for day in range(1, 15):
        await tick(world, start + timedelta(days=day))
    reminders = world.messenger.to("lee")
    assert len(reminders) == 2 and "last reminder" in reminders[1].text
    assert reminders[0].buttons[0].action_id == "signup.open"


async def test_running_the_jobs_twice_at_the_same_moment_queues_nothing_twice(
    world: World,
) -> None:
    await matched_pair(world)
    moment = PAIRED + timedelta(days=14, hours=1)
    await tick(world, moment)
    again = await tick(world, moment)
    assert again["nudges"] == 0 and again["delivered"] == 0

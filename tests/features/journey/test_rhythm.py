"""Prompts follow the rhythm the pair agreed, at the senior mentee's local morning (DST too);
nudges come only when the pair is quiet for its rhythm, and say what is actually true."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from features.engagement.prompts import MET, SKIP
from tests.support.engagement_world import introduced_pair, kick_off, matched_pair, tick
from tests.support.world import World

PAIRED = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday; kick-off confirmed at this moment
SIX_MONTHS = 26


def prompts(world: World) -> list:  # type: ignore[type-arg]
    return [s for s in world.messenger.sent if s.key.startswith("prompt:")]


def gaps_in_weeks(world: World) -> list[int]:
    """Weeks between consecutive scheduled prompts, read from their keys (prompt:pair:week)."""
    mondays = [date.fromisoformat(s.key.split(":")[2] + "-1") for s in prompts(world)]
    return [(b - a).days // 7 for a, b in pairwise(mondays)]


def nudges(world: World, user: str) -> list:  # type: ignore[type-arg]
    return [s for s in world.messenger.sent if s.key.startswith("nudge:") and user in s.user_ids]


async def _weeks(world: World, weeks: int, meet: bool = False) -> None:
    """Tick Monday 10:00 UTC and Thursday of every week; with `meet`, the pair logs a meeting
    after each prompt."""
    for week in range(weeks):
        monday = PAIRED + timedelta(weeks=week, hours=2)
        before = len(prompts(world))
        await tick(world, monday)
        if meet and len(prompts(world)) > before:
            met = prompts(world)[-1].message.buttons[0]
            await world.person("sam").press(met.action_id, met.value)
        await tick(world, monday + timedelta(days=3))


async def test_a_monthly_pair_gets_monthly_prompts_and_no_nudge_over_six_months(
    world: World,
) -> None:
    await matched_pair(world, rhythm="monthly")
    await _weeks(world, SIX_MONTHS, meet=True)
    assert prompts(world)[0].key.split(":")[2] == "2026-W48"  # the week they agreed
    assert gaps_in_weeks(world) == [4] * 6  # seven prompts in 26 weeks
    assert "first meeting" in (prompts(world)[0].message.title or "").lower()
    assert nudges(world, "sam") == []


async def test_a_quiet_monthly_pair_is_nudged_after_six_weeks_not_two(world: World) -> None:
    await matched_pair(world, rhythm="monthly")
    await tick(world, PAIRED + timedelta(days=15))
    await tick(world, PAIRED + timedelta(days=41))
    assert nudges(world, "sam") == []
    await tick(world, PAIRED + timedelta(days=42, hours=1))
    (nudge,) = nudges(world, "sam")
    assert "haven't had your first meeting yet" in nudge.message.text
    assert nudges(world, "jo") == []


async def test_a_fortnightly_pair_hears_every_other_week(world: World) -> None:
    await matched_pair(world, rhythm="fortnightly")
    await _weeks(world, 8, meet=True)
    assert gaps_in_weeks(world) == [2, 2, 2]
    assert all(b.label != "Skip this week" for b in prompts(world)[0].message.buttons)


async def test_three_skipped_meetings_in_a_row_make_a_quiet_pair(world: World) -> None:
    await matched_pair(world)
    sam = world.person("sam")
    for week in range(3):
        await tick(world, PAIRED + timedelta(weeks=week, hours=2))
        skip = next(b for b in prompts(world)[-1].message.buttons if b.action_id == SKIP)
        assert "skipped" in (await sam.press(skip.action_id, skip.value)).messages[0].text
        await sam.say("status")  # Sam is around, just never meeting
        await tick(world, PAIRED + timedelta(weeks=week, days=3))
        assert nudges(world, "sam") == [] or week == 2
    await tick(world, PAIRED + timedelta(weeks=2, days=3, hours=1))
    (nudge,) = nudges(world, "sam")
    assert "skipped your last 3 meetings" in nudge.message.text
    assert nudges(world, "jo") == []


async def test_skipping_is_not_activity_but_a_logged_meeting_is(world: World) -> None:
    await matched_pair(world)
    sam = world.person("sam")
    await tick(world, PAIRED + timedelta(weeks=1, hours=2))
    met = next(b for b in prompts(world)[-1].message.buttons if b.action_id == MET)
    await sam.press(met.action_id, met.value)
    await tick(world, PAIRED + timedelta(weeks=2, hours=2))
    skip = next(b for b in prompts(world)[-1].message.buttons if b.action_id == SKIP)
    await sam.press(skip.action_id, skip.value)
    # 14 days after the meeting on day 7, the skip on day 14 did not reset the clock.
    await tick(world, PAIRED + timedelta(days=21, hours=3))
    (nudge,) = nudges(world, "sam")
    assert "14 days since you and Jo last connected" in nudge.message.text


async def test_prompts_keep_the_seniors_local_half_past_nine_across_daylight_saving(
    world: World,
) -> None:
    jo, sam, pair = await introduced_pair(world, timezone="America/New_York")
    await kick_off(world, sam, jo, pair)
    # 09:30 in New York is 14:30 UTC in winter and 13:30 UTC from Sunday 14 March 2027.
    winter = datetime(2027, 3, 8, 14, 29, tzinfo=UTC)
    summer = datetime(2027, 3, 15, 13, 29, tzinfo=UTC)
    for moment in (winter, summer):
        before = len(prompts(world))
        await tick(world, moment)
        assert len(prompts(world)) == before
        await tick(world, moment + timedelta(minutes=2))
        assert len(prompts(world)) == before + 1

"""Weekly prompts arrive once a week at the senior mentee's local morning and never repeat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from features.engagement.prompts import ANOTHER, MET, SKIP
from tests.support.engagement_world import matched_pair, mondays, tick
from tests.support.world import World

# Mon 30 Nov 2026: 09:30 in London is 09:30 UTC.
FIRST_MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def prompts(world: World) -> list:  # type: ignore[type-arg]
    return [s for s in world.messenger.sent
            if any(b.action_id == ANOTHER for b in s.message.buttons)]


async def test_the_first_prompt_is_the_first_meeting_agenda_at_half_past_nine_local(
    world: World,
) -> None:
    await matched_pair(world)
    assert (await tick(world, FIRST_MONDAY))["weekly_prompts"] == 0  # 09:00 in London
    assert (await tick(world, FIRST_MONDAY + timedelta(minutes=30)))["weekly_prompts"] == 1
    (prompt,) = prompts(world)
    assert prompt.user_ids == ("jo", "sam")
    assert "first" in (prompt.message.title or "").lower()
    assert [b.label for b in prompt.message.buttons] == ["We met", "Skip", "Another", "Find a time"]
    assert (await tick(world, FIRST_MONDAY + timedelta(hours=3)))["weekly_prompts"] == 0
    assert len(prompts(world)) == 1


async def test_ten_weeks_bring_ten_different_prompts_groundwork_then_shared_topics(
    world: World,
) -> None:
    await matched_pair(world)
    for monday in mondays(FIRST_MONDAY + timedelta(hours=1), 10):
        await tick(world, monday)
        await tick(world, monday + timedelta(days=2))  # a midweek run adds nothing
    titles = [p.message.title for p in prompts(world)]
    assert len(titles) == 10 and len(set(titles)) == 10
    first_topics = {p.id for p in world.catalog.prompts_for_topics(["ai-digital-tools", "leadership",
                                                                    "social-media"])}
    groundwork = [next(q.topic for q in world.catalog.prompts if q.title == p.message.title)
                  for p in prompts(world)[1:4]]
    assert groundwork == ["smart-goals", "feedback", "clean-sheet"]  # the first weeks
    chosen = [p.message.title for p in prompts(world)[4:7]]
    assert all(any(world.catalog.prompt(i).title == t for i in first_topics) for t in chosen)


async def test_a_paused_mentee_pauses_the_pairs_prompts(world: World) -> None:
    _, sam, _ = await matched_pair(world)
    await sam.say("pause until 2026-12-09")
    await tick(world, FIRST_MONDAY + timedelta(hours=1))
    await tick(world, FIRST_MONDAY + timedelta(weeks=1, hours=1))
    assert prompts(world) == []
    await tick(world, FIRST_MONDAY + timedelta(weeks=2, hours=1))
    assert len(prompts(world)) == 1


async def test_we_met_skip_and_another_prompt_from_the_buttons(world: World) -> None:
    jo, sam, _ = await matched_pair(world)
    await tick(world, FIRST_MONDAY + timedelta(hours=1))
    (prompt,) = prompts(world)
    met, skip, another, _find_a_time = prompt.message.buttons
    assert "Logged your meeting on Mon 30 Nov" in (await jo.press(MET, met.value)).messages[0].text
    assert "already logged" in (await sam.press(MET, met.value)).messages[0].text
    assert "already logged" in (await sam.say("met great chat")).messages[0].text
    assert "skipped" in (await sam.press(SKIP, skip.value)).messages[0].text
    assert "another prompt" in (await sam.press(ANOTHER, another.value)).messages[0].text.lower()
    await world.deliver()
    assert len(prompts(world)) == 2 and prompts(world)[1].message.title != prompt.message.title
    await jo.press(ANOTHER, another.value)
    assert "all the extra prompts" in (await jo.press(ANOTHER, another.value)).messages[0].text
    assert "not in an active pair" in (await world.person("kim").say("met")).messages[0].text

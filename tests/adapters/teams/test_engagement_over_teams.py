"""Weeks go by over Teams: each person gets the weekly prompt 1:1; nudges go to the senior."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.clock import FrozenClock
from tests.support.fake_teams import TeamsWorld, button_data
from tests.support.teams_people import JUNIOR, SENIOR, join, reply

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


async def test_weekly_prompts_reach_both_people_and_nudges_only_the_senior(
    world: TeamsWorld, clock: FrozenClock
) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    sam = world.user(user_id="29:1sam", name="Sam", aad_object_id="aad-sam")
    ada = world.user()
    await join(world, jo, JUNIOR)
    await join(world, sam, SENIOR)
    preview = await reply(world, ada, text="admin match")
    await reply(world, ada, value=button_data(preview.card, "Confirm 1 pairs"),
                replyToId=preview.sent_id)
    service = world.running.service
    await service.deliver_now()
    start = len(world.connector.of_kind("send"))

    for week in range(2):
        clock.advance(MONDAY + timedelta(weeks=week) - clock.now())
        await service.tick()
        await service.tick()
    sent = world.connector.of_kind("send")[start:]
    prompts = [c for c in sent if "Another prompt" in str(c.card)]
    assert sorted(c.conversation_id for c in prompts) == sorted(
        [jo.conversation_id, sam.conversation_id] * 2)
    nudges = [c for c in sent if "A quick check-in" in c.text]
    assert [c.conversation_id for c in nudges] == [sam.conversation_id]

    last = next(c for c in reversed(prompts) if c.conversation_id == sam.conversation_id)
    logged = await reply(world, sam, value=button_data(last.card, "We met"), replyToId=last.sent_id)
    assert "Logged your meeting" in logged.text

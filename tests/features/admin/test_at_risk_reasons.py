"""`admin at-risk` keeps every reason a pair was flagged for, each with its date: a request
for a check-in never disappears behind the nudges going unanswered."""

from __future__ import annotations

from datetime import timedelta

from tests.support.engagement_world import matched_pair, tick
from tests.support.poll_world import ROUND_OPENS, answer, open_round
from tests.support.world import World


async def test_a_check_in_request_stays_listed_when_the_pair_also_goes_quiet(
    world: World,
) -> None:
    _, sam, _ = await matched_pair(world)
    for day in (7, 14, 21, 28):  # Sam logs nothing but stays reachable: status now and then
        await tick(world, ROUND_OPENS - timedelta(days=35 - day))
        await sam.say("status")
    poll = await open_round(world)
    await answer(sam, poll, 2, check_in=("check_in",))
    for day in (15, 22, 29, 36, 43):  # then silence: two nudges go unanswered
        await tick(world, ROUND_OPENS + timedelta(days=day))

    listed = (await world.person("ada").say("admin at-risk")).messages
    assert listed[0].title == "1 pair at risk"
    text = listed[1].text
    assert "Jo → Sam" in text
    assert "- Mon 28 Dec 2026: asked for a check-in in the poll of 28 Dec" in text, text
    assert "after 2 nudges" in text.split("asked for a check-in")[1]
    assert "W53" not in text and "2026-W" not in text

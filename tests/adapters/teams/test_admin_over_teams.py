"""Admin answers rendered for Teams: the stats chart inline. Refusals and cohorts are in
tests/scenarios/."""

from __future__ import annotations

from tests.support.fake_teams import TeamsWorld
from tests.support.teams_people import JUNIOR, join, reply


async def test_the_stats_card_shows_joins_per_month_as_an_inline_chart(world: TeamsWorld) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    await join(world, jo, JUNIOR)
    stats = await reply(world, world.user(), text="admin stats")
    [image] = [e for e in stats.card["body"] if e["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,iVBOR")
    assert image["altText"] == "Joins per month, last six months"

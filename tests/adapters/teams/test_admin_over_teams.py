"""Admin answers rendered for Teams: the stats charts inline. Refusals and cohorts are in
tests/scenarios/."""

from __future__ import annotations

import base64

from tests.support.fake_teams import TeamsWorld
from tests.support.png import png_size
from tests.support.teams_people import JUNIOR, join

TEAMS_PICTURE = 1024  # pixels a side, and 1 MB, at most for a picture in a bot's message


async def test_the_stats_answer_shows_each_chart_inline_in_its_own_card(world: TeamsWorld) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    await join(world, jo, JUNIOR)
    ada = world.user()
    before = len(world.connector.to(ada.conversation_id))
    status, _ = await ada.post(ada.activity(text="admin stats"))
    assert status == 201
    stats, chart, *_ = world.connector.to(ada.conversation_id)[before:]  # then goals
    assert "Program stats" in str(stats.card) and "Image" not in str(stats.card)
    [image] = [e for e in chart.card["body"] if e["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,iVBOR")
    assert image["altText"] == ("Line chart of people enrolled by the end of each month, in "
                                "Nov 2026: junior mentors 1, senior mentees 0.")
    png = base64.b64decode(image["url"].split(",", 1)[1])
    width, height = png_size(png)
    assert width <= TEAMS_PICTURE and height <= TEAMS_PICTURE
    assert len(png) < 1_000_000
    assert "People enrolled, by role" in str(chart.card)

"""Pairing by @-mention over Teams: mention entities become the people they name.
A round's preview, confirmation and the 1:1 introductions are in tests/scenarios/."""

from __future__ import annotations

from tests.support.fake_teams import TeamsWorld
from tests.support.teams_people import JUNIOR, SENIOR, join, reply


async def test_an_admin_pairs_two_people_by_mentioning_them(world: TeamsWorld) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    sam = world.user(user_id="29:1sam", name="Sam", aad_object_id="aad-sam")
    ada = world.user()
    await join(world, jo, JUNIOR)
    await join(world, sam, SENIOR)
    mentions = [
        {"type": "mention", "text": "<at>Turnabout</at>", "mentioned": {"id": ada.bot_id}},
        {"type": "mention", "text": "<at>Jo</at>", "mentioned": {"id": "29:1jo", "name": "Jo"}},
        {"type": "mention", "text": "<at>Sam</at>", "mentioned": {"id": "29:1sam", "name": "Sam"}},
    ]
    done = await reply(world, ada, text="<at>Turnabout</at> admin pair <at>Jo</at> <at>Sam</at>",
                       entities=mentions)
    assert "Paired Jo with Sam" in done.text
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: any(
        "Meet your reverse mentoring partner" in c.text for c in world.connector.to(jo.conversation_id)))
    refused = await reply(world, jo, text="admin pair <at>Jo</at> <at>Sam</at>", entities=mentions)
    assert "for the program team" in refused.text

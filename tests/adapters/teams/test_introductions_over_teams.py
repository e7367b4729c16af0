"""Matching over Teams: an admin confirms a round, each person gets one 1:1 introduction."""

from __future__ import annotations

from tests.support.fake_teams import TeamsWorld, button_data
from tests.support.teams_people import JUNIOR, SENIOR, join, reply


async def test_a_confirmed_round_sends_each_teams_user_one_introduction_once(
    world: TeamsWorld,
) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    sam = world.user(user_id="29:1sam", name="Sam", aad_object_id="aad-sam")
    ada = world.user()  # Ada is an admin by her directory id
    await join(world, jo, JUNIOR)
    await join(world, sam, SENIOR)
    await world.running.service.deliver_now()
    sent_before = len(world.connector.of_kind("send"))

    preview = await reply(world, ada, text="admin match")
    assert "Matching round #1: preview" in preview.text and "Jo" not in preview.text
    assert len(world.connector.of_kind("send")) == sent_before  # nothing before Confirm
    confirm = button_data(preview.card, "Confirm 1 pairs")
    confirmed = await reply(world, ada, value=confirm, replyToId=preview.sent_id)
    assert "Round #1 confirmed" in confirmed.text and "Jo → Sam" in confirmed.text
    again = await reply(world, ada, value=confirm, replyToId=preview.sent_id)
    assert "already confirmed" in again.text

    await world.running.service.deliver_now()
    await world.connector.wait_for(
        lambda: len(world.connector.of_kind("send")) >= sent_before + 2)
    intros = world.connector.of_kind("send")[sent_before:]
    assert sorted(c.conversation_id for c in intros) == [jo.conversation_id, sam.conversation_id]
    for intro in intros:
        assert "Meet your reverse mentoring partner: Jo and Sam" in intro.text
        assert button_data(intro.card, "I agree")["action_id"] == "pair.agree"
    await world.running.service.deliver_now()
    assert len(world.connector.of_kind("send")) == sent_before + 2


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

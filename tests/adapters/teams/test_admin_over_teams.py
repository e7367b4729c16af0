"""Admin commands over Teams: answered in the admin's 1:1 chat; others are refused."""

from __future__ import annotations

from tests.support.fake_teams import TeamsWorld, button_data
from tests.support.teams_people import JUNIOR, SENIOR, join, reply


async def test_stats_and_at_risk_for_the_admin_and_a_refusal_for_a_member(
    world: TeamsWorld,
) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    ada = world.user()
    await join(world, jo, JUNIOR)
    stats = await reply(world, ada, text="admin stats")
    assert "Program stats" in stats.text and "Active: 1 junior mentors" in stats.text
    assert "No pair is flagged" in (await reply(world, ada, text="admin at-risk")).text
    assert "for the program team" in (await reply(world, jo, text="admin stats")).text


async def test_closing_a_cohort_sends_each_teams_member_the_survey_once(
    world: TeamsWorld,
) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    sam = world.user(user_id="29:1sam", name="Sam", aad_object_id="aad-sam")
    ada = world.user()
    await reply(world, ada, text="admin cohort start Autumn")
    await join(world, jo, JUNIOR)
    await join(world, sam, SENIOR)
    mentions = [{"type": "mention", "text": "<at>Jo</at>", "mentioned": {"id": "29:1jo"}},
                {"type": "mention", "text": "<at>Sam</at>", "mentioned": {"id": "29:1sam"}}]
    await reply(world, ada, text="admin pair <at>Jo</at> <at>Sam</at>", entities=mentions)
    service = world.running.service
    await service.deliver_now()
    start = len(world.connector.of_kind("send"))
    assert "1 pairs ended" in (await reply(world, ada, text="admin cohort close")).text
    await reply(world, ada, text="admin cohort close")
    await service.deliver_now()
    await service.deliver_now()
    surveys = [c for c in world.connector.of_kind("send")[start:]
               if "Answer the closing survey" in str(c.card)]
    assert sorted(c.conversation_id for c in surveys) == sorted(
        [jo.conversation_id, sam.conversation_id])
    form = await reply(world, jo, value=button_data(surveys[0].card, "Answer the closing survey")
                       if surveys[0].conversation_id == jo.conversation_id
                       else button_data(surveys[1].card, "Answer the closing survey"))
    assert "Closing survey" in form.text


async def test_the_stats_card_shows_joins_per_month_as_an_inline_chart(world: TeamsWorld) -> None:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    await join(world, jo, JUNIOR)
    stats = await reply(world, world.user(), text="admin stats")
    [image] = [e for e in stats.card["body"] if e["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,iVBOR")
    assert image["altText"] == "Joins per month, last six months"

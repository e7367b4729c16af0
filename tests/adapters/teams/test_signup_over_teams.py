"""Signing up over the Bot Framework protocol: activities in, cards out, references stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.models import Person
from storage.references import find_reference
from tests.support.fake_teams import (
    ConnectorCall,
    TeamsUser,
    TeamsWorld,
    inputs_of,
    submit_value,
    teams_world,
)

GOOD = {"role": "mentor", "department": "sales", "team": "inside-sales", "seniority": "entry",
        "teach": "ai-digital-tools,social-media", "goals": "Help a leader try AI tools",
        "cadence": "weekly", "meeting_mode": "video"}


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, program, clock) as world:
        yield world


async def last_reply(world: TeamsWorld, user: TeamsUser) -> ConnectorCall:
    await world.connector.wait_for(lambda: bool(world.connector.to(user.conversation_id)))
    return world.connector.to(user.conversation_id)[-1]


async def open_survey(world: TeamsWorld, user: TeamsUser) -> ConnectorCall:
    assert await user.say("join") == 201
    return await last_reply(world, user)


async def the_person(world: TeamsWorld, user: TeamsUser) -> Person:
    async with world.running.service.database.session() as session:
        return (await session.exec(select(Person).where(Person.user_id == user.user_id))).one()


async def test_a_new_teams_user_who_types_join_gets_the_survey_and_can_be_reached_later(
    world: TeamsWorld,
) -> None:
    # No tenantId on the conversation: the tenant has to come from channelData.
    user = world.user()
    activity = user.activity(text="<at>Turnabout</at> join",
                             conversation={"id": user.conversation_id,
                                           "conversationType": "personal"})
    status, _ = await user.post(activity)

    assert status == 201
    reply = await last_reply(world, user)
    assert reply.kind == "reply" and reply.activity_id == activity["id"]
    assert reply.authorization is None  # local mode: botbuilder sends no token
    card = reply.card
    assert card["version"] == "1.5" and card["body"][0]["text"] == "Join the program"
    inputs = inputs_of(card)
    assert inputs["timezone"]["value"] == "Europe/Berlin"
    assert inputs["teach"]["isMultiSelect"] is True and inputs["teach"]["style"] == "compact"
    assert inputs["role"]["style"] == "expanded"
    async with world.running.service.database.session() as session:
        ref = await find_reference(session, "teams", "tenant-0001", user.user_id)
    assert ref is not None
    assert (ref.conversation_id, ref.service_url, ref.bot_id) == (
        user.conversation_id, world.connector.url, user.bot_id)
    assert json.loads(ref.channel_data or "{}") == {"tenant": {"id": "tenant-0001"}}


async def test_only_a_saved_survey_marks_its_card_saved_and_one_welcome_follows(
    world: TeamsWorld,
) -> None:
    user = world.user()
    survey = await open_survey(world, user)
    assert await user.submit(survey.sent_id or "",
                             submit_value(survey.card, {**GOOD, "teach": ""})) == 201
    again = await last_reply(world, user)  # the form once more, marked (see tests/scenarios/)
    assert again.sent_id != survey.sent_id
    assert world.connector.of_kind("update") == []  # a card with errors is not "saved"

    assert await user.submit(again.sent_id or "", submit_value(again.card, GOOD)) == 201

    (update,) = world.connector.of_kind("update")
    assert update.activity_id == again.sent_id and "Saved ✓" in update.text
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: bool(world.connector.of_kind("send")))
    (welcome,) = world.connector.of_kind("send")
    assert welcome.path == f"/v3/conversations/{user.conversation_id}/activities"
    assert "Teaching: AI and digital tools, Social media" in welcome.text  # a FactSet row
    assert welcome.body["channelData"] == {"tenant": {"id": "tenant-0001"}}
    await world.running.service.deliver_now()
    assert len(world.connector.of_kind("send")) == 1
    assert (await the_person(world, user)).status == "active"

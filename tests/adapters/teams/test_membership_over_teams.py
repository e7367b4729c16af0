"""Leaving over Teams: a retried activity (same id) never brings back what a deletion removed.
Status, pause, resume and leave themselves are in tests/scenarios/."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.models import Person
from storage.references import find_reference
from tests.support.database_scan import find_anywhere
from tests.support.fake_teams import (
    ConnectorCall,
    TeamsUser,
    TeamsWorld,
    button_data,
    submit_value,
    teams_world,
)

GOOD = {"role": "mentee", "department": "finance", "team": "treasury", "seniority": "director",
        "learn": "ai-digital-tools", "cadence": "fortnightly", "meeting_mode": "in-person"}


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, program, clock) as world:
        yield world


async def reply_to(world: TeamsWorld, user: TeamsUser, text: str) -> ConnectorCall:
    before = len(world.connector.to(user.conversation_id))
    assert await user.say(text) == 201
    replies = world.connector.to(user.conversation_id)
    assert len(replies) == before + 1, [r.text for r in replies[before:]]
    return replies[-1]


async def signed_up(world: TeamsWorld) -> TeamsUser:
    user = world.user(user_id="29:1grace", name="Grace Hopper", aad_object_id="aad-grace")
    survey = await reply_to(world, user, "join")
    assert await user.submit(survey.sent_id or "", submit_value(survey.card, GOOD)) == 201
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: bool(world.connector.of_kind("send")))  # welcome
    return user


async def test_leave_with_data_deletion_removes_personal_data_and_the_reference(
    world: TeamsWorld,
) -> None:
    user = await signed_up(world)
    question = await reply_to(world, user, "leave")
    pressed = user.activity(value=button_data(question.card, "Leave and delete my data"),
                            replyToId=question.sent_id)

    assert (await user.post(pressed))[0] == 201
    assert (await user.post(pressed))[0] == 201  # a Teams retry must not restore anything

    gone = world.connector.to(user.conversation_id)[-1]
    assert "personal data is deleted" in gone.text
    async with world.running.service.database.session() as session:
        person = (await session.exec(select(Person))).one()
        assert person.data_deleted and person.status == "left"
        assert (person.user_id, person.display_name, person.directory_id, person.team) == (
            f"deleted-{person.id}", None, None, None)
        assert await find_reference(session, "teams", user.tenant_id, user.user_id) is None
    # The team is chosen from app.yaml's list: the list stays, the person's choice went (above).
    traces = (user.user_id, "Grace Hopper", "aad-grace", user.conversation_id)
    assert await find_anywhere(world.running.service.database, traces) == []

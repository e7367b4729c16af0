"""Installing the app is the one moment Teams lets the bot write first: a welcome, once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.models import OutboxMessage
from storage.references import find_reference
from tests.support.fake_teams import ConnectorCall, TeamsUser, TeamsWorld, button_data, teams_world


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, program, clock) as world:
        yield world


def installation(user: TeamsUser, action: str = "add") -> dict[str, object]:
    return user.activity(type="installationUpdate", action=action, text=None)


def bot_added(user: TeamsUser) -> dict[str, object]:
    return user.activity(type="conversationUpdate", membersAdded=[{"id": user.bot_id}],
                         text=None)


def welcomes(world: TeamsWorld, user: TeamsUser) -> list[ConnectorCall]:
    return [c for c in world.connector.to(user.conversation_id)
            if c.cards and c.card["body"][0].get("text", "").startswith("Welcome")]


async def the_welcome(world: TeamsWorld, user: TeamsUser) -> ConnectorCall:
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: bool(welcomes(world, user)))
    (welcome,) = welcomes(world, user)
    return welcome


async def test_installing_the_app_sends_a_welcome_card_with_join_and_help(
    world: TeamsWorld,
) -> None:
    user = world.user()

    assert (await user.post(installation(user)))[0] == 201

    welcome = await the_welcome(world, user)
    assert welcome.kind == "send"  # proactive, through the stored conversation reference
    assert welcome.card["body"][0]["text"] == "Welcome to Turnabout"
    assert "reverse mentoring" in welcome.text
    titles = [a["title"] for a in welcome.card["actions"]]
    assert titles == ["Join", "Help"]
    assert welcome.body["channelData"] == {"tenant": {"id": user.tenant_id}}
    async with world.running.service.database.session() as session:
        assert await find_reference(session, "teams", user.tenant_id, user.user_id) is not None


async def test_both_install_events_and_a_reinstall_still_greet_a_person_once(
    world: TeamsWorld,
) -> None:
    user = world.user()
    await user.post(bot_added(user))
    await user.post(installation(user))
    await the_welcome(world, user)

    await user.post(installation(user, "remove"))
    await user.post(installation(user))
    await user.post(bot_added(user))
    await world.running.service.deliver_now()

    assert len(welcomes(world, user)) == 1
    async with world.running.service.database.session() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    assert [row.key for row in rows] == [f"welcome:teams:{user.tenant_id}:{user.user_id}"]


async def test_each_person_who_installs_gets_their_own_welcome(world: TeamsWorld) -> None:
    ada, jo = world.user(), world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")

    await ada.post(installation(ada))
    await jo.post(bot_added(jo))

    assert (await the_welcome(world, ada)).conversation_id == ada.conversation_id
    assert (await the_welcome(world, jo)).conversation_id == jo.conversation_id


async def test_join_on_the_welcome_opens_the_survey_and_help_explains_the_commands(
    world: TeamsWorld,
) -> None:
    user = world.user()
    await user.post(installation(user))
    welcome = await the_welcome(world, user)

    assert await user.submit(welcome.sent_id or "", button_data(welcome.card, "Join")) == 201
    survey = world.connector.to(user.conversation_id)[-1]
    assert survey.card["body"][0]["text"] == "Join the program"

    assert await user.submit(welcome.sent_id or "", button_data(welcome.card, "Help")) == 201
    help_reply = world.connector.to(user.conversation_id)[-1]
    assert "reverse mentoring" in help_reply.text
    assert all(word in help_reply.text for word in ("join", "pause", "leave"))


async def test_the_bot_added_to_a_group_chat_greets_nobody(world: TeamsWorld) -> None:
    user = world.user()
    group = {"id": "19:group@thread.v2", "conversationType": "groupChat", "isGroup": True}

    added = user.activity(type="conversationUpdate", membersAdded=[{"id": user.bot_id}],
                          conversation=group, text=None)
    assert (await user.post(added))[0] == 201
    await world.running.service.deliver_now()

    assert world.connector.calls == []

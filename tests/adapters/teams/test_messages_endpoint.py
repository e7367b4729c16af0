"""POST /api/messages as the Bot Connector (or something pretending to be it) calls it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func
from sqlmodel import select

from adapters.teams.settings import TeamsSettings
from config.program import Program
from core.clock import FrozenClock
from storage.models import ConversationRef, Person
from storage.references import find_reference
from tests.support.fake_teams import TeamsWorld, teams_world


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, program, clock) as world:
        yield world


async def count(world: TeamsWorld, table: type) -> int:
    async with world.running.service.database.session() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


async def test_the_same_activity_posted_twice_changes_nothing_and_replies_once(
    world: TeamsWorld,
) -> None:
    user = world.user()
    activity = user.activity(text="join")

    first, _ = await user.post(activity)
    second, _ = await user.post(activity)

    assert (first, second) == (201, 201)
    assert len(world.connector.to(user.conversation_id)) == 1
    assert await count(world, Person) == 1


async def test_malformed_bodies_get_a_4xx_and_the_service_keeps_serving(
    world: TeamsWorld,
) -> None:
    url = f"{world.running.url}/api/messages"
    valid = json.dumps(world.user().activity(text="help"))
    nested = "[" * 100_000 + "]" * 100_000
    cases: list[tuple[str, bytes, str | None, int]] = [
        ("empty", b"", "application/json", 400),
        ("not JSON", b"hello there", "application/json", 400),
        ("not UTF-8", b"\xff\xfe{", "application/json", 400),
        ("a JSON array", b"[1, 2]", "application/json", 400),
        ("no type", b'{"text": "help"}', "application/json", 400),
        ("type not a string", b'{"type": 7, "serviceUrl": "http://x/"}', "application/json",
         400),
        ("no serviceUrl", b'{"type": "message", "text": "help"}', "application/json", 400),
        ("wrong shape", json.dumps({**json.loads(valid), "entities": "x"}).encode(),
         "application/json", 400),
        ("deeply nested", nested.encode(), "application/json", 400),
        ("form encoded", valid.encode(), "application/x-www-form-urlencoded", 415),
        ("no content type", valid.encode(), None, 415),
        ("huge", json.dumps({"type": "message", "text": "x" * 600_000}).encode(),
         "application/json", 413),
    ]
    for name, body, content_type, expected in cases:
        headers = {"Content-Type": content_type} if content_type else {}
        async with world.http.post(url, data=body, headers=headers) as response:
            assert response.status == expected, name
            assert "error" in await response.json(), name

    async with world.http.get(f"{world.running.url}/healthz") as response:
        assert response.status == 200
    user = world.user()
    assert await user.say("help") == 201
    assert "reverse mentoring" in world.connector.to(user.conversation_id)[-1].text
    assert world.connector.calls == world.connector.to(user.conversation_id)


@pytest.mark.parametrize(("text", "expected"), [
    ("x" * 10_000, "too long"),
    ("🎉🙌 ✨", "I don't know “🎉🙌”"),
    ("<p>Bonjour 👋</p>", "I don't know “bonjour”"),
    ("<script>alert('hi')</script> &lt;b&gt;", "I don't know “alert('hi')”"),
    ("<at>Turnabout</at>&nbsp;<b>help</b>", "reverse mentoring"),
])
async def test_awkward_text_gets_one_clear_reply(
    world: TeamsWorld, text: str, expected: str
) -> None:
    user = world.user()

    assert await user.say(text) == 201

    (reply,) = world.connector.to(user.conversation_id)
    assert expected in reply.text
    assert "Traceback" not in reply.text and "Error" not in reply.text


async def test_uninstalling_the_app_forgets_the_reference(world: TeamsWorld) -> None:
    user = world.user()
    await user.say("hello")

    removed = user.activity(type="installationUpdate", action="remove")
    assert (await user.post(removed))[0] == 201

    async with world.running.service.database.session() as session:
        assert await find_reference(session, "teams", user.tenant_id, user.user_id) is None


async def test_a_message_in_a_group_chat_points_to_a_private_chat_and_stores_nothing(
    world: TeamsWorld,
) -> None:
    user = world.user()
    group = {"id": "19:group@thread.v2", "conversationType": "groupChat", "isGroup": True}

    assert await user.say("<at>Turnabout</at> join", conversation=group) == 201

    (reply,) = world.connector.to("19:group@thread.v2")
    assert "1:1 chat" in reply.text
    assert await count(world, ConversationRef) == 0
    assert await count(world, Person) == 0


async def test_an_invoke_is_acknowledged_and_still_refreshes_the_reference(
    world: TeamsWorld,
) -> None:
    user = world.user()

    status, body = await user.post(user.activity(type="invoke", name="task/fetch", value={}))

    assert status == 200 and body is None
    assert await count(world, ConversationRef) == 1


async def test_authenticated_mode_refuses_an_activity_without_a_token(
    database_url: str, program: Program, clock: FrozenClock,
) -> None:
    settings = TeamsSettings("00000000-0000-0000-0000-000000000001", "secret")
    async with teams_world(database_url, program, clock, settings) as world:
        user = world.user()
        status, body = await user.post(user.activity(text="join"))

        assert status == 401 and body == {"error": "unauthorized"}
        assert world.connector.calls == []
        assert await count(world, ConversationRef) == 0


async def test_a_reply_that_cannot_be_posted_turns_into_an_apology_not_an_error(
    world: TeamsWorld,
) -> None:
    user = world.user()
    world.connector.fail_next(1, status=502)

    assert await user.say("help") == 201

    failed, apology = world.connector.to(user.conversation_id)
    assert "reverse mentoring" in failed.text
    assert apology.body["text"].startswith("Sorry, something went wrong on our side.")
    assert "Traceback" not in apology.body["text"]

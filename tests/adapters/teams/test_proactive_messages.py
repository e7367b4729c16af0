"""TeamsMessenger: proactive sends through stored references, and how failures come back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from adapters.teams.messenger import TeamsMessenger
from config.program import Program
from core.clock import FrozenClock
from core.events import Address
from core.messages import Button, Message
from core.outgoing import Outgoing
from core.ports import DeliveryError
from storage.models import OutboxMessage
from tests.support.fake_teams import TeamsUser, TeamsWorld, teams_world

PROMPT = Message(title="This week's prompt", text="Ask your mentor about *one* tool they love.",
                 buttons=(Button("Done", "prompt.done", "p1", style="primary"),))


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, program, clock) as world:
        yield world


def messenger_of(world: TeamsWorld) -> TeamsMessenger:
    (adapter,) = [a for a in world.running.service.adapters if a.platform == "teams"]
    assert isinstance(adapter.messenger, TeamsMessenger)
    return adapter.messenger


async def reachable(world: TeamsWorld, **fields: str) -> TeamsUser:
    """Someone who has written to the bot, so their 1:1 conversation is known."""
    user = world.user(**fields)
    assert await user.say("hi") == 201
    world.connector.calls.clear()
    return user


async def test_a_dm_goes_to_the_stored_conversation_as_a_card(world: TeamsWorld) -> None:
    user = await reachable(world)

    message_id = await messenger_of(world).send_dm(user.tenant_id, user.user_id, PROMPT)

    (sent,) = world.connector.calls
    assert sent.kind == "send" and message_id == sent.sent_id
    assert sent.body["recipient"]["id"] == user.user_id
    assert sent.body["from"]["id"] == user.bot_id
    assert "Ask your mentor about **one** tool they love." in sent.text
    assert sent.body["summary"].startswith("This week's prompt")


async def test_throttling_with_retry_after_comes_back_as_a_retryable_error(
    world: TeamsWorld,
) -> None:
    user = await reachable(world)
    world.connector.fail_next(1, status=429, retry_after="7")

    with pytest.raises(DeliveryError) as failure:
        await messenger_of(world).send_dm(user.tenant_id, user.user_id, PROMPT)

    assert failure.value.retry_after == 7.0 and not failure.value.permanent
    assert await messenger_of(world).send_dm(user.tenant_id, user.user_id, PROMPT)


async def test_a_bad_gateway_without_retry_after_is_retryable_with_no_hint(
    world: TeamsWorld,
) -> None:
    user = await reachable(world)
    world.connector.fail_next(1, status=502)

    with pytest.raises(DeliveryError) as failure:
        await messenger_of(world).send_dm(user.tenant_id, user.user_id, PROMPT)

    assert failure.value.retry_after is None and not failure.value.permanent


async def test_a_removed_bot_is_a_permanent_failure(world: TeamsWorld) -> None:
    user = await reachable(world)
    world.connector.fail_next(1, status=403)

    with pytest.raises(DeliveryError) as failure:
        await messenger_of(world).send_dm(user.tenant_id, user.user_id, PROMPT)

    assert failure.value.permanent


async def test_someone_who_never_opened_a_chat_cannot_be_messaged(world: TeamsWorld) -> None:
    with pytest.raises(DeliveryError) as failure:
        await messenger_of(world).send_dm("tenant-0001", "29:1stranger", PROMPT)

    assert failure.value.permanent
    assert "have not opened a chat with the bot" in str(failure.value)
    assert world.connector.calls == []


async def queue_group(world: TeamsWorld, key: str, *users: TeamsUser | Address) -> int:
    service = world.running.service
    to = [u if isinstance(u, Address) else Address("teams", u.user_id, u.tenant_id) for u in users]
    async with service.database.session() as session:
        queued = len(await service.outbox.queue(session, service.clock.now(),
                                                [Outgoing.group(key, to, PROMPT)]))
    await service.deliver_now()
    return queued


async def test_a_group_message_reaches_each_person_in_their_own_chat(world: TeamsWorld) -> None:
    ada = await reachable(world)
    grace = await reachable(world, user_id="29:1grace", name="Grace Hopper")

    assert await queue_group(world, "hello", ada, grace) == 2

    assert sorted(c.conversation_id for c in world.connector.calls) == sorted(
        [ada.conversation_id, grace.conversation_id])
    assert all(c.kind == "send" for c in world.connector.calls)


async def test_a_group_message_still_reaches_the_others_when_one_person_is_unreachable(
    world: TeamsWorld,
) -> None:
    ada = await reachable(world)

    assert await queue_group(world, "hello", ada, Address("teams", "29:1stranger", ada.tenant_id)) == 2

    assert [c.conversation_id for c in world.connector.calls] == [ada.conversation_id]
    async with world.running.service.database.session() as session:
        states = {r.recipients: r.status for r in await session.exec(select(OutboxMessage))}
    assert states == {f'["{ada.user_id}"]': "sent", '["29:1stranger"]': "failed"}

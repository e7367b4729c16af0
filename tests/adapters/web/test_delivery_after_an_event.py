"""After an event, the web chat delivers that event's own messages and nothing else: a backlog
in the outbox (a job's 40,000 prompts, say) goes out beside it, never inside the request."""

from __future__ import annotations

import asyncio

from sqlmodel import col

from config.program import Program
from core.clock import FrozenClock
from storage.models import OutboxMessage
from storage.outbox.queueing import enqueue_many
from tests.support.web_chat import web_chat

BACKLOG = 3000
STARTED_SECONDS = 30.0  # a ceiling for the delivery loop to start on a loaded machine


async def test_a_request_delivers_its_own_message_without_waiting_for_the_backlog(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with web_chat(database_url, program, clock) as chat:
        service = chat.running.service
        async with service.database.session() as session:
            await enqueue_many(session, [
                {"key": f"backlog:{n}", "platform": "web", "tenant_id": "",
                 "recipients": [f"waiting{n}"], "payload": {"text": "a prompt"}}
                for n in range(BACKLOG)], clock.now())
        service.kick()  # the delivery loop starts on the backlog
        backlog = col(OutboxMessage.key).startswith("backlog:")
        deadline = asyncio.get_running_loop().time() + STARTED_SECONDS
        while await chat.count(OutboxMessage, backlog, OutboxMessage.status == "sent") == 0:
            assert asyncio.get_running_loop().time() < deadline, "the backlog never started"
            await asyncio.sleep(0.01)

        jo = chat.person("jo")
        await jo.join()
        # Read the moment the answer came: the welcome is in the inbox already...
        (welcome,) = await jo.inbox()
        assert "welcome" in str(welcome["message"]).lower()
        # ...while most of the backlog is still on its way: the request did not wait for it.
        assert await chat.count(OutboxMessage, backlog,
                                OutboxMessage.status != "sent") > BACKLOG // 2
        await service.deliver_now()  # the rest, so the service stops with no pass under way

"""SlackMessenger against the fake Web API: DMs, group DMs, caching and error mapping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import event
from sqlmodel import col, select

from adapters.slack.messenger import PERMANENT_ERRORS, SlackMessenger
from config.program import Program
from core.clock import FrozenClock
from core.messages import Button, Fact, Message
from core.ports import DeliveryError
from storage.models import ConversationRef, OutboxMessage
from storage.outbox.claims import claim
from storage.outbox.queueing import enqueue
from tests.support.fake_slack import TEAM_ID, TOKEN
from tests.support.slack_requests import SlackWorkspace, slack_workspace

HELLO = Message(title="Hello", text="Your *first* prompt is here.",
                facts=(Fact("Pair", "Ada & Grace"),), buttons=(Button("Done", "prompt.done"),))


def messenger(ws: SlackWorkspace) -> SlackMessenger:
    adapter = next(a for a in ws.running.service.adapters if a.platform == "slack")
    return adapter.messenger  # type: ignore[return-value]


async def test_a_dm_opens_the_conversation_once_and_caches_its_channel(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        first = await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)
        second = await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)

        assert first and second and first != second  # the message ts Slack returned
        assert [c["users"] for c in ws.fake.calls_to("conversations.open")] == ["U1"]
        assert [c["channel"] for c in ws.fake.calls_to("chat.postMessage")] == ["DU1", "DU1"]
        async with ws.running.service.database.session() as session:
            [ref] = list(await session.exec(select(ConversationRef)))
        assert (ref.platform, ref.tenant_id, ref.user_id, ref.conversation_id) == (
            "slack", TEAM_ID, "U1", "DU1")


async def test_a_channel_looked_up_before_the_turn_is_all_the_post_needs(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    """The dispatcher looks the channel up before a post waits its turn, so nothing stands
    between the turn and the post to bunch posts up past the workspace's cap."""
    async with slack_workspace(database_url, program, clock) as ws:
        await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)  # opened and cached
        await messenger(ws).look_up(TEAM_ID, ["U1"])
        reads: list[str] = []
        engine = ws.running.service.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", lambda *a: reads.append(a[2]))
        assert await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)
        assert reads == []
        assert [c["channel"] for c in ws.fake.calls_to("chat.postMessage")] == ["DU1", "DU1"]
        assert await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)  # not looked up: reads again
        assert any("conversation_ref" in sql for sql in reads)


async def test_a_cached_channel_that_disappeared_is_opened_again(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)
        ws.fake.fail_next("chat.postMessage", error="channel_not_found")

        assert await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)
        assert len(ws.fake.calls_to("conversations.open")) == 2


async def test_a_rate_limited_send_becomes_a_delivery_error_with_retry_after(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.fail_next("chat.postMessage", error="ratelimited", retry_after=7)

        with pytest.raises(DeliveryError) as caught:
            await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)

        assert (caught.value.retry_after, caught.value.permanent) == (7.0, False)
        assert len(ws.fake.calls_to("chat.postMessage")) == 1  # the client did not retry


async def test_errors_retrying_cannot_fix_are_permanent_and_others_are_not(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)  # cache the channel first
        outcomes: dict[str, bool] = {}
        for error in [*sorted(PERMANENT_ERRORS - {"channel_not_found"}), "internal_error",
                      "fatal_error"]:
            ws.fake.fail_next("chat.postMessage", error=error)
            with pytest.raises(DeliveryError) as caught:
                await messenger(ws).send_dm(TEAM_ID, "U1", HELLO)
            outcomes[error] = caught.value.permanent
        ws.fake.missing_users.add("U2")
        with pytest.raises(DeliveryError) as missing:
            await messenger(ws).send_dm(TEAM_ID, "U2", HELLO)

        assert {e for e, permanent in outcomes.items() if not permanent} == {
            "internal_error", "fatal_error"}
        assert missing.value.permanent


async def test_an_unreachable_slack_is_a_retryable_delivery_error(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        unreachable = AsyncWebClient(token=TOKEN, base_url="http://127.0.0.1:9/api/",
                                     retry_handlers=[])
        offline = SlackMessenger(unreachable, ws.running.service.database, clock)

        with pytest.raises(DeliveryError) as caught:
            await offline.send_dm(TEAM_ID, "U1", HELLO)

        assert not caught.value.permanent and caught.value.retry_after is None


async def test_a_group_dm_reaches_two_people_in_one_conversation(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        sent = await messenger(ws).send_group(TEAM_ID, ["U1", "U2"], HELLO)
        with pytest.raises(DeliveryError) as too_many:
            await messenger(ws).send_group(TEAM_ID, [f"U{n}" for n in range(9)], HELLO)

        assert sent
        [opened] = ws.fake.calls_to("conversations.open")
        assert opened["users"] == "U1,U2"
        [posted] = ws.fake.calls_to("chat.postMessage")
        assert posted["channel"].startswith("G")
        assert posted["text"].startswith("Hello")
        assert too_many.value.permanent


async def test_a_rate_limited_welcome_is_delivered_after_retry_after(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.fail_next("chat.postMessage", error="ratelimited", retry_after=30)
        await ws.command("join")
        await ws.settle()
        await ws.submit(ws.opened_view(), {
            "role": "mentor", "department": "legal", "team": "legal-team", "seniority": "entry",
            "cadence": "weekly", "meeting_mode": "video", "timezone": "UTC",
            "teach": ("future-of-work",)})
        await ws.settle()

        async with ws.running.service.database.session() as session:
            [row] = list(await session.exec(select(OutboxMessage).where(
                col(OutboxMessage.key).startswith("signup:"))))
        assert (row.status, row.next_attempt_at) == ("pending", clock.now() + timedelta(seconds=30))

        clock.advance(timedelta(seconds=31))
        assert await ws.running.service.deliver_now() == 1
        assert len(ws.fake.calls_to("chat.postMessage")) == 2
        assert ws.fake.calls_to("chat.postMessage")[-1]["channel"] == "DU1"


async def test_a_group_dm_channel_is_cached_so_weekly_messages_open_nothing_new(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        for _ in range(3):
            await messenger(ws).send_group(TEAM_ID, ["U2", "U1"], HELLO)
        assert len(ws.fake.calls_to("conversations.open")) == 1
        assert len({c["channel"] for c in ws.fake.calls_to("chat.postMessage")}) == 1


async def test_a_group_message_cut_off_by_a_crash_is_posted_once_more_without_reading_the_chat(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        service = ws.running.service
        async with service.database.session() as session:
            await enqueue(session, key="prompt:7:2026-W49", platform="slack", tenant_id=TEAM_ID,
                          recipients=["U1", "U2"], payload=HELLO.to_json(), now=clock.now())
        async with service.database.session() as session:
            [row] = (await claim(session, clock.now())).rows
        # The dispatcher that claimed it posts, then dies before recording the send.
        await messenger(ws).send_group(TEAM_ID, ["U1", "U2"], HELLO, row.key)
        assert await messenger(ws).find_sent(TEAM_ID, ["U1", "U2"], row.key) is None

        clock.advance(timedelta(minutes=5))  # the dead dispatcher's lease runs out
        assert await service.deliver_now() == 1  # the one repeat
        clock.advance(timedelta(minutes=5))
        assert await service.deliver_now() == 0  # and never another

        first, again = ws.fake.calls_to("chat.postMessage")
        assert first["channel"] == again["channel"] and first["text"] == again["text"]
        assert "metadata" not in again  # the outbox key stays with us
        assert ws.fake.calls_to("conversations.history") == []
        async with service.database.session() as session:
            [row] = list(await session.exec(select(OutboxMessage)))
        assert row.status == "sent" and row.platform_message_id == ws.fake.posts[-1].ts

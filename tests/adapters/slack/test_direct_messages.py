"""Words typed in the bot's DM are commands, answered in that DM; bots and edits are not."""

from __future__ import annotations

import asyncio

from config.program import Program
from core.clock import FrozenClock
from tests.support.fake_slack import BOT_ID, BOT_USER_ID
from tests.support.slack_requests import slack_workspace, url_verification


async def test_status_typed_in_the_bots_dm_is_answered_in_that_dm(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        reply = await ws.dm("status", "U5")
        async with asyncio.timeout(5):
            [answer] = await ws.fake.wait_for("chat.postMessage")

        assert reply.status == 200
        assert answer["channel"] == "DU5"
        assert "haven't joined" in answer["text"]
        assert ws.fake.responses() == []


async def test_help_in_a_dm_spells_commands_without_the_slash(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.dm("help")
        await ws.command("help", reply_key="slash-help")
        await ws.settle()

        [in_dm] = ws.fake.calls_to("chat.postMessage")
        assert "`join`" in str(in_dm["blocks"]) and "/mentoring join" not in str(in_dm["blocks"])
        assert "`/mentoring join`" in str(ws.fake.responses("slash-help")[0]["blocks"])


async def test_the_bots_own_messages_and_message_edits_are_ignored(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        own = await ws.dm("status", BOT_USER_ID, bot_id=BOT_ID)
        other_bot = await ws.dm("status", "U9", bot_id="BOTHER")
        edited = await ws.dm("status", "U5", subtype="message_changed")
        await ws.settle()
        await ws.dm("help", "U5")
        await ws.settle()

        assert (own.status, other_bot.status, edited.status) == (200, 200, 200)
        [only] = ws.fake.calls_to("chat.postMessage")
        assert only["channel"] == "DU5" and "reverse mentoring" in only["text"]


async def test_slack_url_verification_gets_its_challenge_back(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        reply = await ws.send(url_verification("c-123"), "application/json")

        assert reply.status == 200
        assert reply.json() == {"challenge": "c-123"}

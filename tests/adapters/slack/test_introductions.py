"""Matching over Slack: a pair's group DM, opened once; pairing by @-mention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from config.program import Program
from core.clock import FrozenClock
from tests.support.slack_people import JUNIOR, SENIOR, buttons, join, matched, with_admin
from tests.support.slack_requests import slack_workspace

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # past 09:30 in London, the senior's morning


async def test_a_pair_gets_one_group_dm_opened_once_for_the_introduction_and_the_prompts(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        group = await matched(ws)
        [intro] = [p for p in ws.fake.calls_to("chat.postMessage") if p["channel"] == group]
        assert [b["action_id"] for b in buttons(intro)] == ["pair.agree"]

        for week in range(2):
            clock.advance(MONDAY + timedelta(weeks=week) - clock.now())
            await ws.running.service.tick()

        in_group = [p for p in ws.fake.calls_to("chat.postMessage") if p["channel"] == group]
        assert len(in_group) == 3  # the introduction and two weekly prompts, one post each
        opened = [c["users"] for c in ws.fake.calls_to("conversations.open") if "," in c["users"]]
        assert [sorted(users.split(",")) for users in opened] == [["U1", "U2"]]  # then cached


async def test_an_admin_pairs_two_people_by_mention(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await join(ws, "U1", JUNIOR)
        await join(ws, "U2", SENIOR)
        await ws.command("admin pair <@U1|jo> <@U2|sam>", "UADA", reply_key="paired")
        await ws.command("admin pair <@U1|jo> <@U2|sam>", "U1", reply_key="refused")
        await ws.settle()
        assert "Paired" in str(ws.fake.responses("paired"))
        assert "for the program team" in str(ws.fake.responses("refused"))

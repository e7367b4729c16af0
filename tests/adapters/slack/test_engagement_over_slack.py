"""Weeks go by over Slack: prompts land in the pair's group DM, nudges in the senior's DM."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from config.program import Program
from core.clock import FrozenClock
from tests.support.slack_people import buttons, matched, with_admin
from tests.support.slack_requests import SlackWorkspace, slack_workspace

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 10:00 in London, 11:00 in Berlin


async def matched_jo_and_sam(ws: SlackWorkspace) -> str:
    """Jo (U1) and Sam (U2) matched; returns their group DM channel."""
    ws.fake.names.update({"U1": "Jo", "U2": "Sam"})
    return await matched(ws)


def posts_to(ws: SlackWorkspace, channel: str, since: int = 0) -> list[dict[str, Any]]:
    return [p for p in ws.fake.calls_to("chat.postMessage")[since:] if p["channel"] == channel]


async def test_three_weeks_of_prompts_and_weekly_nudges_to_the_senior_over_slack(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        group = await matched_jo_and_sam(ws)
        service = ws.running.service
        before = len(ws.fake.calls_to("chat.postMessage"))
        titles = []
        for week in range(3):
            clock.advance(MONDAY + timedelta(weeks=week) - clock.now())
            await service.tick()
            await service.tick()  # a second run in the same hour queues nothing
            prompts = [p for p in posts_to(ws, group, before)
                       if "Another prompt" in str(p["blocks"])]
            assert len(prompts) == week + 1
            titles.append(prompts[-1]["blocks"][0]["text"]["text"])
        assert len(set(titles)) == 3
        opens_after_intro = [c for c in ws.fake.calls_to("conversations.open") if "," in c["users"]]
        assert len(opens_after_intro) == 1  # the group DM channel is cached, not reopened
        nudges = [p for p in ws.fake.calls_to("chat.postMessage")
                  if "A quick check-in" in str(p.get("blocks"))]
        # Days 14 and 21 of silence: the senior is nudged weekly; the junior never is.
        assert [n["channel"] for n in nudges] == ["DU2", "DU2"]

        met = next(b for b in buttons(posts_to(ws, group, before)[-1]) if b["text"]["text"] == "We met")
        await ws.press(met["action_id"], met["value"], "U2", reply_key="met")
        await ws.settle()
        assert "Logged your meeting" in str(ws.fake.responses("met"))

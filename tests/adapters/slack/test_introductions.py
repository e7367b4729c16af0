"""Matching over Slack: a confirmed round opens one group DM per pair and posts once."""

from __future__ import annotations

from typing import Any

from config.program import Admins, Program
from core.clock import FrozenClock
from tests.support.slack_requests import Answer, SlackWorkspace, slack_workspace

JUNIOR: dict[str, Answer] = {
    "role": "mentor", "department": "sales", "team": "Inside Sales", "seniority": "entry",
    "cadence": "weekly", "meeting_mode": "video", "timezone": "Europe/Berlin",
    "teach": ("ai-digital-tools",)}
SENIOR: dict[str, Answer] = {
    "role": "mentee", "department": "finance", "team": "Treasury", "seniority": "director",
    "cadence": "fortnightly", "meeting_mode": "video", "timezone": "Europe/London",
    "learn": ("ai-digital-tools",), "teach": ("leadership",)}


def with_admin(program: Program) -> Program:
    return program.model_copy(update={"admins": Admins(slack=("UADA",))})


async def join(ws: SlackWorkspace, user: str, answers: dict[str, Any]) -> None:
    await ws.command("join", user)
    await ws.settle()
    assert (await ws.submit(ws.opened_view(), answers, user)).status == 200
    await ws.settle()


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in payload.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


async def test_a_confirmed_round_opens_one_group_dm_and_posts_the_introduction_once(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        ws.fake.names.update({"U1": "Jo", "U2": "Sam"})
        await join(ws, "U1", JUNIOR)
        await join(ws, "U2", SENIOR)
        posted_before = len(ws.fake.calls_to("chat.postMessage"))

        await ws.command("admin match", "UADA", reply_key="preview")
        await ws.settle()
        [preview] = ws.fake.responses("preview")
        assert "Matching round #1: preview" in str(preview) and "Jo" not in str(preview)
        assert len(ws.fake.calls_to("chat.postMessage")) == posted_before
        confirm = next(b for b in buttons(preview) if b["text"]["text"].startswith("Confirm"))

        await ws.press(confirm["action_id"], confirm["value"], "UADA", reply_key="confirmed")
        await ws.press(confirm["action_id"], confirm["value"], "UADA", reply_key="again")
        await ws.settle()
        await ws.settle()

        assert "Round #1 confirmed" in str(ws.fake.responses("confirmed"))
        assert "already confirmed" in str(ws.fake.responses("again"))
        groups = [c for c in ws.fake.calls_to("conversations.open") if "," in c["users"]]
        assert [sorted(c["users"].split(",")) for c in groups] == [["U1", "U2"]]
        intros = ws.fake.calls_to("chat.postMessage")[posted_before:]
        assert len(intros) == 1 and intros[0]["channel"].startswith("G")
        assert "Meet your reverse mentoring partner: Jo and Sam" in str(intros[0]["blocks"])
        assert [b["text"]["text"] for b in buttons(intros[0])] == ["I agree"]


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

"""People in a Slack workspace, driven through signed requests: signing up, being matched."""

from __future__ import annotations

from typing import Any

from config.program import Admins, Program
from tests.support.slack_requests import Answer, SlackWorkspace

ADMIN = "UADA"
JUNIOR: dict[str, Answer] = {
    "role": "mentor", "department": "sales", "team": "Inside Sales", "seniority": "entry",
    "cadence": "weekly", "meeting_mode": "video", "timezone": "Europe/Berlin",
    "teach": ("ai-digital-tools",)}
SENIOR: dict[str, Answer] = {
    "role": "mentee", "department": "finance", "team": "Treasury", "seniority": "director",
    "cadence": "fortnightly", "meeting_mode": "video", "timezone": "Europe/London",
    "learn": ("ai-digital-tools",), "teach": ("leadership",)}


def with_admin(program: Program) -> Program:
    """The program with UADA as its Slack admin (listed in app.yaml)."""
    return program.model_copy(update={"admins": Admins(slack=(ADMIN,))})


async def join(ws: SlackWorkspace, user: str, answers: dict[str, Any]) -> None:
    await ws.command("join", user)
    await ws.settle()
    assert (await ws.submit(ws.opened_view(), answers, user)).status == 200
    await ws.settle()


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in payload.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


async def matched(ws: SlackWorkspace, junior: str = "U1", senior: str = "U2") -> str:
    """A junior and a senior signed up and matched by the admin; returns their group DM."""
    await join(ws, junior, JUNIOR)
    await join(ws, senior, SENIOR)
    await ws.command("admin match", ADMIN, reply_key="preview")
    await ws.settle()
    confirm = next(b for b in buttons(ws.fake.responses("preview")[-1])
                   if b["text"]["text"].startswith("Confirm"))
    await ws.press(confirm["action_id"], confirm["value"], ADMIN)
    await ws.settle()
    return next(p["channel"] for p in ws.fake.calls_to("chat.postMessage")
                if p["channel"].startswith("G"))

"""People in a Slack workspace, driven through signed requests: signing up, being matched."""

from __future__ import annotations

from typing import Any

from config.admins import Admins
from config.program import Program
from tests.support.slack_requests import Answer, SlackWorkspace

ADMIN = "UADA"
JUNIOR: dict[str, Answer] = {
    "role": "mentor", "department": "sales", "team": "inside-sales", "seniority": "entry",
    "cadence": "weekly", "meeting_mode": "video", "timezone": "Europe/Berlin",
    "teach": ("ai-digital-tools",)}
SENIOR: dict[str, Answer] = {
    "role": "mentee", "department": "finance", "team": "treasury", "seniority": "director",
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


async def match_preview(ws: SlackWorkspace) -> dict[str, Any]:
    """`admin match` as the admin: the command is answered at once, and the preview reaches
    the admin's DM once the round is computed."""
    await ws.command("admin match", ADMIN, reply_key="match")
    await ws.settle()
    assert "Working on a round" in str(ws.fake.responses("match"))
    return next(p for p in reversed(ws.fake.calls_to("chat.postMessage"))
                if "preview" in str(p.get("blocks")) and p["channel"].startswith("D"))


def confirm_button(preview: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in buttons(preview) if b["text"]["text"].startswith("Confirm"))


async def matched(ws: SlackWorkspace, junior: str = "U1", senior: str = "U2") -> str:
    """A junior and a senior signed up and matched by the admin; returns their group DM."""
    await join(ws, junior, JUNIOR)
    await join(ws, senior, SENIOR)
    confirm = confirm_button(await match_preview(ws))
    await ws.press(confirm["action_id"], confirm["value"], ADMIN)
    await ws.settle()
    return next(p["channel"] for p in ws.fake.calls_to("chat.postMessage")
                if p["channel"].startswith("G"))


KICKOFF: dict[str, Answer] = {
    "goal_1": "By March, use an AI assistant to draft my weekly team update",
    "mentor_goal": "Lead every session and practise giving feedback upward",
    "rhythm": "weekly", "meeting_mode": "video", "length": "6",
    "ground_rules": "What we discuss stays between us two."}


def _button(posts: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    return next(b for p in reversed(posts) for b in buttons(p) if b["action_id"] == action_id)


async def kicked_off(ws: SlackWorkspace, group: str, junior: str = "U1", senior: str = "U2",
                     **answers: Answer) -> None:
    """Both press *I agree* in their group DM; the senior proposes the kick-off in its modal,
    the junior confirms it from their DM."""
    posts = ws.fake.calls_to("chat.postMessage")
    agree = _button([p for p in posts if p["channel"] == group], "pair.agree")
    for user in (junior, senior):
        await ws.press(agree["action_id"], agree["value"], user)
    await ws.settle()
    invite = _button(ws.fake.calls_to("chat.postMessage"), "kickoff.open")
    await ws.press(invite["action_id"], invite["value"], senior)
    await ws.settle()
    assert (await ws.submit(ws.opened_view(), {**KICKOFF, **answers}, senior)).status == 200
    await ws.settle()
    confirm = _button([p for p in ws.fake.calls_to("chat.postMessage")
                       if p["channel"] == f"D{junior}"], "kickoff.confirm")
    await ws.press(confirm["action_id"], confirm["value"], junior)
    await ws.settle()

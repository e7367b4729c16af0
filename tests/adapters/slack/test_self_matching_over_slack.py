"""Choosing a mentor over Slack: suggest, request, and the mentor's Accept or Decline, or silence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from config.program import Program
from core.clock import FrozenClock
from tests.support.choosing import choosing
from tests.support.slack_people import JUNIOR, SENIOR, buttons, join, with_admin
from tests.support.slack_requests import SlackWorkspace, slack_workspace

MARKETING_JUNIOR = {**JUNIOR, "department": "marketing", "team": "brand"}


def dms_to(ws: SlackWorkspace, user: str) -> list[dict[str, Any]]:
    return [p for p in ws.fake.calls_to("chat.postMessage") if p["channel"] == f"D{user}"]


def button(payload: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in buttons(payload) if b["text"]["text"] == label)


async def suggest_and_request(ws: SlackWorkspace, label: str = "Request 1") -> dict[str, Any]:
    """Sam (U2) asks for suggestions and requests one; returns the suggestions shown."""
    await ws.command("suggest", "U2", reply_key="suggested")
    await ws.settle()
    suggested = ws.fake.responses("suggested")[-1]
    wanted = button(suggested, label)
    await ws.press(wanted["action_id"], wanted["value"], "U2", reply_key="sent")
    await ws.settle()
    assert "Request sent" in str(ws.fake.responses("sent")[-1])
    return suggested


async def test_a_senior_requests_a_suggested_mentor_who_accepts_over_slack(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, choosing(with_admin(program)), clock) as ws:
        ws.fake.names.update({"U1": "Jo", "U2": "Sam", "U3": "Lee"})
        await join(ws, "U1", MARKETING_JUNIOR)
        await join(ws, "U3", JUNIOR)
        await join(ws, "U2", SENIOR)
        welcome = dms_to(ws, "U2")[-1]
        assert [b["text"]["text"] for b in buttons(welcome)] == ["See suggested mentors"]

        suggested = await suggest_and_request(ws)
        assert "Suggested mentors" in str(suggested)
        assert "Jo" not in str(suggested) and "Lee" not in str(suggested)  # blind review
        assert [b["text"]["text"] for b in buttons(suggested)] == ["Request 1", "Request 2"]
        [ask] = [p for p in dms_to(ws, "U1") if "would like you" in str(p["blocks"])]
        assert "Sam" in str(ask["blocks"])  # the mentor may see who asks

        accept = button(ask, "Accept")
        await ws.press(accept["action_id"], accept["value"], "U1", reply_key="accepted")
        await ws.press(accept["action_id"], accept["value"], "U1", reply_key="again")
        await ws.settle()
        # Both clicks run at once after their acks: one pairs, the other hears it happened.
        answers = [str(ws.fake.responses(k)) for k in ("accepted", "again")]
        assert sum("now a pair" in a for a in answers) == 1
        assert sum("already accepted" in a for a in answers) == 1
        intros = [p for p in ws.fake.calls_to("chat.postMessage")
                  if "Meet your reverse mentoring partner" in str(p.get("blocks"))]
        assert len(intros) == 1 and intros[0]["channel"].startswith("G")
        assert "Jo and Sam" in str(intros[0]["blocks"])


async def test_a_decline_then_silence_each_free_the_senior_over_slack(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, choosing(with_admin(program)), clock) as ws:
        ws.fake.names.update({"U1": "Jo", "U2": "Sam", "U3": "Lee"})
        await join(ws, "U1", MARKETING_JUNIOR)
        await join(ws, "U3", JUNIOR)
        await join(ws, "U2", SENIOR)
        await suggest_and_request(ws)
        ask = next(p for p in dms_to(ws, "U1") if "would like you" in str(p["blocks"]))
        decline = button(ask, "Decline")
        await ws.press(decline["action_id"], decline["value"], "U1", reply_key="declined")
        await ws.settle()
        [declined] = [p for p in dms_to(ws, "U2") if "didn't work out" in str(p["blocks"])]
        assert "Jo" not in str(declined["blocks"])

        suggested = await suggest_and_request(ws)  # Lee now; Jo is not offered again
        assert [b["text"]["text"] for b in buttons(suggested)] == ["Request 1"]
        assert any("would like you" in str(p["blocks"]) for p in dms_to(ws, "U3"))
        clock.advance(timedelta(days=5, hours=1))
        await ws.running.service.tick()
        await ws.settle()
        notes = [p for p in dms_to(ws, "U2") if "didn't work out" in str(p["blocks"])]
        assert len(notes) == 2 and notes[0]["blocks"] == notes[1]["blocks"]  # same words

        await ws.command("suggest", "U2", reply_key="nobody")
        await ws.settle()
        assert "No mentor is available" in str(ws.fake.responses("nobody"))

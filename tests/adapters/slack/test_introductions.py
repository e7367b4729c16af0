"""Matching over Slack: a confirmed round opens one group DM per pair and posts once."""

from __future__ import annotations

from config.program import Program
from core.clock import FrozenClock
from tests.support.slack_people import JUNIOR, SENIOR, buttons, join, with_admin
from tests.support.slack_requests import slack_workspace


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

"""A slash command whose flow answers quickly answers in its ack: Slack shows the ack body to
the person alone, so no response_url post, no Web API call and no second request are needed."""

from __future__ import annotations

from config.program import Program
from core.clock import FrozenClock
from tests.support.slack_requests import slack_workspace


async def test_status_and_help_answer_in_the_ack_without_a_response_url_post(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("join", "U1")  # someone who has started signing up
        await ws.settle()
        calls_before = len(ws.fake.calls)

        status = await ws.command("status", "U1", reply_key="status")
        help_ = await ws.command("help", "U1", reply_key="help")
        await ws.settle()

        assert "signing up" in status.json()["text"]
        assert status.json()["response_type"] == "ephemeral"  # only they see it
        assert "/mentoring join" in help_.json()["text"]  # words hinted as slash commands
        later = ws.fake.calls[calls_before:]
        # Nothing but the acks (the App Home tab's refresh aside): no response_url post, no
        # users.info, no conversations.open.
        shown = [(c.method, c.args.get("via")) for c in later if c.method != "views.publish"]
        assert shown == [("response", "ack")] * 2


async def test_a_command_that_opens_a_form_still_acks_at_once_and_opens_it(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        reply = await ws.command("join", "U2")
        await ws.settle()

        assert (reply.status, reply.text) == (200, "")
        assert ws.opened_view()["type"] == "modal"

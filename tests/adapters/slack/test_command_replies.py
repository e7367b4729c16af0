"""A slash command whose flow answers quickly answers in its ack: Slack shows the ack body to
the person alone, so no response_url post, no Web API call and no second request are needed."""

from __future__ import annotations

from config.program import Program
from core.clock import FrozenClock
from tests.support.slack_people import matched, with_admin
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


async def test_a_status_of_two_messages_answers_in_one_ack_in_order(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await matched(ws)  # U1 is paired: status says so, then what the pair agreed so far
        calls_before = len(ws.fake.calls)

        status = await ws.command("status", "U1", reply_key="paired-status")
        await ws.settle()

        body = status.json()
        assert body["response_type"] == "ephemeral"
        texts = [b["text"]["text"] for b in body["blocks"] if b.get("text")]
        where = next(i for i, t in enumerate(texts) if "paired with" in t)
        next_step = next(i for i, t in enumerate(texts) if "I agree" in t)
        assert where < next_step  # both messages, in their order
        assert {"type": "divider"} in body["blocks"]
        later = ws.fake.calls[calls_before:]
        # One answer, in the ack: no response_url post per message.
        assert [(c.method, c.args.get("via")) for c in later
                if c.method != "views.publish"] == [("response", "ack")]

"""Modal submissions (view_submission): the answer rides on the ack, so the flow runs first.

Slack waits 3 s for that ack, then shows the person an error and drops whatever we answer. A
flow slower than SUBMIT_BUDGET (a busy database) is therefore acked empty, closing the modal,
and its answer follows in the person's DM: saved answers are never lost behind a Slack error.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from adapters.slack import events
from adapters.slack.blocks import modal
from adapters.slack.listeners import Reply, Toolkit
from core.messages import Message, Response

ANY_CALLBACK = re.compile(r".+")
# Leaves a second of Slack's 3 s for bolt's 10 ms ack polling and the network.
SUBMIT_BUDGET = 2.0


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.view_submission(ANY_CALLBACK)
    async def on_submission(ack: AsyncAck, body: dict[str, Any]) -> None:
        # No response_url here: anything said after the modal closes goes to the person's DM.
        to = Reply(events.interaction_sender(body))
        async with toolkit.guard(to, ack):
            handling = asyncio.ensure_future(toolkit.inbound.handle(
                events.submission_event(body)))
            done, _ = await asyncio.wait((handling,), timeout=SUBMIT_BUDGET)
            if not done:
                await ack()
                await _answer_late(toolkit, late(await handling), to)
                return
            response = handling.result()
            first_input = _first_input(body)
            if response.failed and first_input and response.messages:
                # Nothing was saved: the modal stays open, answers kept, to submit again.
                await ack(response_action="errors",
                          errors={first_input: response.messages[0].text})
                return
            if response.errors:
                await ack(response_action="errors", errors=dict(response.errors))
                return
            if response.form is not None:
                await ack(response_action="update", view=modal(response.form))
            else:
                await ack()  # closes the modal
            await toolkit.show_home(response, to)
            for message in response.messages:
                await toolkit.say(message, to)


def late(response: Response) -> Response:
    """A slow flow's answer once the modal is closed: what was wrong with the answers, if
    anything, said in words (the fields are gone), then the form again behind a button."""
    if not response.errors:
        return response
    problems = " ".join(f"• {text}" for text in response.errors.values())
    said = Message(text=f"Your answers weren't saved: {problems} "
                        "Please open the form again to fix that.")
    return Response(messages=(said,), form=response.form, home=response.home)


async def _answer_late(toolkit: Toolkit, response: Response, to: Reply) -> None:
    await toolkit.show_home(response, to)
    for message in response.messages:
        await toolkit.say(message, to)
    if response.form is not None:  # no trigger id any more: a button that opens it
        await toolkit.show_form(response.form, to)


def _first_input(body: dict[str, Any]) -> str | None:
    blocks = (body.get("view") or {}).get("blocks") or []
    return next((b["block_id"] for b in blocks
                 if b.get("type") == "input" and b.get("block_id")), None)

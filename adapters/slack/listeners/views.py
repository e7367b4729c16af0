"""Modal submissions (view_submission): the answer rides on the ack, so the flow runs first."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from adapters.slack import events
from adapters.slack.blocks import modal
from adapters.slack.listeners import Reply, Toolkit

ANY_CALLBACK = re.compile(r".+")


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.view_submission(ANY_CALLBACK)
    async def on_submission(ack: AsyncAck, body: dict[str, Any]) -> None:
        # No response_url here: anything said after the modal closes goes to the person's DM.
        to = Reply(events.interaction_sender(body))
        async with toolkit.guard(to, ack):
            event = events.submission_event(body)
            response = await toolkit.inbound.handle(event)
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


def _first_input(body: dict[str, Any]) -> str | None:
    blocks = (body.get("view") or {}).get("blocks") or []
    return next((b["block_id"] for b in blocks
                 if b.get("type") == "input" and b.get("block_id")), None)

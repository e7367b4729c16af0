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
            response = await toolkit.inbound.handle(event, toolkit.slash_prefix)
            if response.errors:
                await ack(response_action="errors", errors=dict(response.errors))
                return
            if response.form is not None:
                await ack(response_action="update", view=modal(response.form))
            else:
                await ack()  # closes the modal
            for message in response.messages:
                await toolkit.say(message, to)

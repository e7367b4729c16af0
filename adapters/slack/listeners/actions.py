"""Button presses (block_actions) on messages the bot sent."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from adapters.slack import events
from adapters.slack.blocks import neutral_action_id
from adapters.slack.listeners import Reply, Toolkit
from core.events import Profile

ANY_ACTION = re.compile(r".+")


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.action(ANY_ACTION)
    async def on_button(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        to = Reply(events.interaction_sender(body),
                   respond if body.get("response_url") else None,
                   trigger_id=body.get("trigger_id") or None)
        async with toolkit.guard(to):
            action = body["actions"][0]
            # The signup survey pre-fills the timezone from the Slack profile.
            opens_survey = toolkit.inbound.registry.action_needs_profile(
                neutral_action_id(action["action_id"]))
            profile = (await toolkit.profiles.lookup(to.sender) if opens_survey
                       else Profile())
            event = events.action_event(body, action, profile)
            response = await toolkit.inbound.handle(event)
            await toolkit.answer(response, to)

"""The slash command: `/mentoring join`, `/mentoring status` …"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from adapters.slack import events
from adapters.slack.listeners import Reply, Toolkit
from core.events import Address, Profile
from runtime import commands as command_words


async def profile_for(toolkit: Toolkit, sender: Address, text: str) -> Profile:
    """Commands that open the survey pre-fill name and timezone from Slack (the registry says
    which); the others need no Web API call."""
    if toolkit.inbound.registry.needs_profile(command_words.parse(text, toolkit.command).word):
        return await toolkit.profiles.lookup(sender)
    return Profile()


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.command(toolkit.command)
    async def on_slash_command(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        to = Reply(events.command_sender(body), respond, trigger_id=body.get("trigger_id") or None)
        async with toolkit.guard(to):
            text = events.slack_text(body.get("text", ""))
            profile = await profile_for(toolkit, to.sender, text)
            event = events.command_event(body, profile)
            response = await toolkit.inbound.handle(event)
            await toolkit.answer(response, to)

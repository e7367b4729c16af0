"""Words typed in the bot's DM (message.im): the same commands as the slash command."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack import events
from adapters.slack.listeners import Reply, Toolkit
from adapters.slack.listeners.commands import profile_for


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.event("message")
    async def on_direct_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        if not events.is_person_in_dm(event):
            return
        to = Reply(events.dm_sender(body), channel=event["channel"])
        async with toolkit.guard(to):
            text = events.slack_text(event.get("text") or "")
            command = events.dm_command(body, await profile_for(toolkit, to.sender, text))
            await toolkit.answer(await toolkit.inbound.handle(command), to)

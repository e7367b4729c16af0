"""The slash command: `/mentoring join`, `/mentoring status` …

A command's reply rides on the ack when the flow finishes in time: Slack shows the ack body to
the person alone, as it would a response_url post, and no second request is needed. A slow
flow, a reply of several messages (kept in order), a form or a file: acked empty within
ACK_BUDGET, answered through the response_url when done, as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from adapters.slack import events
from adapters.slack.listeners import Reply, Toolkit
from core.events import Address, Profile
from core.messages import Response
from runtime import commands as command_words

# Slack wants the ack within 3 s and retries after that; waiting longer than this for the
# flow would leave too little margin for the network and bolt's own 10 ms ack polling.
ACK_BUDGET = 1.0
# With this many commands' flows already running, a new one queues behind them: waiting for
# it would only hold the ack back, so it is acked at once and answered by response_url.
BUSY = 4


async def profile_for(toolkit: Toolkit, sender: Address, text: str) -> Profile:
    """Commands that open the survey pre-fill name and timezone from Slack (the registry says
    which); the others need no Web API call."""
    if needs_profile(toolkit, text):
        return await toolkit.profiles.lookup(sender)
    return Profile()


def needs_profile(toolkit: Toolkit, text: str) -> bool:
    return toolkit.inbound.registry.needs_profile(command_words.parse(text, toolkit.command).word)


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.command(toolkit.command)
    async def on_slash_command(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        to = Reply(events.command_sender(body), respond, trigger_id=body.get("trigger_id") or None)
        async with toolkit.guard(to, ack):
            text = events.slack_text(body.get("text", ""))
            if needs_profile(toolkit, text):
                # It opens the survey: ack now, then users.info and views.open, which has
                # the trigger id's 3 s to itself.
                await ack()
                event = events.command_event(body, await toolkit.profiles.lookup(to.sender))
                await toolkit.answer(await toolkit.inbound.handle(event), to)
                return
            busy = toolkit.flows >= BUSY
            toolkit.flows += 1
            try:
                handling = asyncio.ensure_future(toolkit.inbound.handle(events.command_event(
                    body, Profile())))
                done = () if busy else (await asyncio.wait((handling,), timeout=ACK_BUDGET))[0]
                reply = toolkit.ack_body(handling.result()) if done else None
                if reply is None:
                    await ack()
                response: Response = await handling
            finally:
                toolkit.flows -= 1
            if reply is None:
                await toolkit.answer(response, to)
            else:
                await ack(**reply)

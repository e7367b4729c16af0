"""The Home tab opened (app_home_opened): the flows queue a fresh view, or hand one back for
someone the program does not know."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack import events
from adapters.slack.listeners import Reply, Toolkit


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(body: dict[str, Any], event: dict[str, Any]) -> None:
        if not events.opens_home(event):
            return
        opened = events.home_opened(body)
        to = Reply(opened.sender)
        async with toolkit.guard(to):
            await toolkit.show_home(await toolkit.inbound.handle(opened), to)

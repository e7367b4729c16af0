"""The web chat's part in forgetting a person: its inboxes, and the event ids it builds from
the person's id (`web:{user}:{request id}`, see adapter.event_from)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.web import inbox as web_chat
from core.erasure import REDACTED, PersonRef
from storage import events

PLATFORM = "web"


class WebEraser:
    async def erase(self, session: AsyncSession, person: PersonRef) -> None:
        if person.platform == PLATFORM:
            await web_chat.forget_inbox(session, person.user_id)
            await web_chat.forget(session, person.user_id)  # their name under *Act as*
            await events.forget_events_starting(session, f"{PLATFORM}:{person.user_id}:")
        # Copies of messages that named them sit in other people's inboxes, whatever
        # platform the person was on: a partner on the web chat got their introduction.
        await web_chat.redact_mentions(session, person.user_id, person.words, REDACTED.to_json())

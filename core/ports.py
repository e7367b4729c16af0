"""The Messenger port: each platform adapter implements it; delivery calls it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from core.messages import Home, Message


class DeliveryError(Exception):
    """A send that did not go through. `retry_after` comes from the platform when it said so;
    `permanent` means retrying cannot help (the user is gone, the bot was removed);
    `one_conversation` that a rate limit may concern only the conversation posted to."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False,
                 one_conversation: bool = False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent
        # The platform's rate limit is (as far as it tells) that conversation's, not the
        # workspace's: only that conversation need wait out retry_after.
        self.one_conversation = one_conversation


class Messenger(Protocol):
    """`key` names the logical message (the outbox key). A platform that keeps it with its own
    copy of the message (the web chat's rows) lets `find_sent` answer after a crash whether a
    send went through, so a restarted dispatcher never sends twice there."""

    async def send_dm(
        self, tenant_id: str, user_id: str, message: Message, key: str = ""
    ) -> str | None:
        """Send to one person privately; returns the platform's message id when it has one."""
        ...

    async def send_group(
        self, tenant_id: str, user_ids: Sequence[str], message: Message, key: str = ""
    ) -> str | None:
        """Send one message that all of `user_ids` see (Slack group DM). Platforms that cannot
        open group chats proactively send one 1:1 message to each person instead."""
        ...

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        """The id of a message already sent under `key`, or None when none is known. Slack and
        Teams answer None, since telling would mean reading people's conversations: a crash
        between a post and its record repeats that one message."""
        ...


@runtime_checkable
class LooksUpFirst(Protocol):
    """A messenger with its own lookup before a post (Slack: the conversation's channel id),
    done before the post takes its turn under the workspace's rate limit: done after, its
    varying delay bunched the posts up on the way to the platform, past its cap."""

    async def look_up(self, tenant_id: str, user_ids: Sequence[str]) -> None: ...


@runtime_checkable
class HomePublisher(Protocol):
    """A messenger whose platform gives each person a page of the app (Slack's Home tab)."""

    async def publish_home(self, tenant_id: str, user_id: str, home: Home) -> None: ...

"""One way to queue a message: an `Outgoing` names the logical message (its key), who it is for,
and what it says. Several addresses mean one conversation for all of them where the platform has
group conversations; the outgoing path decides the rows, never the flow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from core.events import Address
from core.messages import Message


@dataclass(frozen=True)
class Outgoing:
    key: str
    to: tuple[Address, ...]
    message: Message

    @staticmethod
    def dm(key: str, to: Address, message: Message) -> Outgoing:
        return Outgoing(key, (to,), message)

    @staticmethod
    def group(key: str, to: Iterable[Address], message: Message) -> Outgoing:
        return Outgoing(key, tuple(to), message)


@dataclass(frozen=True)
class Capabilities:
    """What a platform's messenger can do, declared by the messenger itself."""

    group_conversations: bool = False  # one proactive conversation with several people
    finds_sent: bool = False  # can tell, after a crash, whether a keyed message went out
    # Can message someone who never wrote to the bot, from their user id alone.
    reaches_without_contact: bool = False
    # Shows each person a page of their own that the bot keeps current (Slack's Home tab).
    home_view: bool = False


class Outbox(Protocol):
    def capabilities(self, platform: str) -> Capabilities: ...

    async def queue(
        self, session: AsyncSession, now: datetime, items: Sequence[Outgoing]
    ) -> list[int]:
        """Queue every item in the caller's transaction; the ids of the new rows (a key queued
        before adds none)."""
        ...

    async def refresh_homes(
        self, session: AsyncSession, now: datetime, people: Sequence[Address], *,
        hurry: bool = True,
    ) -> list[int]:
        """Ask for these people's Home views to be published again (on platforms that have
        one): one row per person, re-armed if it was sent, left alone while still pending
        (unless `hurry`: then a row waiting for a later turn is due now). One statement for
        many people."""
        ...

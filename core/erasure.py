"""Forgetting a person: who they were, captured before anything is erased, and the port each
platform adapter implements to erase what only it knows how to find (its own tables, the keys
it builds from platform ids)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from core.messages import Message

# What a message that named a forgotten person says instead, wherever a copy of it is kept.
REDACTED = Message(text="This message was removed: it named someone who has since left the "
                        "program and had their data deleted.")


@dataclass(frozen=True)
class PersonRef:
    """The person being forgotten. `words` are theirs as other rows may have copied them into
    messages: their name, email and directory id, and their own free text (goals, meeting
    notes, comments, end reasons). Erasers look for these, and for the platform id."""

    person_id: int
    platform: str
    tenant_id: str
    user_id: str
    words: tuple[str, ...]


class Eraser(Protocol):
    """Erases one platform's traces of a person in the caller's transaction, so the
    deletion happens whole or not at all. Runs for everyone, whatever their platform:
    another platform's rows can name them too (a cross-platform partner's inbox)."""

    async def erase(self, session: AsyncSession, person: PersonRef) -> None: ...

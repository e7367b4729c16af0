"""What a person saw from the bot, in the same words whatever the platform drew it with.

Each driver turns Block Kit, Adaptive Cards or the web chat's JSON into these records, so a
scenario can ask "which buttons did Sam get?" once for all three platforms. `handle` keeps
what the platform needs to press a button or submit a form (a rendered action id, a card's
activity id, a Slack view); scenarios never look at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Answer = str | tuple[str, ...]


@dataclass(frozen=True)
class SeenButton:
    label: str
    action_id: str  # the neutral action id, whatever suffix the platform needed
    value: str = ""
    handle: Any = field(default=None, compare=False, repr=False)

    def means(self, label_or_action: str) -> bool:
        return label_or_action in (self.label, self.action_id)


@dataclass(frozen=True)
class SeenForm:
    form_id: str
    title: str
    fields: tuple[str, ...]
    values: Mapping[str, Answer] = field(default_factory=dict)  # what is filled in already
    errors: Mapping[str, str] = field(default_factory=dict)  # field name → what is wrong
    handle: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Seen:
    """One message (or form) that reached a person."""

    text: str  # everything readable: title, body and facts, one piece per line
    title: str | None = None
    facts: Mapping[str, str] = field(default_factory=dict)
    buttons: tuple[SeenButton, ...] = ()
    form: SeenForm | None = None

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(b.action_id for b in self.buttons)

    def button(self, label_or_action: str) -> SeenButton | None:
        return next((b for b in self.buttons if b.means(label_or_action)), None)


def with_action(seen: list[Seen], action_id: str) -> list[Seen]:
    """The messages that offer a button with this action id."""
    return [s for s in seen if action_id in s.actions]


def forms(seen: list[Seen], form_id: str | None = None) -> list[SeenForm]:
    return [s.form for s in seen
            if s.form is not None and (form_id is None or s.form.form_id == form_id)]

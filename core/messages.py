"""Neutral outbound types: what the bot says and the forms it asks people to fill.

Adapters render these as Block Kit, Adaptive Cards or HTML. Text uses a small markdown subset:
*bold*, _italic_, `code`, and "- " bullets; every message also carries a plain-text fallback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, Literal

ButtonStyle = Literal["default", "primary", "danger"]
# "people": colleagues on the same platform. Slack offers its user picker and answers with
# user ids, the web chat a list of its people (ids); Teams asks for names or emails, typed.
# `choices` of a people field are the people already chosen (id, and a name to show).
FieldKind = Literal["text", "long_text", "single_choice", "multi_choice", "rating", "people"]


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class FileRef:
    """A file for one person (an admin export): Slack uploads it into their DM; Teams and the
    web chat show a download link that works once and expires. The bytes stay in storage."""

    token: str
    filename: str
    size: int


@dataclass(frozen=True)
class Image:
    """A small PNG (a chart). Adapters show it where the platform can; elsewhere they show
    `fallback`, a text version, in its place after the message text."""

    png_base64: str
    alt: str
    fallback: str


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[Button, ...] = ()
    facts: tuple[Fact, ...] = ()
    title: str | None = None
    attachment: FileRef | None = None
    image: Image | None = None

    @property
    def fallback(self) -> str:
        """Plain text for notifications and for clients that cannot show rich layouts."""
        lines = [self.title] if self.title else []
        lines.append(plain(self.text))
        lines.extend(f"{f.label}: {plain(f.value)}" for f in self.facts)
        if self.image is not None:
            lines.append(plain(self.image.fallback))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """What dataclasses.asdict gives, several times faster: a weekly job serialises one
        message per pair."""
        # Buttons and facts hold only strings: their fields are copied, not walked.
        return {"text": self.text,
                "buttons": tuple(dict(vars(b)) for b in self.buttons),
                "facts": tuple(dict(vars(f)) for f in self.facts),
                "title": self.title,
                "attachment": _to_json(self.attachment),
                "image": _to_json(self.image)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        return cls(
            text=data["text"],
            title=data.get("title"),
            buttons=tuple(Button(**b) for b in data.get("buttons", ())),
            facts=tuple(Fact(**f) for f in data.get("facts", ())),
            attachment=FileRef(**data["attachment"]) if data.get("attachment") else None,
            image=Image(**data["image"]) if data.get("image") else None,
        )


@cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


_ATOMIC = (str, int, float, bool, type(None))


def _to_json(value: Any) -> Any:
    if isinstance(value, _ATOMIC):
        return value
    if isinstance(value, tuple | list):
        return type(value)(_to_json(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return {name: _to_json(getattr(value, name)) for name in _names(type(value))}


def plain(text: str) -> str:
    text = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", text)  # _italic_ only: keep Europe/New_York
    return text.replace("*", "").replace("`", "").strip()


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind
    required: bool = True
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None
    hint: str | None = None
    placeholder: str | None = None
    # Required only when the field named first holds the value second (a junior mentor's
    # topics to teach). Slack labels every optional input "(optional)", so there the field is
    # required until that answer says otherwise, and the form is redrawn when it changes.
    required_when: tuple[str, str] | None = None

    def required_given(self, values: Mapping[str, str | tuple[str, ...]]) -> bool:
        """Whether an answer is needed, given the answers so far (none yet: it may be)."""
        if self.required_when is None:
            return self.required
        name, wanted = self.required_when
        return values.get(name) in (None, "", wanted)


@dataclass(frozen=True)
class Form:
    """A survey or poll. `values` pre-fills the fields (str, or tuple for multi-choice)."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"
    intro: str | None = None
    values: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    context: str = ""  # opaque value carried through the platform and back on submit
    # Where a form cannot open directly (Slack without a trigger id), a button with this
    # action and the context as its value opens it again.
    open_action_id: str = "signup.open"
    # The action that answers with this form again, so a platform that can redraw an open
    # form (Slack: views.update) does so when an answer other fields depend on changes.
    refresh_action_id: str = ""

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Home:
    """A person's own page, kept current by the bot (Slack's Home tab): sections shown one
    under the other, each a Message (title, text, facts, buttons)."""

    sections: tuple[Message, ...]


@dataclass(frozen=True)
class Response:
    """What a flow answers to one event, rendered by the adapter that received it.

    `errors` maps field names to messages: the form stays open with them next to the fields
    (Slack `response_action: errors`; Teams and web re-show the form with the messages).
    `failed`: nothing was saved (the database was unreachable, say); the message says so, and
    adapters must not render it as a success (a Slack modal stays open).
    """

    messages: tuple[Message, ...] = ()
    form: Form | None = None
    errors: dict[str, str] = field(default_factory=dict)
    close_form: bool = False
    queued: tuple[int, ...] = ()  # outbox rows the event queued (set by the runtime)
    failed: bool = False
    # The sender's Home view, to show at once: set only for someone the program does not
    # know (never joined, or forgotten), whose id no outbox row may keep.
    home: Home | None = None

    @staticmethod
    def say(text: str, **kwargs: Any) -> Response:
        return Response(messages=(Message(text=text, **kwargs),))

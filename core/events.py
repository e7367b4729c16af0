"""Neutral inbound events: what a person did, whatever the platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Platform = Literal["slack", "teams", "web"]
PLATFORMS: tuple[Platform, ...] = ("slack", "teams", "web")


@dataclass(frozen=True)
class Address:
    """A person on a platform. tenant_id is the Slack team or the Teams tenant ('' on web)."""

    platform: Platform
    user_id: str
    tenant_id: str = ""


@dataclass(frozen=True)
class Profile:
    """What the platform told us about the sender; every field may be unknown."""

    display_name: str | None = None
    timezone: str | None = None
    email: str | None = None
    directory_id: str | None = None  # Teams AAD object id: stable, what admins know


@dataclass(frozen=True)
class Command:
    """Command words typed by a person: `/mentoring join` on Slack, `join` on Teams and web."""

    sender: Address
    text: str
    event_id: str
    profile: Profile = field(default_factory=Profile)
    trigger_id: str | None = None


@dataclass(frozen=True)
class Action:
    """A button press: action id plus the button's value."""

    sender: Address
    action_id: str
    value: str
    event_id: str
    profile: Profile = field(default_factory=Profile)
    trigger_id: str | None = None


@dataclass(frozen=True)
class FormSubmission:
    """A filled form. Multi-choice fields arrive as tuples, everything else as str."""

    sender: Address
    form_id: str
    values: dict[str, str | tuple[str, ...]]
    event_id: str
    profile: Profile = field(default_factory=Profile)
    context: str = ""  # Form.context, carried through the platform and back on submit


@dataclass(frozen=True)
class Installed:
    """The person added the bot (Teams: the app installed for them). On Teams this is the
    first moment the bot may write to them, so it is the moment to invite them."""

    sender: Address
    event_id: str
    profile: Profile = field(default_factory=Profile)


@dataclass(frozen=True)
class HomeOpened:
    """The person opened their page of the app (Slack's Home tab): it is shown afresh."""

    sender: Address
    event_id: str
    profile: Profile = field(default_factory=Profile)


Event = Command | Action | FormSubmission | Installed | HomeOpened

"""Bot Framework activities from Teams → neutral events, plus who sent them and from where."""

from __future__ import annotations

import hashlib
import html
import json
import re
import uuid
from typing import Any

from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from adapters.teams.cards import (
    ACTION_ID_KEY,
    FORM_ID_KEY,
    MULTI_CHOICE_KEY,
    RESERVED_KEYS,
    VALUE_KEY,
)
from core.events import Action, Address, Command, Event, FormSubmission, Installed, Profile

PLATFORM = "teams"
MAX_EVENT_KEY = 200  # processed_event keys hold 250 characters

# Bounded repetitions keep these linear on hostile input, such as thousands of unclosed <at>.
_MENTION = re.compile(r"<at\b[^<>]{0,200}>[^<]{0,300}</at>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,500}>")


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def tenant_of(activity: Activity) -> str:
    """The Entra tenant. botbuilder 4.17 maps `conversation.tenantID` while Teams sends
    `conversation.tenantId`, so the typed field is empty; channelData.tenant.id is reliable."""
    tenant = _get(_get(activity.channel_data, "tenant"), "id")
    conversation = activity.conversation
    if not tenant and conversation is not None:
        extra = getattr(conversation, "additional_properties", None) or {}
        tenant = conversation.tenant_id or extra.get("tenantId")
    return tenant if isinstance(tenant, str) else ""


def sender_of(activity: Activity) -> Address | None:
    sender: ChannelAccount | None = activity.from_property
    if sender is None or not isinstance(sender.id, str) or not sender.id:
        return None
    return Address(PLATFORM, sender.id, tenant_of(activity))


def _client_timezone(activity: Activity) -> str | None:
    for entity in activity.entities or ():
        if getattr(entity, "type", None) == "clientInfo":
            zone = (getattr(entity, "additional_properties", None) or {}).get("timezone")
            if isinstance(zone, str) and zone:
                return zone
    return None


def profile_of(activity: Activity) -> Profile:
    sender = activity.from_property
    name = sender.name if sender is not None and isinstance(sender.name, str) else None
    directory_id = sender.aad_object_id if sender is not None else None
    return Profile(
        display_name=name or None,
        directory_id=directory_id if isinstance(directory_id, str) and directory_id else None,
        timezone=activity.local_timezone or _client_timezone(activity),
    )


def event_id_of(activity: Activity) -> str:
    """Teams reuses the activity id when it retries, so it is the dedupe key. Without one a
    fresh key is made: such an activity cannot be deduplicated."""
    if not isinstance(activity.id, str) or not activity.id:
        return f"{PLATFORM}:{uuid.uuid4().hex}"
    key = f"{PLATFORM}:{activity.id}"
    if len(key) > MAX_EVENT_KEY:
        key = f"{PLATFORM}:sha256:{hashlib.sha256(activity.id.encode()).hexdigest()}"
    return key


def is_personal(activity: Activity) -> bool:
    """A 1:1 chat with the bot. The Emulator sends no conversationType, only isGroup."""
    conversation = activity.conversation
    if conversation is None:
        return False
    kind = conversation.conversation_type
    return kind == "personal" or (not kind and not conversation.is_group)


def _mentioned_people(activity: Activity) -> dict[str, str]:
    """Mention text (`<at>Sam</at>`) → the person's Teams id, leaving out the bot itself."""
    bot_id = activity.recipient.id if activity.recipient is not None else None
    found: dict[str, str] = {}
    for entity in activity.entities or ():
        props = entity.additional_properties if hasattr(entity, "additional_properties") else {}
        if getattr(entity, "type", None) != "mention" or not isinstance(props, dict):
            continue
        mentioned, text = props.get("mentioned"), props.get("text")
        person_id = _get(mentioned, "id")
        if isinstance(text, str) and isinstance(person_id, str) and person_id != bot_id:
            found[text] = person_id
    return found


def message_text(activity: Activity) -> str:
    """What the person typed, without Teams' HTML. Mentions of people become the neutral
    `<@id>` tokens the flows read (`admin pair @junior @senior`); mentions of the bot go."""
    text = activity.text if isinstance(activity.text, str) else ""
    people = _mentioned_people(activity)
    tokens: list[str] = []

    def keep(match: re.Match[str]) -> str:
        person_id = people.get(match.group(0))
        if person_id is None:
            return " "
        tokens.append(f"<@{person_id}>")
        return f" \x00{len(tokens) - 1}\x00 "

    text = _MENTION.sub(keep, text)
    text = _LINE_BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    # Teams' editor puts &nbsp; between words; the command parser splits on plain spaces.
    text = html.unescape(text).replace("\xa0", " ")
    text = re.sub(r"\x00(\d+)\x00", lambda m: tokens[int(m.group(1))], text)
    return text.strip()


def bot_was_added(activity: Activity) -> bool:
    """The app installed for this person: Teams sends an installationUpdate and a
    conversationUpdate naming the bot among membersAdded, in either order, or only one."""
    if activity.type == ActivityTypes.installation_update:
        return activity.action == "add"
    if activity.type != ActivityTypes.conversation_update:
        return False
    bot_id = activity.recipient.id if activity.recipient is not None else None
    return bool(bot_id) and any(m.id == bot_id for m in activity.members_added or ())


def bot_was_removed(activity: Activity) -> bool:
    if activity.type == ActivityTypes.installation_update:
        return activity.action == "remove"
    bot_id = activity.recipient.id if activity.recipient is not None else None
    return bool(bot_id) and any(m.id == bot_id for m in activity.members_removed or ())


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return ""  # nested objects are not something our cards produce


def _submission(value: dict[str, Any]) -> dict[str, str | tuple[str, ...]]:
    multi = value.get(MULTI_CHOICE_KEY)
    multi_fields = {name for name in multi if isinstance(name, str)} if isinstance(
        multi, list) else set()
    values: dict[str, str | tuple[str, ...]] = {}
    for name, raw in value.items():
        if name in RESERVED_KEYS or name == "msteams":
            continue
        values[name] = _as_text(raw)
    for name in multi_fields:
        # Teams joins a multi-select ChoiceSet's values with commas (and omits it when empty).
        joined = _as_text(value.get(name))
        values[name] = tuple(part.strip() for part in joined.split(",") if part.strip())
    return values


def to_event(activity: Activity) -> Event | None:
    """The neutral event for an activity, or None when the person did nothing to answer."""
    sender = sender_of(activity)
    if sender is None:
        return None
    event_id, profile = event_id_of(activity), profile_of(activity)
    if activity.type == ActivityTypes.message:
        value = activity.value
        if isinstance(value, dict) and isinstance(value.get(FORM_ID_KEY), str):
            context = value.get("context")
            return FormSubmission(sender, value[FORM_ID_KEY], _submission(value), event_id,
                                  profile, context if isinstance(context, str) else "")
        if isinstance(value, dict) and isinstance(value.get(ACTION_ID_KEY), str):
            return Action(sender, value[ACTION_ID_KEY], _as_text(value.get(VALUE_KEY)),
                          event_id, profile)
        return Command(sender, message_text(activity), event_id, profile)
    if bot_was_added(activity):
        return Installed(sender, event_id, profile)
    return None


def reference_fields(activity: Activity, tenant_id: str) -> dict[str, str | None]:
    """What a proactive send needs later, in storage.references' terms."""
    channel_data = {"tenant": {"id": tenant_id}} if tenant_id else None
    return {
        "conversation_id": activity.conversation.id if activity.conversation else None,
        "service_url": activity.service_url,
        "bot_id": activity.recipient.id if activity.recipient else None,
        "channel_data": json.dumps(channel_data) if channel_data else None,
    }

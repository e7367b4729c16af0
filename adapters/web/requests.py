"""What the web chat page may send: its JSON bodies, read and checked before any event runs."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from aiohttp import web

from core.events import Action, Address, Command, Event, FormSubmission, Profile
from core.text import one_line

USER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
AFTER = re.compile(r"^[0-9]{1,18}$")
MAX_BODY = 16 * 1024  # far above any real command or survey; the core answers > 2,000 chars
MAX_NAME = 60
MAX_FIELDS = 50
MAX_CHOICES = 100

BAD_USER = ("Pick who you're acting as: an id like “jo” "
            "(lowercase letters, digits, . _ -; up to 40).")
NOT_JSON = "That request wasn't valid JSON."
NOT_OBJECT = 'Send a JSON object, like {"user": "jo", "command": "help"}.'
TOO_BIG = f"That request is too large (the web chat takes up to {MAX_BODY // 1024} kB)."
ONE_SHAPE = "Send exactly one of: a command, a button press (action_id) or a form (form_id)."


class BadRequest(Exception):
    """Input the page (or someone with curl) got wrong; answered with a 400 and this text."""


async def read_json(request: web.Request) -> object:
    if request.content_type != "application/json":
        raise BadRequest("Send JSON, with the header Content-Type: application/json.")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BadRequest(TOO_BIG)
    body = bytearray()
    # Read the stream ourselves: a chunked body has no Content-Length to check up front.
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > MAX_BODY:
            raise BadRequest(TOO_BIG)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest(NOT_JSON) from None


def event_from(body: object, demo_names: dict[str, str]) -> Event:
    """The neutral event a request body describes; BadRequest says what is wrong with it."""
    if not isinstance(body, dict):
        raise BadRequest(NOT_OBJECT)
    user = body.get("user")
    if not isinstance(user, str) or not USER_ID.match(user):
        raise BadRequest(BAD_USER)
    name = text_field(body, "name", MAX_NAME)
    request_id = body.get("request_id")
    if request_id is None:
        request_id = uuid.uuid4().hex
    elif not isinstance(request_id, str) or not REQUEST_ID.match(request_id):
        raise BadRequest("“request_id” must be a short id such as a UUID.")
    timezone = body.get("timezone")
    # The browser's guess only pre-fills the survey; something odd is dropped, not refused.
    zone = timezone if isinstance(timezone, str) and 0 < len(timezone) <= 64 else None
    sender = Address("web", user)
    profile = Profile(display_name=one_line(name or demo_names.get(user, "")) or None,
                      timezone=zone)
    event_id = f"web:{user}:{request_id}"
    shapes = [key for key in ("command", "action_id", "form_id") if key in body]
    if len(shapes) != 1:
        raise BadRequest(ONE_SHAPE)
    if shapes[0] == "command":
        command = body["command"]
        if not isinstance(command, str):
            raise BadRequest("“command” must be text, like “join” or “help”.")
        return Command(sender, command, event_id, profile)
    if shapes[0] == "action_id":
        action_id = text_field(body, "action_id", 100, required=True)
        value = text_field(body, "value", 500) or ""
        return Action(sender, action_id, value, event_id, profile)
    form_id = text_field(body, "form_id", 100, required=True)
    context = text_field(body, "context", 500) or ""
    return FormSubmission(sender, form_id, _form_values(body.get("values")), event_id, profile,
                          context)


def text_field(body: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value) or len(value) > limit:
        raise BadRequest(f"“{key}” must be text of up to {limit} characters.")
    return value


def _form_values(raw: object) -> dict[str, str | tuple[str, ...]]:
    """Answers as FormSubmission wants them: text as str, multi-choice lists as tuples."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_FIELDS:
        raise BadRequest("“values” must be an object of field names and answers.")
    values: dict[str, str | tuple[str, ...]] = {}
    for name, value in raw.items():
        if len(name) > 64:
            raise BadRequest("Form field names are at most 64 characters.")
        if value is None:
            continue
        if isinstance(value, str):
            values[name] = value
        elif (isinstance(value, list) and len(value) <= MAX_CHOICES
              and all(isinstance(item, str) for item in value)):
            values[name] = tuple(value)
        else:
            raise BadRequest("Each form answer must be text or a list of chosen options.")
    return values

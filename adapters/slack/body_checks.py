"""The shape checks that keep malformed Slack bodies from bolt, before it parses them.

Bolt trusts the shape of what it parses (a list where it expects an object ends in a 500),
so `problem_with` looks at every body first; the translators in events.py can then index freely.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def is_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _has_id(value: object) -> bool:
    return isinstance(value, dict) and is_text(value.get("id"))


def _optional_text(body: Mapping[str, Any], *keys: str) -> bool:
    return all(body.get(key) is None or isinstance(body.get(key), str) for key in keys)


def parse_form(raw: str) -> dict[str, str]:
    return dict(parse_qsl(raw, keep_blank_values=True))


def problem_with(raw: str, content_type: str) -> str | None:
    """Why this body is not one Slack would send us, or None when it looks right."""
    if content_type == JSON:
        try:
            body = json.loads(raw)
        except ValueError:
            return "body is not valid JSON"
        return _event_problem(body)
    if content_type != FORM:
        return "expected a form or JSON body"
    if raw.lstrip().startswith("{"):
        return "form body holds JSON"  # bolt would parse it as JSON regardless of the type
    form = parse_form(raw)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"])
        except ValueError:
            return "payload is not valid JSON"
        return _interaction_problem(payload)
    if "command" in form:
        return None if all(is_text(form.get(k)) for k in ("command", "user_id", "team_id")) \
            else "slash command without command, user_id or team_id"
    if form.get("ssl_check"):
        return None
    return "not a Slack request"


_ID_FIELDS = ("user", "team", "channel", "enterprise")  # an id, or an object holding one
_TEXT_FIELDS = ("type", "id", "hash", "user_id", "team_id", "channel_id", "enterprise_id",
                "api_app_id", "event_id", "trigger_id", "response_url", "callback_id",
                "private_metadata", "subtype", "bot_id", "channel_type", "text", "challenge")
_OBJECT_FIELDS = ("container", "message", "previous_message", "view", "event", "state")
_LIST_FIELDS = ("actions", "authorizations", "response_urls")


def _envelope_problem(body: Mapping[str, Any]) -> str | None:
    """Bolt reads these fields from every request to build its context, trusting their types."""
    for key in _ID_FIELDS:
        value = body.get(key)
        if not (value is None or isinstance(value, str)
                or (isinstance(value, dict) and _optional_text(value, "id", "team_id"))):
            return f"{key} must be an id or an object with one"
    wrong = next((k for k in _TEXT_FIELDS if not _optional_text(body, k)), None)
    if wrong is not None:
        return f"{wrong} must be a string"
    for key in _OBJECT_FIELDS:
        value = body.get(key)
        if value is not None and not isinstance(value, dict):
            return f"{key} must be an object"
    for key in _LIST_FIELDS:
        value = body.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(v, dict) for v in value)):
            return f"{key} must be a list of objects"
    nested = [body.get(k) for k in ("event", "message", "previous_message", "view")]
    nested += body.get("authorizations") or []
    return next((p for n in nested if isinstance(n, dict) and (p := _envelope_problem(n))), None)


def _interaction_problem(payload: object) -> str | None:
    if not isinstance(payload, dict) or not is_text(payload.get("type")):
        return "payload must be an object with a type"
    problem = _envelope_problem(payload)
    if problem is not None or payload["type"] not in ("block_actions", "view_submission"):
        return problem  # bolt answers what it has no listener for
    team = payload.get("team")
    if not _has_id(payload.get("user")) or not (team is None or _has_id(team)):
        return "payload needs a user (and team) with ids"
    if payload["type"] == "block_actions":
        actions = payload.get("actions")
        if not actions or not all(is_text(a.get("action_id"))
                                  and _optional_text(a, "value", "action_ts") for a in actions):
            return "block_actions needs actions with action ids"
        return None
    view = payload.get("view") or {}
    if not is_text(view.get("callback_id")) or not is_text(view.get("type")):
        return "view_submission needs a view with a type and callback_id"
    values = (view.get("state") or {}).get("values")
    if not isinstance(values, dict) or not all(
            isinstance(block, dict) and all(isinstance(v, dict) for v in block.values())
            for block in values.values()):
        return "view state values must be objects"
    return None


def _event_problem(body: object) -> str | None:
    if not isinstance(body, dict) or not is_text(body.get("type")):
        return "JSON body must be an object with a type"
    problem = _envelope_problem(body)
    if problem is not None:
        return problem
    if body["type"] == "url_verification" and not is_text(body.get("challenge")):
        return "url_verification without challenge"
    if body["type"] == "event_callback" and not (
            is_text(body.get("event_id")) and isinstance(body.get("team_id"), str)
            and isinstance(body.get("event"), dict) and is_text(body["event"].get("type"))):
        return "event_callback needs event_id, team_id and an event with a type"
    return None

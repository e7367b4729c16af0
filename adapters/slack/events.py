"""Slack payloads → neutral events, plus the shape checks that keep malformed bodies from bolt.

Bolt trusts the shape of what it parses (a list where it expects an object ends in a 500),
so `problem_with` looks at every body first; the translators below can then index freely.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from adapters.slack.blocks import neutral_action_id
from adapters.slack.clients import SlackClients
from core.clock import Clock
from core.events import Action, Address, Command, FormSubmission, HomeOpened, Profile

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
Body = dict[str, Any]


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _has_id(value: object) -> bool:
    return isinstance(value, dict) and _is_text(value.get("id"))


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
        return None if all(_is_text(form.get(k)) for k in ("command", "user_id", "team_id")) \
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
    if not isinstance(payload, dict) or not _is_text(payload.get("type")):
        return "payload must be an object with a type"
    problem = _envelope_problem(payload)
    if problem is not None or payload["type"] not in ("block_actions", "view_submission"):
        return problem  # bolt answers what it has no listener for
    team = payload.get("team")
    if not _has_id(payload.get("user")) or not (team is None or _has_id(team)):
        return "payload needs a user (and team) with ids"
    if payload["type"] == "block_actions":
        actions = payload.get("actions")
        if not actions or not all(_is_text(a.get("action_id"))
                                  and _optional_text(a, "value", "action_ts") for a in actions):
            return "block_actions needs actions with action ids"
        return None
    view = payload.get("view") or {}
    if not _is_text(view.get("callback_id")) or not _is_text(view.get("type")):
        return "view_submission needs a view with a type and callback_id"
    values = (view.get("state") or {}).get("values")
    if not isinstance(values, dict) or not all(
            isinstance(block, dict) and all(isinstance(v, dict) for v in block.values())
            for block in values.values()):
        return "view state values must be objects"
    return None


def _event_problem(body: object) -> str | None:
    if not isinstance(body, dict) or not _is_text(body.get("type")):
        return "JSON body must be an object with a type"
    problem = _envelope_problem(body)
    if problem is not None:
        return problem
    if body["type"] == "url_verification" and not _is_text(body.get("challenge")):
        return "url_verification without challenge"
    if body["type"] == "event_callback" and not (
            _is_text(body.get("event_id")) and isinstance(body.get("team_id"), str)
            and isinstance(body.get("event"), dict) and _is_text(body["event"].get("type"))):
        return "event_callback needs event_id, team_id and an event with a type"
    return None


def slack_text(text: str) -> str:
    """Slack escapes &, < and > in what people type; flows want the characters themselves."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def tenant_of(body: Body, team: str) -> str:
    """Whom people belong to: their workspace, or with an Enterprise Grid org-wide install the
    organisation (a person has one user id across its workspaces, so one tenant)."""
    if str(body.get("is_enterprise_install")).lower() != "true":
        return team
    enterprise, where = body.get("enterprise"), body.get("team")
    for found in (body.get("enterprise_id"),
                  enterprise.get("id") if isinstance(enterprise, dict) else enterprise,
                  where.get("enterprise_id") if isinstance(where, dict) else None):
        if isinstance(found, str) and found:
            return found
    return team


def command_sender(body: Body) -> Address:
    return Address("slack", body["user_id"], tenant_of(body, body.get("team_id", "")))


def interaction_sender(body: Body) -> Address:
    team = body.get("team") or {}
    return Address("slack", body["user"]["id"],
                   tenant_of(body, team.get("id") or body["user"].get("team_id", "")))


def command_event(body: Body, profile: Profile) -> Command:
    sender = command_sender(body)
    trigger_id = body.get("trigger_id") or None
    # Without a trigger id, the response_url is what is unique to this command.
    key = trigger_id or body.get("response_url") or uuid.uuid4().hex
    return Command(sender=sender, text=slack_text(body.get("text", "")),
                   event_id=f"slack:{sender.tenant_id}:{key}", trigger_id=trigger_id,
                   profile=profile)


def action_event(body: Body, action: Body, profile: Profile) -> Action:
    sender = interaction_sender(body)
    trigger_id = body.get("trigger_id") or None
    container = body.get("container") or {}
    key = trigger_id or ":".join(str(container.get(k, "")) for k in ("message_ts", "view_id")) \
        + f":{action.get('action_ts', '')}"
    return Action(sender=sender, action_id=neutral_action_id(action["action_id"]),
                  value=action.get("value") or "", event_id=f"slack:{sender.tenant_id}:{key}",
                  trigger_id=trigger_id, profile=profile)


def form_values(state_values: Mapping[str, Mapping[str, Body]]) -> dict[str, str | tuple[str, ...]]:
    """view.state.values → {field name: answer}; the block id is the field name."""
    values: dict[str, str | tuple[str, ...]] = {}
    for block_id, elements in state_values.items():
        for element in elements.values():
            if "selected_options" in element:
                chosen = element.get("selected_options")
                options = chosen if isinstance(chosen, list) else []
                values[block_id] = tuple(str(o.get("value", "")) for o in options
                                         if isinstance(o, dict))
            elif "selected_users" in element:
                users = element.get("selected_users")
                values[block_id] = tuple(str(u) for u in users if isinstance(u, str)) \
                    if isinstance(users, list) else ()
            elif "selected_option" in element:
                option = element.get("selected_option")
                values[block_id] = str(option.get("value", "")) if isinstance(option, dict) else ""
            else:
                value = element.get("value")
                values[block_id] = value if isinstance(value, str) else ""
    return values


def submission_event(body: Body) -> FormSubmission:
    sender = interaction_sender(body)
    view = body["view"]
    key = body.get("trigger_id") or f"{view.get('id', '')}:{view.get('hash', '')}"
    # private_metadata carries Form.context (which poll, which cohort) through the modal.
    return FormSubmission(sender=sender, form_id=view["callback_id"],
                          values=form_values(view["state"]["values"]),
                          event_id=f"slack:{sender.tenant_id}:{key}",
                          context=view.get("private_metadata") or "")


def is_person_in_dm(event: Body) -> bool:
    """Someone typing to the bot in its DM; not bots (ourselves included), not edits or joins."""
    return (event.get("type") == "message" and event.get("channel_type") == "im"
            and not event.get("subtype") and not event.get("bot_id")
            and _is_text(event.get("user")) and _is_text(event.get("channel")))


def dm_sender(body: Body) -> Address:
    event = body["event"]
    # The workspace that delivered the event, as for slash commands (event.team can differ
    # for people from a connected workspace).
    return Address("slack", event["user"],
                   tenant_of(body, body.get("team_id") or event.get("team") or ""))


def dm_command(body: Body, profile: Profile) -> Command:
    return Command(sender=dm_sender(body), text=slack_text(body["event"].get("text") or ""),
                   event_id=f"slack:{body['event_id']}", profile=profile)


def opens_home(event: Body) -> bool:
    """Someone opened the app's Home tab (app_home_opened also fires for the Messages tab)."""
    return (event.get("type") == "app_home_opened" and event.get("tab", "home") == "home"
            and _is_text(event.get("user")))


def home_opened(body: Body) -> HomeOpened:
    return HomeOpened(sender=dm_sender(body), event_id=f"slack:{body['event_id']}")


class SlackProfiles:
    """users.info answers (timezone, name), remembered per user for an hour.

    The lookup is bounded in time because it runs while a trigger id (3 s) is waiting."""

    def __init__(self, clients: SlackClients, clock: Clock, *,
                 ttl: timedelta = timedelta(hours=1), timeout: float = 1.5,
                 capacity: int = 10_000) -> None:
        self._clients = clients
        self._clock = clock
        self._ttl = ttl
        self._timeout = timeout
        self._capacity = capacity
        self._known: dict[Address, tuple[datetime, Profile]] = {}
        # Two commands from one person in flight at once share one users.info call (Tier 4).
        self._pending: dict[Address, asyncio.Task[Profile]] = {}

    async def lookup(self, person: Address) -> Profile:
        cached = self._known.get(person)
        if cached is not None and self._clock.now() - cached[0] < self._ttl:
            return cached[1]
        task = self._pending.get(person)
        if task is None:
            task = asyncio.ensure_future(self._fetch(person))
            self._pending[person] = task
            task.add_done_callback(lambda _t: self._pending.pop(person, None))
        return await asyncio.shield(task)

    async def _fetch(self, person: Address) -> Profile:
        now = self._clock.now()
        try:
            client = await self._clients.for_tenant(person.tenant_id)
            response = await asyncio.wait_for(client.users_info(user=person.user_id),
                                              self._timeout)
            user = response.get("user")
        except Exception as exc:  # a profile is a nicety: the command goes on without it
            log.warning("users.info for %s failed: %s", person.user_id, exc)
            return Profile()
        profile = _profile(user if isinstance(user, dict) else {})
        if len(self._known) >= self._capacity:
            self._known.pop(next(iter(self._known)))
        self._known[person] = (now, profile)
        return profile


def _profile(user: Body) -> Profile:
    profile = user.get("profile")
    details: Body = profile if isinstance(profile, dict) else {}

    def text(*candidates: object) -> str | None:
        return next((c for c in candidates if isinstance(c, str) and c), None)

    return Profile(display_name=text(user.get("real_name"), details.get("real_name"),
                                     details.get("display_name")),
                   timezone=text(user.get("tz")), email=text(details.get("email")))

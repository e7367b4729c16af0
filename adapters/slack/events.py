"""Slack payloads → neutral events (commands, actions, form submissions, DMs, Home opened).

The bodies were checked by body_checks.problem_with before bolt saw them, so these index freely.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from adapters.slack.blocks import neutral_action_id
from adapters.slack.body_checks import is_text
from core.events import Action, Address, Command, FormSubmission, HomeOpened, Profile

Body = dict[str, Any]


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
            and is_text(event.get("user")) and is_text(event.get("channel")))


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
            and is_text(event.get("user")))


def home_opened(body: Body) -> HomeOpened:
    return HomeOpened(sender=dm_sender(body), event_id=f"slack:{body['event_id']}")

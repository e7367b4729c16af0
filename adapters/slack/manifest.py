"""The Slack app manifest: paste it into api.slack.com/apps → Create New App → From a manifest."""

from __future__ import annotations

from typing import Any

import yaml

from adapters.slack.settings import EVENTS_PATH, OAUTH_REDIRECT_PATH

# Every Web API method the adapter calls (slack_sdk's names), with the bot scopes it needs.
# A test holds the adapter's code to this table, so the manifest asks for exactly these.
# No method here reads a conversation: the bot reads no one's messages.
WEB_API_SCOPES: dict[str, tuple[str, ...]] = {
    "auth_test": (),
    "chat_postMessage": ("chat:write",),
    "conversations_open": ("im:write", "mpim:write"),  # a person's DM; a pair's group DM
    # Name and timezone pre-fill the survey; the email lets import-people match people.
    "users_info": ("users:read", "users:read.email"),
    "views_open": (),
    "views_update": (),  # the signup modal redrawn once the role is chosen
    "views_publish": (),  # the Home tab
    "files_upload_v2": ("files:write",),  # exports and charts, into the admin's DM
}
# What Slack sends us: the slash command, and the words people type in the bot's DM
# (the message.im event needs im:history to be delivered; nothing calls history with it).
INBOUND_SCOPES = ("commands", "im:history")
BOT_SCOPES = tuple(dict.fromkeys(
    [*INBOUND_SCOPES, *(scope for scopes in WEB_API_SCOPES.values() for scope in scopes)]))
BOT_EVENTS = ("message.im", "app_home_opened")
PLACEHOLDER_URL = "https://turnabout.example.com"
APP_NAME_LENGTH = 35  # Slack refuses longer app names


# With OAuth installs: Slack tells us when a workspace removes the app or its tokens.
OAUTH_EVENTS = ("tokens_revoked", "app_uninstalled")


def manifest_yaml(name: str, command: str, url: str | None, socket_mode: bool,
                  oauth: bool = False) -> str:
    """Without a URL (and without Socket Mode) the request URLs hold a placeholder to replace.
    `oauth`: installs through /slack/install, for many workspaces or a whole Grid org."""
    base = (url or PLACEHOLDER_URL).rstrip("/")
    request_url = None if socket_mode else f"{base}{EVENTS_PATH}"
    slash_command: dict[str, Any] = {
        "command": command,
        "description": "Reverse mentoring: join, status, pause, leave",
        "usage_hint": "help | join | status | pause [until DATE] | resume | leave",
        "should_escape": True,  # mentions arrive as <@U…> tokens: `admin pair @a @b`
    }
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS) + list(OAUTH_EVENTS if oauth else ())}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        slash_command["url"] = request_url
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    manifest = {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name[:APP_NAME_LENGTH],
            "description": "Runs your reverse mentoring program: signup, matching, prompts.",
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name[:80], "always_online": True},
            "slash_commands": [slash_command],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)},
                         **({"redirect_urls": [f"{base}{OAUTH_REDIRECT_PATH}"]} if oauth else {})},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": oauth,  # org-wide installs on Enterprise Grid
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }
    text = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
    if url is None and not socket_mode:
        return f"# Replace {PLACEHOLDER_URL} with the public HTTPS address of Turnabout.\n{text}"
    return text

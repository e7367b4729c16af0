"""The Slack app manifest an admin pastes into api.slack.com/apps."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import manifest as slack_manifest
from adapters.slack.manifest import manifest_yaml

SLACK_ADAPTER = Path(slack_manifest.__file__).resolve().parent


def web_api_calls() -> set[str]:
    """Every slack_sdk client method the adapter's code calls (`….client.x(` / `_client.x(`)."""
    called = set()
    for path in SLACK_ADAPTER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name in ("client", "_client"):
                    called.add(node.func.attr)
    return called


def test_an_http_manifest_points_commands_events_and_interactivity_at_the_service() -> None:
    manifest = yaml.safe_load(manifest_yaml("Turnabout", "/mentoring",
                                            "https://mentoring.example.com/", False))

    [command] = manifest["features"]["slash_commands"]
    url = "https://mentoring.example.com/slack/events"
    assert (command["command"], command["url"]) == ("/mentoring", url)
    assert manifest["settings"]["event_subscriptions"] == {
        "bot_events": ["message.im", "app_home_opened"], "request_url": url}
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True  # views.publish


def test_a_socket_mode_manifest_needs_no_public_url() -> None:
    manifest = yaml.safe_load(manifest_yaml("Turnabout", "/mentor", None, True))

    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert "url" not in manifest["features"]["slash_commands"][0]


def test_without_a_url_the_manifest_says_what_to_replace_and_names_are_trimmed() -> None:
    text = manifest_yaml("A very long program name that Slack would refuse", "/mentoring",
                         None, False)

    manifest = yaml.safe_load(text)
    assert text.startswith("# Replace https://turnabout.example.com")
    assert len(manifest["display_information"]["name"]) <= 35
    assert manifest["features"]["slash_commands"][0]["url"].endswith("/slack/events")


def test_the_manifest_asks_for_exactly_the_scopes_of_the_web_api_methods_the_code_calls() -> None:
    manifest = yaml.safe_load(manifest_yaml("Turnabout", "/mentoring", None, True))
    declared = slack_manifest.WEB_API_SCOPES

    assert web_api_calls() == set(declared)  # a new call must say which scope it needs
    assert all(callable(getattr(AsyncWebClient, method, None)) for method in declared)
    needed = {*slack_manifest.INBOUND_SCOPES, *(s for scopes in declared.values() for s in scopes)}
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes)) and set(scopes) == needed


def test_the_bot_can_read_no_conversation_and_can_match_people_by_email() -> None:
    manifest = yaml.safe_load(manifest_yaml("Turnabout", "/mentoring", None, True))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])

    # im:history only because Slack delivers message.im (people typing to the bot) with it.
    assert {s for s in scopes if s.endswith(":history")} == {"im:history"}
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["message.im",
                                                                         "app_home_opened"]
    assert not {"conversations_history", "conversations_replies"} & set(
        slack_manifest.WEB_API_SCOPES)
    assert "users:read.email" in scopes  # users.info sends profile.email only with it

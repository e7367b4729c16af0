"""The Slack app manifest an admin pastes into api.slack.com/apps."""

from __future__ import annotations

import yaml

from adapters.slack.manifest import manifest_yaml


def test_an_http_manifest_points_commands_events_and_interactivity_at_the_service() -> None:
    manifest = yaml.safe_load(manifest_yaml("Turnabout", "/mentoring",
                                            "https://mentoring.example.com/", False))

    [command] = manifest["features"]["slash_commands"]
    url = "https://mentoring.example.com/slack/events"
    assert (command["command"], command["url"]) == ("/mentoring", url)
    assert manifest["settings"]["event_subscriptions"] == {"bot_events": ["message.im"],
                                                           "request_url": url}
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands", "chat:write", "im:write", "mpim:write", "users:read", "im:history", "mpim:history",
        "files:write"}
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False


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

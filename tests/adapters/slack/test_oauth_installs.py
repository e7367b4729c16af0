"""Installs through Slack's OAuth flow: several workspaces, or a whole Grid organisation, each
with its own bot token, stored encrypted; people keyed by where they belong; uninstalls forget.
Played through /slack/install, /slack/oauth_redirect and signed requests, against the fake
Slack's oauth.v2.access, per-token auth.test and team.info."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from config.program import ConfigError, Program
from core.clock import FrozenClock
from tests.support.slack_oauth import KEY, install, join_in, oauth_service, rows
from tests.support.slack_requests import (
    JSON,
    block_actions,
    dm_event,
    slash_command,
)


async def test_two_workspaces_install_and_the_same_user_id_is_two_people(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with oauth_service(database_url, program, clock) as ws:
        assert await install(ws, "code-1", "T1") == 200
        assert await install(ws, "code-2", "T2") == 200
        stored = await rows(database_url, "SELECT team_id, bot_token FROM slack_bots")
        assert sorted(team for team, _ in stored) == ["T1", "T2"]
        # Encrypted at rest: no bot token appears in the database as it is.
        assert all(not token.startswith("xoxb-") for _, token in stored)

        await join_in(ws, "T1", "U1")
        await join_in(ws, "T2", "U1")
        people = await rows(database_url, "SELECT tenant_id, user_id, status FROM person "
                                          "ORDER BY tenant_id")
        assert people == [("T1", "U1", "active"), ("T2", "U1", "active")]
        # Each workspace's welcome went out with that workspace's own token.
        for team in ("T1", "T2"):
            token = ws.fake.token_of(team)
            assert len(ws.fake.calls_with(token, "chat.postMessage")) == 1
            assert len(ws.fake.calls_with(token, "views.open")) == 1


async def test_a_workspace_that_never_installed_is_refused(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with oauth_service(database_url, program, clock) as ws:
        assert await install(ws, "code-1", "T1") == 200
        body = slash_command("join", user="U9", trigger_id="t-9",
                             response_url=ws.fake.response_url("never"), team="T9")
        await ws.send(body)
        await ws.send(dm_event("status", user="U9", event_id="Ev9", team="T9"), JSON)
        await ws.send(block_actions("signup.join", user="U9", trigger_id="t-10",
                                    response_url=None, team="T9"))
        await ws.settle()
        assert ws.fake.calls_to("views.open") == []
        assert await rows(database_url, "SELECT user_id FROM person") == []


async def test_uninstalling_forgets_the_tokens_and_refuses_that_workspace_afterwards(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    import json

    async with oauth_service(database_url, program, clock) as ws:
        assert await install(ws, "code-1", "T1") == 200
        assert await install(ws, "code-2", "T2") == 200
        await join_in(ws, "T1", "U1")
        uninstalled = json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A0TEST", "type": "event_callback",
            "event": {"type": "app_uninstalled"}, "event_id": "EvGone", "event_time": 1,
            "authorizations": [{"team_id": "T1", "enterprise_id": None, "user_id": "UBOT",
                                "is_bot": True}]})
        assert (await ws.send(uninstalled, JSON)).status == 200
        await ws.settle()
        assert await rows(database_url, "SELECT team_id FROM slack_bots") == [("T2",)]
        assert await rows(database_url, "SELECT team_id FROM slack_installations") == [("T2",)]

        before = len(ws.fake.calls_to("views.open"))
        await ws.send(slash_command("join", user="U2", trigger_id="t-2",
                                    response_url=ws.fake.response_url("after"), team="T1"))
        await ws.settle()
        assert len(ws.fake.calls_to("views.open")) == before  # refused: no token any more


async def test_an_org_wide_install_serves_every_workspace_of_the_organisation_as_one(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with oauth_service(database_url, program, clock) as ws:
        assert await install(ws, "code-org", None, enterprise="E1", org_wide=True) == 200
        await join_in(ws, "TA", "W1", enterprise="E1", org_wide=True)
        await join_in(ws, "TB", "W1", enterprise="E1", org_wide=True)  # the same person
        assert await rows(database_url, "SELECT tenant_id, user_id FROM person") == [
            ("E1", "W1")]
        assert len(ws.fake.calls_with(ws.fake.token_of("E1"), "views.open")) == 2


def test_start_up_refuses_oauth_without_the_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s",
                        "SLACK_STATE_SECRET": "st", "SLACK_SIGNING_SECRET": "sig"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TURNABOUT_SECRET_KEY", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    with pytest.raises(ConfigError, match=r"^TURNABOUT_SECRET_KEY: required with SLACK_CLIENT_ID"):
        load_settings()
    monkeypatch.setenv("TURNABOUT_SECRET_KEY", "not-a-key")
    with pytest.raises(ConfigError, match="must be a Fernet key"):
        load_settings()
    monkeypatch.setenv("TURNABOUT_SECRET_KEY", KEY)
    settings = load_settings()
    assert settings.slack is not None and settings.slack.oauth is not None


def test_the_manifest_for_oauth_installs_has_the_redirect_url_and_uninstall_events() -> None:
    import yaml

    from adapters.slack.manifest import manifest_yaml

    manifest = yaml.safe_load(manifest_yaml("Turnabout", "/mentoring",
                                            "https://mentoring.example.com", False, oauth=True))
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://mentoring.example.com/slack/oauth_redirect"]
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "message.im", "app_home_opened", "tokens_revoked", "app_uninstalled"]
    assert manifest["settings"]["org_deploy_enabled"] is True
    plain = yaml.safe_load(manifest_yaml("Turnabout", "/mentoring", "https://m.example.com",
                                         False))
    assert "redirect_urls" not in plain["oauth_config"]



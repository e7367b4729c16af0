"""Bolt in OAuth mode: /slack/install and /slack/oauth_redirect, installations and OAuth state
in our database, the right token for every request, and uninstalls that forget the tokens."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.clients import SlackClients
from adapters.slack.installs import (
    ROTATE_MINUTES,
    EncryptedInstallationStore,
    InstalledTokens,
    Secrets,
    state_store,
)
from adapters.slack.listeners import Toolkit
from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.settings import INSTALL_PATH, OAUTH_REDIRECT_PATH, SlackSettings
from storage.database import Database

log = logging.getLogger(__name__)


def oauth_app(settings: SlackSettings, client: AsyncWebClient,
              database: Database) -> tuple[AsyncApp, SlackClients]:
    oauth = settings.oauth
    assert oauth is not None
    secrets = Secrets(oauth.secret_key)
    store = EncryptedInstallationStore(oauth.client_id, database, secrets)
    app = AsyncApp(
        name="turnabout", client=client, signing_secret=settings.signing_secret,
        installation_store=store,
        oauth_settings=AsyncOAuthSettings(
            client_id=oauth.client_id, client_secret=oauth.client_secret,
            scopes=list(BOT_SCOPES), installation_store=store,
            state_store=state_store(database), install_path=INSTALL_PATH,
            redirect_uri_path=OAUTH_REDIRECT_PATH, install_page_rendering_enabled=False,
            token_rotation_expiration_minutes=ROTATE_MINUTES))
    # Workspaces whose app has token rotation turned on get expiring tokens with a refresh
    # token: requests refresh them through bolt, sends through InstalledTokens.
    rotator = AsyncTokenRotator(client_id=oauth.client_id, client_secret=oauth.client_secret,
                                client=client)
    return app, SlackClients(client, InstalledTokens(oauth.client_id, database, secrets,
                                                     store, rotator))


def listen_for_uninstalls(app: AsyncApp, clients: SlackClients, toolkit: Toolkit) -> None:
    """A workspace (or organisation) removed the app, or revoked its bot token: its tokens are
    deleted at once, and nothing more is sent there."""

    async def forget(context: AsyncBoltContext) -> None:
        async with toolkit.tracked():
            await _forget(context)

    async def _forget(context: AsyncBoltContext) -> None:
        store = app.installation_store
        assert store is not None
        enterprise, team = context.enterprise_id, context.team_id
        whole_org = bool(context.is_enterprise_install)
        await store.async_delete_all(enterprise_id=enterprise,
                                     team_id=None if whole_org else team)
        tenant = (enterprise if whole_org else team) or ""
        clients.forget(tenant)
        log.warning("Slack %s removed the app or its token; its tokens are deleted", tenant)

    @app.event("app_uninstalled")
    async def on_uninstalled(context: AsyncBoltContext) -> None:
        await forget(context)

    @app.event("tokens_revoked")
    async def on_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        tokens = event.get("tokens")
        if isinstance(tokens, dict) and tokens.get("bot"):  # user tokens: we hold none
            await forget(context)

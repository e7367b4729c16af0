"""SlackAdapter: Slack's requests in (HTTP or Socket Mode), neutral events to the flows.

Every HTTP body is checked before bolt sees it: bolt answers 500 to bodies it cannot parse,
and Slack would only send well-formed, signed ones. Bolt verifies the signature again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import body_checks, listeners
from adapters.slack.clients import SlackClients
from adapters.slack.messenger import SlackMessenger
from adapters.slack.profiles import SlackProfiles
from adapters.slack.settings import EVENTS_PATH, INSTALL_PATH, OAUTH_REDIRECT_PATH, SlackSettings
from adapters.slack.workspace import Installed, InstalledGate, WorkspaceGate
from core.clock import Clock
from runtime.inbound import Inbound
from storage.database import Database

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger(__name__)

__all__ = ["EVENTS_PATH", "SlackAdapter"]


def _refuse(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


class SlackAdapter:
    platform = "slack"

    def __init__(
        self, settings: SlackSettings, inbound: Inbound, database: Database, clock: Clock
    ) -> None:
        self._settings = settings
        # Only connection errors are retried here: a 429 goes back to the dispatcher, which
        # honours Retry-After per workspace instead of sleeping inside a request.
        self._client = AsyncWebClient(
            token=settings.bot_token or None,
            base_url=settings.api_url or AsyncWebClient.BASE_URL,
            retry_handlers=[AsyncConnectionErrorRetryHandler()])
        self._verifier = (SignatureVerifier(settings.signing_secret)
                          if settings.signing_secret else None)
        self.installed: Installed | None = None
        if settings.oauth is None:
            self.clients = SlackClients(self._client)
            # Bolt checks the token with auth.test on the first request and caches the answer.
            self._bolt = AsyncApp(name="turnabout", client=self._client,
                                  signing_secret=settings.signing_secret)
            self.installed = Installed(self._client)
            self._bolt.use(WorkspaceGate(self.installed.get))  # before any listener
        else:
            from adapters.slack.oauth import oauth_app

            self._bolt, self.clients = oauth_app(settings, self._client, database)
            self._bolt.use(InstalledGate())  # bolt refused workspaces without an install
        self.messenger = SlackMessenger(self.clients, database, clock)
        self._toolkit = listeners.Toolkit(inbound, self.messenger,
                                          SlackProfiles(self.clients, clock),
                                          inbound.program.command)
        listeners.register(self._bolt, self._toolkit)
        if settings.oauth is not None:
            from adapters.slack.oauth import listen_for_uninstalls

            listen_for_uninstalls(self._bolt, self.clients, self._toolkit)
        self._socket: AsyncSocketModeHandler | None = None
        self._token_check: asyncio.Task[object] | None = None

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(EVENTS_PATH, self._on_request)
        if self._settings.oauth is not None:
            app.router.add_get(INSTALL_PATH, self._on_install)
            app.router.add_get(OAUTH_REDIRECT_PATH, self._on_install)

    async def _on_install(self, request: web.Request) -> web.StreamResponse:
        """The OAuth install flow: /slack/install sends the admin to Slack, which sends them
        back to /slack/oauth_redirect with a code that bolt exchanges for the bot token."""
        flow = self._bolt.oauth_flow
        assert flow is not None
        bolt_request = AsyncBoltRequest(body="", query=request.query_string,
                                        headers=dict(request.headers))
        if request.path == INSTALL_PATH:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))

    async def start(self) -> None:
        # Learn the installation now, and tell the operator about a bad token at start-up,
        # not at the first employee's click.
        if self.installed is not None:
            self._token_check = asyncio.create_task(self.installed.get(),
                                                    name="slack-auth-test")
        if self._settings.app_token:
            # Imported only when used: HTTP deployments never load the websocket client.
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(self._bolt, self._settings.app_token)
            await handler.connect_async()
            self._socket = handler

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
        if self._token_check is not None:
            self._token_check.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._token_check
        await self._toolkit.close()

    async def settle(self) -> None:
        """Wait until listeners that already acked have finished their work."""
        await self._toolkit.settle()

    def _signed(self, body: str, headers: Mapping[str, str]) -> bool:
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if self._verifier is None or not signature:
            return False
        if not (timestamp.isascii() and timestamp.isdigit()):
            return False  # SignatureVerifier would raise on int()
        return self._verifier.is_valid(body, timestamp, signature)

    async def _on_request(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        if not raw.strip():
            return _refuse(400, "empty body")
        if request.content_type not in (body_checks.FORM, body_checks.JSON):
            return _refuse(415, "expected a form or JSON body")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "body is not UTF-8")
        if not self._signed(body, request.headers):
            return _refuse(401, "invalid signature")
        problem = body_checks.problem_with(body, request.content_type)
        if problem is not None:
            log.warning("refused a signed Slack request: %s", problem)
            return _refuse(400, problem)
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string,
                                            headers=dict(request.headers))
        except Exception as exc:  # a shape the checks above did not foresee
            log.warning("bolt could not read a signed Slack request: %r", exc)
            return _refuse(400, "unreadable Slack request")
        _repair_form_body(bolt_request, body, request.content_type)
        return await to_aiohttp_response(await self._bolt.async_dispatch(bolt_request))


def _repair_form_body(bolt_request: AsyncBoltRequest, body: str, content_type: str) -> None:
    """Bolt reads any form body containing the word "payload" as an interaction payload, so
    a slash command from #payload-team parses to {} and goes unanswered. Give bolt the form."""
    if content_type != body_checks.FORM or bolt_request.body:
        return
    form = body_checks.parse_form(body)
    if "command" in form and "payload" not in form:
        bolt_request.body = dict(form)
        bolt_request.context = build_async_context(AsyncBoltContext({}), bolt_request.body)

"""The Teams adapter: botbuilder's CloudAdapter behind POST /api/messages, plus the messenger.

botbuilder stays inside adapters/teams, so moving to its successor (the Microsoft 365 Agents
SDK) touches this package only.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    ServiceClientCredentialsFactory,
)
from msrest.authentication import Authentication
from msrest.serialization import Model

from adapters.request_kind import name_kind
from adapters.teams.auth import (
    SigningKeysUnavailable,
    Unauthorized,
    authenticate,
    is_loopback_url,
)
from adapters.teams.bot import TeamsBot
from adapters.teams.messenger import TeamsMessenger
from adapters.teams.settings import TeamsSettings
from core.clock import Clock
from runtime.inbound import Inbound
from storage.database import Database

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
MAX_BODY_BYTES = 256 * 1024  # Teams caps a message at about 28 kB; activities stay far below this


@dataclass(frozen=True)
class BotConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


class PrefetchingCredentialFactory(ServiceClientCredentialsFactory):
    """Reuses credentials and fetches their tokens on a worker thread.

    botbuilder builds new credentials (and a new MSAL client, with an empty token cache) for
    every connector, and msrest asks them for a token synchronously inside the event loop:
    a blocking call to Entra ID on every turn. Cached credentials answer from MSAL's cache.
    """

    def __init__(self, inner: ServiceClientCredentialsFactory) -> None:
        self._inner = inner
        self._credentials: dict[tuple[Any, ...], Authentication] = {}

    async def is_valid_app_id(self, app_id: str) -> bool:
        return await self._inner.is_valid_app_id(app_id)

    async def is_authentication_disabled(self) -> bool:
        return await self._inner.is_authentication_disabled()

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Authentication:
        key = (app_id, oauth_scope, login_endpoint, validate_authority)
        credentials = self._credentials.get(key)
        if credentials is None:
            credentials = await self._inner.create_credentials(
                app_id, oauth_scope, login_endpoint, validate_authority)
            self._credentials[key] = credentials
        if isinstance(credentials, AppCredentials) and credentials.microsoft_app_id:
            await asyncio.to_thread(credentials.get_access_token)
        return credentials


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _kind(payload: dict[str, Any]) -> str:
    """The activity's type as a metrics label: from a fixed list, whatever the body says."""
    kind = payload.get("type")
    if kind == "message":
        return "submit" if isinstance(payload.get("value"), dict) else "message"
    return kind if kind in ("conversationUpdate", "installationUpdate", "invoke") else "other"


def _shape_problem(payload: Any) -> str | None:
    """Why a parsed body is not an activity we can answer, or None."""
    if not isinstance(payload, dict):
        return "body must be a JSON object"
    kind = payload.get("type")
    if not isinstance(kind, str) or not kind.strip() or len(kind) > 100:
        return "activity needs a string 'type'"
    service_url = payload.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url.startswith(("http://", "https://")):
        return "activity needs an http(s) 'serviceUrl'"
    return None


class TeamsAdapter:
    platform = "teams"

    def __init__(
        self, settings: TeamsSettings, inbound: Inbound, database: Database, clock: Clock,
        public_url: str | None = None,
    ) -> None:
        self._settings = settings
        config = BotConfig(settings.app_id, settings.app_password, settings.app_type,
                           settings.tenant_id)
        # An empty APP_ID makes botbuilder accept activities without a token and send replies
        # without one: the Bot Framework Emulator's local mode (TeamsSettings.emulator).
        credentials = PrefetchingCredentialFactory(
            ConfigurationServiceClientCredentialFactory(config))
        self.cloud_adapter = CloudAdapter(
            ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials))
        self.bot = TeamsBot(inbound, database, clock)
        self.messenger = TeamsMessenger(self.cloud_adapter, database, settings.app_id, clock,
                                        public_url, loopback_only=settings.emulator)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(MESSAGES_PATH, self.handle_messages)

    async def start(self) -> None:
        mode = "authenticated" if self._settings.authenticated else (
            "EMULATOR MODE: no tokens, loopback serviceUrls only")
        log.info("Teams adapter listening on %s (%s)", MESSAGES_PATH, mode)

    async def stop(self) -> None:
        return None

    async def handle_messages(self, request: web.Request) -> web.StreamResponse:
        """Check the body ourselves first: CloudAdapter.process answers 500 to a body that is
        not JSON, a missing Content-Type or a malformed activity; bad input deserves a 4xx."""
        name_kind(request, "invalid")
        if request.content_type != "application/json":
            return _problem(415, "Content-Type must be application/json")
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _problem(413, "body too large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _problem(413, "body too large")
        if len(body) > MAX_BODY_BYTES:
            return _problem(413, "body too large")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return _problem(400, "body is not valid JSON")
        problem = _shape_problem(payload)
        if problem is not None:
            return _problem(400, problem)
        name_kind(request, _kind(payload))
        try:
            activity = Activity().deserialize(payload)
        except Exception:
            return _problem(400, "body is not a Bot Framework activity")
        return await self._process(request, activity)

    async def _process(self, request: web.Request, activity: Activity) -> web.StreamResponse:
        auth: AuthenticateRequestResult | str
        if self._settings.authenticated:
            try:
                auth = await authenticate(self.cloud_adapter.bot_framework_authentication,
                                          activity, request.headers.get("Authorization", ""))
            except Unauthorized as exc:
                log.warning("Teams activity refused (401): %s", exc)
                return _problem(401, "unauthorized")
            except SigningKeysUnavailable as exc:
                log.warning("Teams activity not checked (503): signing keys unavailable: %s", exc)
                return _problem(503, "temporarily unavailable")
        elif not is_loopback_url(activity.service_url):
            # Nothing vouches for an unauthenticated serviceUrl: the bot would post its answer
            # wherever the request pointed.
            log.warning("Teams activity refused (403): emulator mode calls only loopback "
                        "serviceUrls")
            return _problem(403, "emulator mode answers only a loopback serviceUrl")
        else:
            auth = ""  # botbuilder without an app id accepts it as the Emulator's
        try:
            invoke = await self.cloud_adapter.process_activity(auth, activity, self.bot.on_turn)
        except Exception:
            # The turn catches its own errors, so this is the connector for the reply failing
            # to get our own token or the like: "try again" is the honest answer.
            log.exception("Teams activity %s could not be processed", activity.id)
            return _problem(503, "temporarily unavailable")
        if invoke is not None:
            body = invoke.body
            data = serializer_helper(body) if isinstance(body, Model) else body
            return web.json_response(data, status=int(invoke.status))
        return web.Response(status=201)

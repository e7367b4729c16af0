"""Every request gets an id, and every request a platform sent is counted, timed and logged.

One aiohttp middleware: adapters only name the kind of request (adapters.request_kind), so
timing an ack, labelling a metric and writing the log line happen in one place, whatever the
platform.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from aiohttp import web
from aiohttp.web_urldispatcher import AbstractResource

from adapters.request_kind import KIND, ROUTINE
from bot.logs import RequestScope, current_request
from bot.metrics import Metrics

log = logging.getLogger("turnabout.requests")

REQUEST_ID_HEADER = "X-Request-Id"
# A load balancer's id is kept when it looks like one, so its lines and ours can be joined.
GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Until the Slack adapter names its own kinds, as Teams and the web chat do, they are read
# from the body it has already read (request.read() keeps it): its first parse, bounded.
_SLACK_INTERACTIONS = {"block_actions": "action", "view_submission": "form",
                       "view_closed": "form_closed", "shortcut": "shortcut",
                       "message_action": "shortcut", "block_suggestion": "options"}
_SLACK_CALLBACKS = {"event_callback": "event", "url_verification": "url_verification"}


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "refused"
    if status == 499:
        return "cancelled"
    return "rejected" if status < 500 else "error"


def _slack_kind(body: bytes, content_type: str) -> str:
    try:
        text = body[:64 * 1024].decode("utf-8")
        if content_type == "application/json":
            payload = json.loads(text)
            kind = payload.get("type") if isinstance(payload, dict) else None
            return _SLACK_CALLBACKS.get(kind, "other") if isinstance(kind, str) else "other"
        form = parse_qs(text)
        if "command" in form and "payload" not in form:
            return "command"
        payload = json.loads(form.get("payload", ["{}"])[0])
        kind = payload.get("type") if isinstance(payload, dict) else None
        return _SLACK_INTERACTIONS.get(kind, "other") if isinstance(kind, str) else "other"
    except (ValueError, RecursionError):
        return "invalid"


class RequestObserver:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._platforms: dict[AbstractResource, str] = {}

    def routes_of(self, platform: str, app: web.Application,
                  add_routes: Callable[[web.Application], None]) -> None:
        """Add an adapter's routes, remembering that requests to them come from `platform`."""
        before = set(app.router.resources())
        add_routes(app)
        for resource in app.router.resources():
            if resource not in before:
                self._platforms[resource] = platform

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if GOOD_REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        platform = self._platforms.get(request.match_info.route.resource)  # type: ignore[arg-type]
        token = current_request.set(RequestScope(request_id, platform or ""))
        started = asyncio.get_running_loop().time()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            if not response.prepared:
                response.headers[REQUEST_ID_HEADER] = request_id
            return response
        except web.HTTPException as exc:
            status = exc.status
            exc.headers[REQUEST_ID_HEADER] = request_id
            raise
        except asyncio.CancelledError:
            status = 499  # the client went away before the answer
            raise
        finally:
            seconds = asyncio.get_running_loop().time() - started
            await self._record(request, platform, status, seconds)
            current_request.reset(token)

    async def _record(self, request: web.Request, platform: str | None, status: int,
                      seconds: float) -> None:
        kind = request.get(KIND)
        if platform == "slack" and kind is None and status != 499:
            try:
                kind = _slack_kind(await request.read(), request.content_type)
            except web.HTTPException:  # too large: the adapter has refused it already
                kind = "invalid"
        outcome = outcome_of(status)
        if platform is not None:
            self._metrics.inbound(platform, kind or "other", outcome, seconds)
        quiet = platform is None or kind is None or request.get(ROUTINE, False)
        # The route, not the path: a download path holds its one-time token.
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "(no route)"
        log.log(logging.DEBUG if quiet and status < 500 else logging.INFO,
                "%s %s %s", request.method, route, status,
                extra={"kind": kind or "other", "outcome": outcome, "status": status,
                       "duration_ms": round(seconds * 1000, 1)})

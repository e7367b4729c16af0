"""Only the installation the bot token belongs to is served: one workspace, or one workspace
inside an Enterprise Grid organisation.

Slack signs every request with the app's signing secret, whichever workspace it comes from, so
an app installed in a second workspace (or distributed) receives correctly signed requests
from people who are not in this program. The bot token's auth.test names the installation;
a request naming any other workspace or organisation is acknowledged and nothing else happens.
So every Slack address that reaches the flows is in the installed workspace: people, granted
admins (keyed by workspace and user) and the Slack admin ids listed in app.yaml alike.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

ELSEWHERE = "Sorry, this mentoring program runs in another Slack workspace, so I can't help here."
NOT_READY = "Sorry, I can't reach Slack right now. Please try again in a minute."


@dataclass(frozen=True)
class Installation:
    team_id: str
    enterprise_id: str | None = None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _id(value: object) -> str | None:
    """A field holding an id, or an object whose `id` holds one."""
    return _id(value.get("id")) if isinstance(value, dict) else _text(value)


def _object(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _present(values: Iterable[object]) -> set[str]:
    return {v for v in values if isinstance(v, str) and v}


def workspaces(body: Mapping[str, Any]) -> set[str]:
    """The workspaces a request says it happened in."""
    view, authorizations = _object(body, "view"), body.get("authorizations") or []
    return _present([body.get("team_id"), _id(body.get("team")), view.get("team_id"),
                     view.get("app_installed_team_id"),
                     *(a.get("team_id") for a in authorizations if isinstance(a, dict))])


def actor_workspaces(body: Mapping[str, Any]) -> set[str]:
    """The workspaces the acting person belongs to (differs for Slack Connect guests)."""
    event = _object(body, "event")
    return _present([_object(body, "user").get("team_id"), event.get("team"),
                     event.get("user_team"), event.get("source_team")])


def organisations(body: Mapping[str, Any]) -> set[str]:
    authorizations = body.get("authorizations") or []
    return _present([body.get("enterprise_id"), _id(body.get("enterprise")),
                     _object(body, "team").get("enterprise_id"),
                     *(a.get("enterprise_id") for a in authorizations if isinstance(a, dict))])


def foreign(body: Mapping[str, Any], home: Installation) -> str | None:
    """Why this request comes from outside the installation, or None when it is ours."""
    if organisations(body) - {home.enterprise_id}:
        return f"organisation {sorted(organisations(body))}"
    where = workspaces(body)
    if not where:
        return "no workspace named"
    if where - {home.team_id}:
        return f"workspace {sorted(where)}"
    # Inside an organisation people act across its workspaces; elsewhere, a person from
    # another workspace is a guest from another company.
    if home.enterprise_id is None and actor_workspaces(body) - {home.team_id}:
        return f"a person from workspace {sorted(actor_workspaces(body))}"
    return None


def refusal(body: Mapping[str, Any], text: str = ELSEWHERE) -> BoltResponse:
    """The ack, with a short answer where Slack shows one (a slash command's reply)."""
    if _text(body.get("command")):
        return BoltResponse(status=200, body=json.dumps(
            {"response_type": "ephemeral", "text": text}),
            headers={"content-type": "application/json"})
    return BoltResponse(status=200, body="")


class Installed:
    """The installation, learned once from auth.test (at start, or at the first request)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._known: Installation | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Installation | None:
        if self._known is None:
            async with self._lock:
                if self._known is None:
                    self._known = await self._ask()
        return self._known

    async def _ask(self) -> Installation | None:
        try:
            answer = await self._client.auth_test()
        except Exception as exc:
            log.error("Slack did not accept SLACK_BOT_TOKEN (auth.test: %s)", exc)
            return None
        team = _text(answer.get("team_id"))
        if team is None:
            log.error("auth.test named no workspace; refusing Slack requests until it does")
            return None
        return Installation(team, _text(answer.get("enterprise_id")))


class WorkspaceGate(AsyncMiddleware):
    """Bolt middleware, so Socket Mode and HTTP requests pass the same gate."""

    def __init__(self, installation: Callable[[], Awaitable[Installation | None]]) -> None:
        self._installation = installation

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        home = await self._installation()
        if home is None:  # fail closed: without it, no request can be told apart
            return refusal(req.body, NOT_READY)
        why = foreign(req.body, home)
        if why is None:
            return await next()
        log.warning("refused a signed Slack request from outside the installation: %s", why)
        return refusal(req.body)


class InstalledGate(AsyncMiddleware):
    """OAuth installs: bolt has already refused workspaces that never installed the app (it
    finds no token for them). What remains is the same rule as above, against the install the
    request was authorised by: a Slack Connect guest from elsewhere changes nothing, and an
    org-wide install serves every workspace of its organisation but no other."""

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        context = req.context
        enterprise = context.enterprise_id
        if context.is_enterprise_install:
            others = organisations(req.body) - {enterprise}
            why = f"organisation {sorted(others)}" if others else None
        else:
            why = foreign(req.body, Installation(context.team_id or "", enterprise))
        if why is None:
            return await next()
        log.warning("refused a signed Slack request from outside its installation: %s", why)
        return refusal(req.body)

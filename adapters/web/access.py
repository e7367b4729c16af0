"""Who may use the web chat: this machine only, or whoever holds the shared WEB_CHAT_TOKEN.

The web chat has no sign-in: whoever may use it can act as anyone, admins included. So by
default it is a local demo. It runs only when the service listens on a loopback address, and it
answers only requests whose Host header names the loopback address and port it listens on: a
DNS-rebinding page (evil.example resolving to 127.0.0.1) reaches our socket, but its requests
carry `Host: evil.example`, so they are refused. Listening on a network address needs the
token, which every API call and export download carries in `Authorization: Bearer …` (a header,
never the URL, so no access log or browser history keeps it).
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

from adapters.files import Refusal

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
MIN_TOKEN = 16

WRONG_HOST = ("The web chat is a local demo: open it at http://127.0.0.1:{port}/ or "
              "http://localhost:{port}/ on the machine running Turnabout.")
NO_TOKEN = "This web chat needs its access token (WEB_CHAT_TOKEN): ask whoever runs it."


def is_loopback(host: str) -> bool:
    """Whether a listen address reaches this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_problem(token: str) -> str | None:
    """Why a WEB_CHAT_TOKEN cannot be used, or None when it can."""
    if len(token) < MIN_TOKEN:
        return f"use at least {MIN_TOKEN} random characters"
    if not token.isascii() or not token.isprintable() or " " in token:
        return "use printable ASCII characters without spaces"
    return None


@dataclass(frozen=True)
class WebAccess:
    token: str  # "" in local mode: no token, loopback Host headers only

    @staticmethod
    def for_listen_address(host: str, token: str) -> WebAccess | None:
        """The rule for a service listening on `host`; None where the web chat must stay off
        (a network address without a token)."""
        if token:
            return WebAccess(token)
        return WebAccess("") if is_loopback(host) else None

    @property
    def networked(self) -> bool:
        return bool(self.token)

    def page_refusal(self, request: web.Request) -> Refusal | None:
        """The page and its scripts hold no secret: with a token they load for anyone (and
        then ask for the token); locally they still need a loopback Host."""
        return None if self.token else self._host_refusal(request)

    def api_refusal(self, request: web.Request) -> Refusal | None:
        if not self.token:
            return self._host_refusal(request)
        given = bearer_token(request)
        if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
            return Refusal(401, NO_TOKEN)
        return None

    def _host_refusal(self, request: web.Request) -> Refusal | None:
        port = _listening_port(request)
        if port is None or not _names_loopback(request.headers.get("Host", ""), port):
            return Refusal(403, WRONG_HOST.format(port=port or "PORT"))
        return None


def bearer_token(request: web.Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _listening_port(request: web.Request) -> int | None:
    transport = request.transport
    sockname = transport.get_extra_info("sockname") if transport is not None else None
    return sockname[1] if isinstance(sockname, tuple) and len(sockname) >= 2 else None


def _names_loopback(host_header: str, port: int) -> bool:
    """`127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT`, for the port we listen on."""
    if not host_header or "@" in host_header or "/" in host_header:
        return False
    parts = urlsplit(f"//{host_header}")
    try:
        given = 80 if parts.port is None else parts.port
    except ValueError:
        return False
    name = parts.hostname or ""
    bracketed = host_header.startswith("[")
    return given == port and name in LOOPBACK_NAMES and bracketed == (name == "::1")

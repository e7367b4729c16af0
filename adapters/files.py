"""GET /exports/{token}: an admin export's one-time download (Teams and the web chat link here).

The token is the only key, so it is long and random, works once and for 24 hours. Every answer
but the file is a short page for a person, never a stack trace: 410 when the link was used or
expired, 404 when there never was one. HEAD is not served: a link checker probing the URL must
not use up the one download. A platform may guard its people's links further: the web chat's
obey the web chat's own access rule (a loopback Host, or its token), checked before the link
is used up.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

from core.clock import Clock
from storage import exports
from storage.database import Database

log = logging.getLogger(__name__)

ROUTE = "/exports/{token}"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # secrets.token_urlsafe(24) gives 32 of these
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")
HEADERS = {
    "Cache-Control": "no-store",  # personal data: no proxy or browser cache keeps a copy
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
KINDS = {".ics": "text/calendar", ".pdf": "application/pdf"}
PAGE_HEADERS = {**HEADERS, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
AGAIN = ("Type <code>admin export</code> (or <code>admin report</code>) in the chat with the "
         "bot for a fresh one.")
PAGES = {
    "used": (410, "This download was already used",
             f"Export links work once, so the file can't be downloaded again. {AGAIN}"),
    "expired": (410, "This download has expired",
                f"Export links work for 24 hours after the export was made. {AGAIN}"),
    "unknown": (404, "There's no download here",
                f"Please check that the link is complete. {AGAIN}"),
    "trouble": (503, "Something went wrong on our side",
                "The link was not used up: please try again in a minute."),
}
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 34rem; margin: 4rem auto;
padding: 0 1rem; line-height: 1.5; color: #1d2433">
<h1 style="font-size: 1.4rem">{title}</h1><p>{text}</p></body></html>
"""


@dataclass(frozen=True)
class Refusal:
    """Why a request may not be served, in a sentence for the person who made it."""

    status: int
    text: str


# A platform's rule for its people's links; a platform without one serves them to anyone
# holding the link.
Guard = Callable[[web.Request], Refusal | None]
CLOSED = Refusal(404, "This download belongs to a chat that is not running here.")


def closed(_request: web.Request) -> Refusal:
    """The guard for links of a platform that is off: they are served to no one."""
    return CLOSED


def download_path(token: str) -> str:
    return ROUTE.replace("{token}", quote(token, safe=""))


def download_url(public_url: str, token: str) -> str:
    return public_url.rstrip("/") + download_path(token)


def _page(kind: str) -> web.Response:
    status, title, text = PAGES[kind]
    return _html(status, title, text)


def _refused(refusal: Refusal) -> web.Response:
    page = _html(refusal.status, "This download isn't available here", html.escape(refusal.text))
    if refusal.status == 401:
        page.headers["WWW-Authenticate"] = 'Bearer realm="downloads"'
    return page


def _html(status: int, title: str, text: str) -> web.Response:
    return web.Response(status=status, text=PAGE.format(title=html.escape(title), text=text),
                        content_type="text/html", charset="utf-8", headers=PAGE_HEADERS)


class ExportDownloads:
    """Serves export links whatever platforms are on: a link outlives the chat it was sent in."""

    def __init__(self, database: Database, clock: Clock,
                 guards: Mapping[str, Guard] | None = None) -> None:
        self._database = database
        self._clock = clock
        self._guards = dict(guards or {})

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.download, allow_head=False)

    async def download(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN.match(token):
            return _page("unknown")
        now = self._clock.now()
        try:
            async with self._database.session() as session:
                guard = self._guards.get(await exports.owner_platform(session, token) or "")
                refusal = guard(request) if guard is not None else None
                if refusal is not None:
                    return _refused(refusal)
                taken = await exports.take(session, token, now)
                if taken is None:
                    return _page(await exports.why_not_taken(session, token, now))
                await exports.erase(session, token)
        except Exception:
            # Rolled back: the link is still good for another try.
            log.exception("export download failed")
            return _page("trouble")
        log.info("export %s… downloaded", token[:6])
        filename = SAFE_FILENAME.sub("_", taken.filename) or "export.zip"
        # Admin exports are zips, reports PDFs; a booked meeting's invitation is an .ics file.
        kind = next((kind for ending, kind in KINDS.items() if filename.endswith(ending)),
                    "application/zip")
        return web.Response(body=taken.content, content_type=kind, headers={
            **HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})

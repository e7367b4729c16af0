"""The local web chat: a page where one acts as any demo person and talks to the bot.

There is no sign-in: whoever may use the page can act as anyone, including the admins listed
in app.yaml. So who may use it is decided up front (adapters/web/access.py): requests from this
machine to a loopback address, or, on a network address, requests carrying WEB_CHAT_TOKEN.
Two cheap guards also keep other websites open in the same browser from driving it: POSTs must
be `application/json` (a cross-site page cannot send that without a CORS preflight we never
answer), and a present Origin must be our own.

Events take the same path as Slack and Teams (Inbound.handle), so the web chat exercises the
real flows and database; proactive messages go through the outbox into WebChatMessage rows.
What every answer looks like (errors, refusals, the guards around each route) is replies.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from adapters.files import Refusal
from adapters.request_kind import name_kind
from adapters.web import history, inbox
from adapters.web.access import WebAccess
from adapters.web.demo_clock import DemoClockRoutes
from adapters.web.messenger import WebMessenger
from adapters.web.replies import error, friendly, guarded, response_json
from adapters.web.requests import (
    AFTER,
    BAD_USER,
    MAX_NAME,
    NOT_OBJECT,
    USER_ID,
    BadRequest,
    event_from,
    read_json,
    text_field,
)
from config.program import Program
from core.clock import Clock, DemoClock
from core.events import Action, Address, Command, FormSubmission
from core.text import one_line
from runtime.inbound import SORRY, Inbound
from storage.database import Database

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {  # nothing else is served
    "app.js": "text/javascript", "markup.js": "text/javascript", "fields.js": "text/javascript",
    "style.css": "text/css",
}
PAGE_HEADERS = {
    # Everything the page needs comes from this service; nothing downloads from elsewhere.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


_KINDS: dict[type, str] = {Command: "command", Action: "action", FormSubmission: "form"}



class WebChatAdapter:
    platform = "web"

    def __init__(
        self,
        program: Program,
        inbound: Inbound,
        database: Database,
        clock: Clock,
        *,
        access: WebAccess,
        deliver_now: Callable[[Sequence[int] | None], Awaitable[Any]],
        demo_clock: DemoClock | None = None,
        tick: Callable[[], Awaitable[dict[str, int]]] | None = None,
    ) -> None:
        self.access = access
        self._clock = clock
        # Only `turnabout demo` passes a clock to move; everywhere else time travel is absent.
        self._demo = DemoClockRoutes(demo_clock, tick) if demo_clock and tick else None
        self._program = program
        self._inbound = inbound
        self._database = database
        self._deliver_now = deliver_now
        self._demo_names = {p.id: p.name for p in program.web_chat.people}
        self.messenger = WebMessenger(database, clock)

    def add_routes(self, app: web.Application) -> None:
        page, api = self.access.page_refusal, self.access.api_refusal
        app.router.add_get("/", guarded(page, self._page))
        app.router.add_get("/web/static/{name}", guarded(page, self._static))
        app.router.add_get("/web/api/people", guarded(api, friendly(self._people)))
        app.router.add_post("/web/api/people", guarded(api, friendly(self._add_person)))
        app.router.add_post("/web/api/read", guarded(api, friendly(self._read)))
        if self._demo is not None:
            app.router.add_get("/web/api/clock", guarded(api, friendly(self._clock_now)))
            app.router.add_post("/web/api/clock", guarded(api, friendly(self._clock_move)))
        app.router.add_post("/web/api/events", guarded(api, friendly(self._events)))
        app.router.add_get("/web/api/inbox", guarded(api, friendly(self._inbox)))

    def download_refusal(self, request: web.Request) -> Refusal | None:
        """The rule for export links made in the web chat: the same as for its API."""
        return self.access.api_refusal(request)

    async def start(self) -> None:
        if self.access.networked:
            log.info("web chat on for anyone holding WEB_CHAT_TOKEN; they can act as anyone")
        else:
            log.info("web chat on for this machine only: anyone using it can act as anyone")

    async def stop(self) -> None:
        return None

    async def _page(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "page", routine=True)
        return web.FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    async def _static(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "page", routine=True)
        name = request.match_info["name"]
        if name not in STATIC_FILES:
            return error("There's no such file.", status=404)
        return web.FileResponse(STATIC_DIR / name, headers={
            "Content-Type": STATIC_FILES[name], **PAGE_HEADERS})

    async def _people(self, request: web.Request) -> web.Response:
        """Who the page lists: app.yaml's people, then everyone added (for every browser)."""
        name_kind(request, "people", routine=True)
        async with self._database.session() as session:
            added = await inbox.listed(session)
            people = [{"id": p.id, "name": p.name} for p in self._program.web_chat.people]
            people += [{"id": p.user_id, "name": p.name} for p in added
                       if p.user_id not in self._demo_names]
            unread = await inbox.unread(session, [p["id"] for p in people])
        for person in people:
            person.update(admin=self._is_admin(person["id"]), unread=unread.get(person["id"], 0))
        return web.json_response({"people": people, "program": self._program.name,
                                  "demo": self._demo is not None})

    async def _add_person(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "add-person")
        body = await self._posted(request)
        user, name = body.get("user"), one_line(text_field(body, "name", MAX_NAME))
        if not isinstance(user, str) or not USER_ID.match(user):
            raise BadRequest(BAD_USER)
        if not name:
            raise BadRequest("Give the new person a name, like “Lee”.")
        async with self._database.session() as session:
            await inbox.add_person(session, user, name, self._clock.now())
        return web.json_response({"id": user, "name": name})

    async def _read(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "read", routine=True)
        body = await self._posted(request)
        user, upto = body.get("user"), body.get("upto")
        if not isinstance(user, str) or not USER_ID.match(user):
            raise BadRequest(BAD_USER)
        if not isinstance(upto, int) or isinstance(upto, bool) or upto < 0:
            raise BadRequest("“upto” must be a message id: a whole number.")
        async with self._database.session() as session:
            await inbox.mark_read(session, user, upto, self._clock.now())
        return web.json_response({"ok": True})

    async def _clock_now(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "clock", routine=True)
        assert self._demo is not None
        return web.json_response(self._demo.now())

    async def _clock_move(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "clock")
        assert self._demo is not None
        body = await self._posted(request)
        try:
            return web.json_response(await self._demo.move(body))
        except ValueError as exc:
            raise BadRequest(str(exc)) from None

    async def _posted(self, request: web.Request) -> dict[str, Any]:
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="The web chat only answers its own page.")
        body = await read_json(request)
        if not isinstance(body, dict):
            raise BadRequest(NOT_OBJECT)
        return body

    def _is_admin(self, user_id: str) -> bool:
        return self._program.admins.includes(Address("web", user_id))

    async def _events(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "invalid")
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            return error("The web chat only answers its own page.", status=403)
        body = await read_json(request)
        event = event_from(body, self._demo_names)
        name_kind(request, _KINDS.get(type(event), "other"))
        user = event.sender.user_id
        assert isinstance(body, dict)
        typed = history.typed_of(event, body)
        async with self._database.session() as session:
            refused = await history.refusal(session, user, event, history.row_id_of(body))
            if refused is None and typed is not None:
                # Before the event runs, so what it sends proactively comes after it.
                await inbox.record(session, user, {"kind": inbox.TYPED, "text": typed},
                                   self._clock.now(), f"{inbox.CHAT}{event.event_id}:typed")
        if refused is not None:
            return error(refused, status=409)
        response = await self._inbound.handle(event)
        if response.failed:
            # Never a 200 that reads like success: the page keeps the form and its answers.
            text = response.messages[0].text if response.messages else SORRY
            return error(text, status=503)
        result = response_json(response)
        async with self._database.session() as session:
            result.update(await history.record_reply(session, user, event, body, result,
                                                     self._clock.now()))
        try:
            # Deliver this event's own rows now, so a welcome or other proactive message is in
            # the inbox by the time the page polls right after this answer; rows the delivery
            # loop took first are waited for, never a pass over the whole outbox. On failure
            # the delivery loop retries.
            await self._deliver_now(response.queued)
        except Exception:
            log.exception("web chat: delivering after %s failed", event.event_id)
        return web.json_response(result)

    async def _inbox(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "poll", routine=True)
        user = request.query.get("user", "")
        after = request.query.get("after", "0")
        if not USER_ID.match(user):
            raise BadRequest(BAD_USER)
        if not AFTER.match(after):
            raise BadRequest("“after” must be a message id: a whole number, 0 for everything.")
        async with self._database.session() as session:
            rows = await inbox.newer_than(session, user, int(after))
            last_read = await inbox.last_read(session, user)
        entries = history.entries_of(rows)
        # Older clients and tests read "messages": the proactive ones, as before.
        messages = [{"id": e["id"], "message": e["message"], "at": e["at"]}
                    for e in entries if e["kind"] == "proactive"]
        return web.json_response({"entries": entries, "messages": messages,
                                  "last_read": last_read})

"""The local web chat: a page where one acts as any demo person and talks to the bot.

There is no sign-in: whoever may use the page can act as anyone, including the admins listed
in app.yaml. So who may use it is decided up front (adapters/web/access.py): requests from this
machine to a loopback address, or, on a network address, requests carrying WEB_CHAT_TOKEN.
Two cheap guards also keep other websites open in the same browser from driving it: POSTs must
be `application/json` (a cross-site page cannot send that without a CORS preflight we never
answer), and a present Origin must be our own.

Events take the same path as Slack and Teams (Inbound.handle), so the web chat exercises the
real flows and database; proactive messages go through the outbox into WebChatMessage rows.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from adapters.files import Refusal, download_path
from adapters.request_kind import name_kind
from adapters.web.access import WebAccess
from adapters.web.messenger import WebMessenger
from config.program import Program
from core.clock import Clock
from core.events import Action, Address, Command, Event, FormSubmission, Profile
from core.messages import Response
from core.text import one_line
from runtime.inbound import SORRY, Inbound
from storage import web_chat
from storage.database import Database

log = logging.getLogger(__name__)

USER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
AFTER = re.compile(r"^[0-9]{1,18}$")
MAX_BODY = 16 * 1024  # far above any real command or survey; the core answers > 2,000 chars
MAX_NAME = 60
MAX_FIELDS = 50
MAX_CHOICES = 100
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {"app.js": "text/javascript", "style.css": "text/css"}  # nothing else is served
PAGE_HEADERS = {
    # Everything the page needs comes from this service; nothing downloads from elsewhere.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

BAD_USER = ("Pick who you're acting as: an id like “jo” "
            "(lowercase letters, digits, . _ -; up to 40).")
NOT_JSON = "That request wasn't valid JSON."
NOT_OBJECT = 'Send a JSON object, like {"user": "jo", "command": "help"}.'
TOO_BIG = f"That request is too large (the web chat takes up to {MAX_BODY // 1024} kB)."
ONE_SHAPE = "Send exactly one of: a command, a button press (action_id) or a form (form_id)."

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_KINDS: dict[type, str] = {Command: "command", Action: "action", FormSubmission: "form"}


class BadRequest(Exception):
    """Input the page (or someone with curl) got wrong; answered with a 400 and this text."""


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _refused(refusal: Refusal) -> web.Response:
    # Bearer, not Basic: a browser must not pop up its own password dialog.
    headers = {"WWW-Authenticate": 'Bearer realm="web chat"'} if refusal.status == 401 else {}
    return web.json_response({"error": refusal.text}, status=refusal.status, headers=headers)


def _friendly(handler: Handler) -> Handler:
    """Bad input gets a 400 with a sentence; anything else is logged, never a stack trace."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except BadRequest as exc:
            return _error(str(exc))
        except web.HTTPException:
            raise
        except Exception:
            log.exception("web chat request %s %s failed", request.method, request.path)
            return _error(SORRY, status=503)

    return wrapped


def _guarded(refusal_of: Callable[[web.Request], Refusal | None], handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        refusal = refusal_of(request)
        return _refused(refusal) if refusal is not None else await handler(request)

    return wrapped


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
        deliver_now: Callable[[Sequence[int]], Awaitable[Any]],
    ) -> None:
        self.access = access
        self._program = program
        self._inbound = inbound
        self._database = database
        self._deliver_now = deliver_now
        self._demo_names = {p.id: p.name for p in program.web_chat.people}
        self.messenger = WebMessenger(database, clock)

    def add_routes(self, app: web.Application) -> None:
        page, api = self.access.page_refusal, self.access.api_refusal
        app.router.add_get("/", _guarded(page, self._page))
        app.router.add_get("/web/static/{name}", _guarded(page, self._static))
        app.router.add_get("/web/api/people", _guarded(api, self._people))
        app.router.add_post("/web/api/events", _guarded(api, _friendly(self._events)))
        app.router.add_get("/web/api/inbox", _guarded(api, _friendly(self._inbox)))

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
            return _error("There's no such file.", status=404)
        return web.FileResponse(STATIC_DIR / name, headers={
            "Content-Type": STATIC_FILES[name], **PAGE_HEADERS})

    async def _people(self, request: web.Request) -> web.Response:
        name_kind(request, "people", routine=True)
        people = [{"id": p.id, "name": p.name, "admin": self._is_admin(p.id)}
                  for p in self._program.web_chat.people]
        return web.json_response({"people": people, "program": self._program.name})

    def _is_admin(self, user_id: str) -> bool:
        return self._program.admins.includes(Address("web", user_id))

    async def _events(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "invalid")
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            return _error("The web chat only answers its own page.", status=403)
        event = event_from(await _read_json(request), self._demo_names)
        name_kind(request, _KINDS.get(type(event), "other"))
        response = await self._inbound.handle(event)
        if response.failed:
            # Never a 200 that reads like success: the page keeps the form and its answers.
            text = response.messages[0].text if response.messages else SORRY
            return _error(text, status=503)
        try:
            # Deliver now, so a welcome or other proactive message is in the inbox by the time
            # the page polls right after this answer. On failure the delivery loop retries.
            await self._deliver_now(response.queued)
        except Exception:
            log.exception("web chat: delivering after %s failed", event.event_id)
        return web.json_response(response_json(response))

    async def _inbox(self, request: web.Request) -> web.StreamResponse:
        name_kind(request, "poll", routine=True)
        user = request.query.get("user", "")
        after = request.query.get("after", "0")
        if not USER_ID.match(user):
            raise BadRequest(BAD_USER)
        if not AFTER.match(after):
            raise BadRequest("“after” must be a message id: a whole number, 0 for everything.")
        async with self._database.session() as session:
            rows = await web_chat.newer_than(session, user, int(after))
        messages = []
        for row in rows:
            try:
                message = json.loads(row.payload)
            except ValueError:
                log.warning("web chat message %s is not JSON; skipped", row.id)
                continue
            messages.append({"id": row.id, "message": with_download_link(message),
                             "at": row.created_at.isoformat()})
        return web.json_response({"messages": messages})


async def _read_json(request: web.Request) -> object:
    if request.content_type != "application/json":
        raise BadRequest("Send JSON, with the header Content-Type: application/json.")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BadRequest(TOO_BIG)
    body = bytearray()
    # Read the stream ourselves: a chunked body has no Content-Length to check up front.
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > MAX_BODY:
            raise BadRequest(TOO_BIG)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest(NOT_JSON) from None


def event_from(body: object, demo_names: dict[str, str]) -> Event:
    """The neutral event a request body describes; BadRequest says what is wrong with it."""
    if not isinstance(body, dict):
        raise BadRequest(NOT_OBJECT)
    user = body.get("user")
    if not isinstance(user, str) or not USER_ID.match(user):
        raise BadRequest(BAD_USER)
    name = _text(body, "name", MAX_NAME)
    request_id = body.get("request_id")
    if request_id is None:
        request_id = uuid.uuid4().hex
    elif not isinstance(request_id, str) or not REQUEST_ID.match(request_id):
        raise BadRequest("“request_id” must be a short id such as a UUID.")
    timezone = body.get("timezone")
    # The browser's guess only pre-fills the survey; something odd is dropped, not refused.
    zone = timezone if isinstance(timezone, str) and 0 < len(timezone) <= 64 else None
    sender = Address("web", user)
    profile = Profile(display_name=one_line(name or demo_names.get(user, "")) or None,
                      timezone=zone)
    event_id = f"web:{user}:{request_id}"
    shapes = [key for key in ("command", "action_id", "form_id") if key in body]
    if len(shapes) != 1:
        raise BadRequest(ONE_SHAPE)
    if shapes[0] == "command":
        command = body["command"]
        if not isinstance(command, str):
            raise BadRequest("“command” must be text, like “join” or “help”.")
        return Command(sender, command, event_id, profile)
    if shapes[0] == "action_id":
        action_id = _text(body, "action_id", 100, required=True)
        value = _text(body, "value", 500) or ""
        return Action(sender, action_id, value, event_id, profile)
    form_id = _text(body, "form_id", 100, required=True)
    context = _text(body, "context", 500) or ""
    return FormSubmission(sender, form_id, _form_values(body.get("values")), event_id, profile,
                          context)


def _text(body: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value) or len(value) > limit:
        raise BadRequest(f"“{key}” must be text of up to {limit} characters.")
    return value


def _form_values(raw: object) -> dict[str, str | tuple[str, ...]]:
    """Answers as FormSubmission wants them: text as str, multi-choice lists as tuples."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_FIELDS:
        raise BadRequest("“values” must be an object of field names and answers.")
    values: dict[str, str | tuple[str, ...]] = {}
    for name, value in raw.items():
        if len(name) > 64:
            raise BadRequest("Form field names are at most 64 characters.")
        if value is None:
            continue
        if isinstance(value, str):
            values[name] = value
        elif (isinstance(value, list) and len(value) <= MAX_CHOICES
              and all(isinstance(item, str) for item in value)):
            values[name] = tuple(value)
        else:
            raise BadRequest("Each form answer must be text or a list of chosen options.")
    return values


def with_download_link(message: Any) -> Any:
    """An attachment gets the path of its one-time download, relative so it works on whatever
    address the page was opened (localhost or 127.0.0.1 alike)."""
    attachment = message.get("attachment") if isinstance(message, dict) else None
    if not isinstance(attachment, dict) or not isinstance(attachment.get("token"), str):
        return message
    return {**message, "attachment": {**attachment,
                                      "download_url": download_path(attachment["token"])}}


def response_json(response: Response) -> dict[str, Any]:
    return {
        "messages": [with_download_link(message.to_json()) for message in response.messages],
        "form": asdict(response.form) if response.form is not None else None,
        "errors": dict(response.errors),
        "close_form": response.close_form,
    }

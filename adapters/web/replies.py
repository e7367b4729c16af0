"""The web chat's JSON replies: errors as a sentence, refusals, and the wrappers that make sure
a handler never answers with a stack trace or skips the access check.

Apart from the adapter (its routes and handlers) so what every answer looks like is decided in
one place: the page reads {"error": ...} for anything that is not a bot response.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from aiohttp import web

from adapters.files import Refusal
from adapters.web.history import with_download_link
from adapters.web.requests import BadRequest
from core.messages import Response
from runtime.inbound import SORRY

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


def refused(refusal: Refusal) -> web.Response:
    # Bearer, not Basic: a browser must not pop up its own password dialog.
    headers = {"WWW-Authenticate": 'Bearer realm="web chat"'} if refusal.status == 401 else {}
    return web.json_response({"error": refusal.text}, status=refusal.status, headers=headers)


def friendly(handler: Handler) -> Handler:
    """Bad input gets a 400 with a sentence; anything else is logged, never a stack trace."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except BadRequest as exc:
            return error(str(exc))
        except web.HTTPException:
            raise
        except Exception:
            log.exception("web chat request %s %s failed", request.method, request.path)
            return error(SORRY, status=503)

    return wrapped


def guarded(refusal_of: Callable[[web.Request], Refusal | None], handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        refusal = refusal_of(request)
        return refused(refusal) if refusal is not None else await handler(request)

    return wrapped


def response_json(response: Response) -> dict[str, Any]:
    return {
        "messages": [with_download_link(message.to_json()) for message in response.messages],
        "form": asdict(response.form) if response.form is not None else None,
        "errors": dict(response.errors),
        "close_form": response.close_form,
    }

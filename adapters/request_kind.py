"""How an adapter names the kind of request it is serving, for the metrics and the log line the
composition root writes for every request (bot/observe.py). Kinds are a short fixed vocabulary
per platform: never a value copied from the request, which anyone could vary without end."""

from __future__ import annotations

from aiohttp import web

KIND = web.RequestKey("turnabout.kind", str)
ROUTINE = web.RequestKey("turnabout.routine", bool)


def name_kind(request: web.Request, kind: str, *, routine: bool = False) -> None:
    """`routine`: requests that come all the time on their own (a page polling), logged only
    at debug level."""
    request[KIND] = kind
    request[ROUTINE] = routine

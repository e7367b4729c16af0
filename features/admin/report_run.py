"""`admin report` off the request path: the task the command starts reads the figures, has the
page drawn in the worker process (matplotlib is seconds of CPU that would otherwise hold the
event loop, even from a thread, through the GIL) and sends the file through the outbox.

Exactly once: the request's row moves from pending to sent in the same transaction that stores
the file and queues the message under the request's own key, so a second run of the same
request (a retry, another replica) sends nothing. While it is built it beats
(features/run_beats.py); a request left by a process that stopped is ended and told to its
admin by the next sweep or `admin report`.
"""

from __future__ import annotations

import logging
import secrets

from core import keys
from core.context import Context
from core.messages import FileRef, Message
from core.outgoing import Outgoing
from features.admin.report import build, filename
from features.admin.report_page import render
from features.people import address_of
from features.registry import Work
from features.run_beats import STALE, beating
from storage import exports, reports, task_runs
from storage.models import Cohort, Person, ReportRequest

log = logging.getLogger(__name__)

FAILED = ("Your report could not be built because of an error on our side. Nothing was sent "
          "to anyone. Type `admin report` to try again.")


STOPPED = ("Your report didn't finish: the service building it was restarted. Nothing was sent "
           "to anyone. Type `admin report` to try again.")


async def tell_stopped(ctx: Context) -> int:
    """End the requests left by a process that stopped and tell each admin once, under the
    request's own key (so a report that was sent is never followed by this)."""
    stopped = await task_runs.abandon_stale(ctx.session, ReportRequest, reports.PENDING,
                                            ctx.now() - STALE, ctx.now())
    for request in stopped:
        await _tell(ctx, request.id, Message(text=STOPPED))  # type: ignore[arg-type]
    return len(stopped)


async def run_report(work: Work, request_id: int) -> None:
    async with beating(work, ReportRequest, reports.PENDING, request_id):
        await _run_report(work, request_id)


async def _run_report(work: Work, request_id: int) -> None:
    async with work.unit() as ctx:
        request = await ctx.session.get(ReportRequest, request_id)
        if request is None or request.status != reports.PENDING:
            return
        cohort = (await ctx.session.get(Cohort, request.cohort_id)
                  if request.cohort_id is not None else None)
        report = await build(ctx, cohort)
        name = filename(ctx.now().date(), cohort.name if cohort else None)
        title = "Your report" + (f" on cohort “{cohort.name}”" if cohort else "")
    try:
        content = await work.offload(render, report)
    except Exception:
        log.exception("leadership report %s failed", request_id)
        async with work.unit() as ctx:
            if await reports.finish(ctx.session, request_id, "failed", ctx.now()):
                await _tell(ctx, request_id, Message(text=FAILED))
        return
    async with work.unit() as ctx:
        now = ctx.now()
        if not await reports.finish(ctx.session, request_id, "sent", now):
            return
        request = await ctx.session.get(ReportRequest, request_id)
        if request is None or request.admin_id is None:  # the admin's data was deleted meanwhile
            return
        await exports.purge_expired(ctx.session, now)
        token = secrets.token_urlsafe(24)
        await exports.create_link(ctx.session, token=token, person_id=request.admin_id,
                                  filename=name, content=content, now=now)
        await _tell(ctx, request_id, Message(
            title=title,
            text=(f"*{name}*: one page for leadership with the summary, goals, charts and "
                  "figures, under the same privacy rules as `admin stats`."),
            attachment=FileRef(token, name, len(content))))


async def _tell(ctx: Context, request_id: int, message: Message) -> None:
    request = await ctx.session.get(ReportRequest, request_id)
    admin = (await ctx.session.get(Person, request.admin_id)
             if request is not None and request.admin_id is not None else None)
    if admin is None:
        return
    await ctx.queue(Outgoing.dm(keys.report(request_id), address_of(admin), message))

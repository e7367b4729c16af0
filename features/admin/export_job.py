"""`admin export` without making anyone wait: the admin hears at once that it is being prepared,
the files are read and zipped in the worker process, and the zip arrives as a private message.

At 100,000 people reading every table and compressing it is seconds of work; on the event loop
that stalled every other person's reply for as long. The worker opens its own database
connection (as a matching round's does, features/matching/round_run.py); this process only
stores the zip behind a one-time link and queues the message.

Exactly once: the run's row, written with the command, is the marker. Publishing turns it from
running to done in the same transaction that queues the message, so a run finished twice sends
one file. While it is prepared it beats (features/run_beats.py), and a run left by a process
that stopped is ended and told to its admin by the next sweep or `admin export`; one export is
made at a time. A person forgotten while it ran drops it (storage.exports.forget_made_since): the zip
might list them, so it is never sent and the admin is asked to start again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from config.program import Program
from config.prompt_catalog import Catalog
from core import keys
from core.clock import FrozenClock
from core.context import Context
from core.messages import FileRef, Message, Response
from core.outgoing import Capabilities, Outgoing
from features.admin.export import (
    PREPARING,
    README,
    filename_for,
    find_cohort,
    pack,
    summary,
    tables_of,
)
from features.feedback.results import release_due
from features.people import address_of
from features.registry import Work
from features.run_beats import STALE, beating
from storage import exports, task_runs
from storage.database import Database
from storage.models import Cohort, ExportRun, Person

log = logging.getLogger(__name__)

TASK = "admin_export"
AGAIN = "Type `admin export` to try again."


async def export_command(ctx: Context, admin: Person, args: str) -> Response:
    cohort, problem = await find_cohort(ctx, args)
    if problem is not None:
        return Response.say(problem)
    await tell_stopped(ctx)
    run_id = await exports.start_run(ctx.session, admin.id, cohort.id if cohort else None,
                                     ctx.now())
    if run_id is None:
        running = await exports.running_run(ctx.session)
        whose = ("Your export" if running is not None and running.admin_id == admin.id
                 else "An export another admin asked for")
        since = f" (started {running.started_at:%H:%M} UTC)" if running is not None else ""
        return Response.say(
            f"{whose} is already being prepared{since} and arrives as a private message to "
            "whoever asked. One export is made at a time: wait for it, then type "
            "`admin export` again if you need another.")
    ctx.start(TASK, run_id)
    return Response.say(PREPARING)


async def tell_stopped(ctx: Context) -> int:
    """End the exports left by a process that stopped (a restart, a crashed replica) and tell
    each admin once: the conditional update lets one replica end a run, and the outbox key
    keeps the message single even so."""
    stopped = await task_runs.abandon_stale(ctx.session, ExportRun, exports.RUNNING,
                                            ctx.now() - STALE, ctx.now())
    for run in stopped:
        await _tell(ctx, run, keys.export(f"stopped:{run.id}"), Message(
            text=f"Your export didn't finish: the service preparing it was restarted. {AGAIN}"))
    return len(stopped)


@dataclass(frozen=True)
class Packed:
    """What the worker sends back: the zip, and each file's name and number of rows."""

    content: bytes
    rows: tuple[tuple[str, int], ...]


class _ReadOnly:
    """The outbox of the worker's reads: they queue nothing (messages go from this process)."""

    def capabilities(self, platform: str) -> Capabilities:
        return Capabilities()

    async def queue(self, session: AsyncSession, now: datetime,
                    items: Sequence[Outgoing]) -> list[int]:
        raise RuntimeError("an export's reads queue no messages")

    async def refresh_homes(self, session: AsyncSession, now: datetime,
                            people: Sequence[object]) -> list[int]:
        raise RuntimeError("an export's reads queue no messages")


def build(database_url: str, program: Program, at: datetime, cohort_id: int | None,
          cohort: str | None) -> Packed:
    """In the worker process: read every file over its own connection and zip them."""
    return asyncio.run(_build(database_url, program, at, cohort_id, cohort))


async def _build(database_url: str, program: Program, at: datetime, cohort_id: int | None,
                 cohort: str | None) -> Packed:
    database = Database(database_url)
    try:
        async with database.session() as session:
            ctx = Context(session, program, FrozenClock(at), Catalog((), ()), _ReadOnly())
            tables = await tables_of(ctx, cohort_id)
    finally:
        await database.dispose()
    readme = README.format(program=program.name, when=f"{at:%Y-%m-%d %H:%M}",
                           scope=f", cohort “{cohort}”" if cohort else "",
                           minimum=program.privacy.min_group_size)
    return Packed(pack(tables, readme, at), tuple((t.filename, len(t.rows)) for t in tables))


async def run_export(work: Work, run_id: int) -> None:
    """The task `export_command` started: read and zip in the worker, then send the file."""
    async with work.unit() as ctx:
        run = await ctx.session.get(ExportRun, run_id)
        if run is None or run.status != exports.RUNNING:
            return
        # Results due for release are fixed here, in this process: the worker only reads.
        await release_due(ctx)
        cohort = await ctx.session.get(Cohort, run.cohort_id) if run.cohort_id else None
        at, program, name = ctx.now(), ctx.program, cohort.name if cohort else None
    try:
        async with beating(work, ExportRun, exports.RUNNING, run_id):
            packed = await work.offload(build, work.database_url, program, at, run.cohort_id,
                                        name)
    except Exception:
        log.exception("export run %s failed", run_id)
        async with work.unit() as ctx:
            if (run := await exports.finish_run(ctx.session, run_id, "failed", ctx.now())):
                await _tell(ctx, run, keys.export(f"failed:{run_id}"), Message(
                    text=f"Your export stopped before it finished because of an error on our "
                         f"side. {AGAIN}"))
        return
    async with work.unit() as ctx:
        await _publish(ctx, run_id, packed, name)


async def _publish(ctx: Context, run_id: int, packed: Packed, cohort: str | None) -> None:
    now = ctx.now()
    run = await exports.finish_run(ctx.session, run_id, "done", now)
    if run is None:
        dropped = await ctx.session.get(ExportRun, run_id)
        if dropped is not None and dropped.status == "dropped":
            await _tell(ctx, dropped, keys.export(f"dropped:{run_id}"), Message(
                text="Someone's data was deleted while your export was being prepared, so it "
                     f"wasn't sent: it might still have listed them. {AGAIN}"))
        return
    if run.admin_id is None:  # the admin's data was deleted meanwhile
        return
    await exports.purge_expired(ctx.session, now)
    token = secrets.token_urlsafe(24)
    filename = filename_for(now.date(), cohort)
    await exports.create_link(ctx.session, token=token, person_id=run.admin_id,
                              filename=filename, content=packed.content, now=now)
    file = FileRef(token, filename, len(packed.content))
    await _tell(ctx, run, keys.export(token),
                summary(ctx.program.privacy.min_group_size, cohort, packed.rows, file))


async def _tell(ctx: Context, run: ExportRun, key: str, message: Message) -> None:
    admin = await ctx.session.get(Person, run.admin_id) if run.admin_id is not None else None
    if admin is None:
        return
    await ctx.queue(Outgoing.dm(key, address_of(admin), message))

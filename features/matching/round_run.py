"""`admin match` without making anyone wait: the admin hears at once that a round is under
way, the pool is read and solved in a worker process, and the preview arrives as a message.

A 10,000 x 10,000 round reads 20,000 people and takes seconds of CPU. Reading the pool through
the ORM on the event loop alone stalled everyone's acks for over 2 s, so the worker opens its own
database connection, reads the pool, solves and encodes the proposal; this process only stores
the result and queues the preview (bench/match_acks.py).

Exactly once: the run's row, written with the command, is the marker. Only one can be running
(a partial unique index), whichever replica or admin tries; a second `admin match` hears that
one is under way. The run beats while it works; one whose beat is older than STALE was left by a
process that stopped, and the next `admin match` takes over, telling the first admin.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timedelta

from config.program import Program
from core import keys
from core.context import Context
from core.messages import Message, Response
from core.outgoing import Outgoing
from features.matching.engine import Proposal, propose
from features.matching.pool import Pool, read_pool, rules, topic_labels, weights
from features.matching.round import encode, nobody_to_match, record_round, shown_people
from features.people import address_of
from features.registry import Work
from storage import match_runs
from storage.database import Database
from storage.models import MatchRun, Person

log = logging.getLogger(__name__)

TASK = "match_round"
BEAT_SECONDS = 20.0
STALE = timedelta(minutes=3)  # several missed beats: the process running it has stopped
AGAIN = "Nothing was changed and nobody was told anything. Type `admin match` to try again."


async def start_round(ctx: Context, admin: Person) -> Response:
    counts = await match_runs.waiting_count(ctx.session,
                                            ctx.program.matching.max_mentees_per_mentor)
    mentors, mentees = counts.get("mentor", 0), counts.get("mentee", 0)
    nobody = nobody_to_match(mentors, mentees)
    if nobody is not None:
        return Response.say(nobody)
    for stale in await match_runs.abandon_stale(ctx.session, ctx.now() - STALE, ctx.now()):
        await _tell(ctx, stale, keys.round_stopped(stale.id),  # type: ignore[arg-type]
                    "Your matching round stopped before it finished: the service running it "
                    f"was restarted. {AGAIN}")
    people = mentors + mentees
    run_id = await match_runs.start(ctx.session, admin.id, people, ctx.now())
    if run_id is None:
        running = await match_runs.running(ctx.session)
        since = f" (started {running.started_at:%H:%M} UTC)" if running else ""
        return Response.say(
            f"A matching round is already running{since}; its preview goes to whoever started "
            "it. Only one round runs at a time, so wait for that one, then confirm or discard it.")
    ctx.start(TASK, run_id)
    return Response.say(f"Working on a round for {people:,} people… "
                        "I'll send you the preview here as soon as it's ready.")


@dataclass(frozen=True)
class Computed:
    """What the worker sends back: the proposal and its stored form, or who was missing."""

    mentors: int
    mentees: int
    proposal: Proposal | None = None
    encoded: str = ""


def compute(database_url: str, program: Program, at: datetime) -> Computed:
    """In the worker process: read the pool over its own connection, solve, encode."""
    return asyncio.run(_compute(database_url, program, at))


async def _compute(database_url: str, program: Program, at: datetime) -> Computed:
    database = Database(database_url)
    try:
        async with database.session() as session:
            pool = await read_pool(session, program)
    finally:
        await database.dispose()
    if not pool.mentors or not pool.mentees:
        return Computed(len(pool.mentors), len(pool.mentees))
    proposal = propose(pool.mentors, pool.mentees, weights(program), rules(program),
                       pool.forbidden, topic_labels(program), at=at, blocked=pool.blocked)
    return Computed(len(pool.mentors), len(pool.mentees), proposal, encode(proposal))


async def run_round(work: Work, run_id: int) -> None:
    """The task `start_round` started: compute in the worker, then publish the preview."""
    async with work.unit() as ctx:
        run = await ctx.session.get(MatchRun, run_id)
        if run is None or run.status != match_runs.RUNNING:
            return
        at, program = ctx.now(), ctx.program
    beating = asyncio.create_task(_beat(work, run_id))
    try:
        computed = await work.offload(compute, work.database_url, program, at)
    except BrokenProcessPool:
        log.error("the matching worker died during run %s", run_id)
        await _fail(work, run_id, "Your matching round stopped before it finished: the process "
                    "computing it crashed (a very large pool can run out of memory).")
        return
    except Exception:
        log.exception("matching run %s failed", run_id)
        await _fail(work, run_id, "Your matching round stopped before it finished because of "
                    "an error on our side.")
        return
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    async with work.unit() as ctx:
        await _publish(ctx, run_id, computed)


async def _publish(ctx: Context, run_id: int, computed: Computed) -> None:
    proposal = computed.proposal
    if proposal is None:
        run = await match_runs.finish(ctx.session, run_id, "empty", ctx.now())
        if run is not None:
            await _tell(ctx, run, keys.round_preview(run_id),
                        nobody_to_match(computed.mentors, computed.mentees) or "")
        return
    run = await match_runs.finish(ctx.session, run_id, "previewed", ctx.now())
    if run is None:
        log.warning("matching run %s was taken over while it ran; its result is dropped", run_id)
        return
    people = {i: p for i in shown_people(proposal)
              if (p := await ctx.session.get(Person, i)) is not None}
    pool = Pool((), (), frozenset(), people)
    round_, preview = await record_round(ctx, run.admin_id, proposal, computed.encoded, pool)
    run.round_id = round_.id
    await _tell(ctx, run, keys.round_preview(run_id), preview)


async def _fail(work: Work, run_id: int, what: str) -> None:
    async with work.unit() as ctx:
        run = await match_runs.finish(ctx.session, run_id, "failed", ctx.now())
        if run is not None:
            await _tell(ctx, run, keys.round_stopped(run_id), f"{what} {AGAIN}")


async def _beat(work: Work, run_id: int) -> None:
    while True:
        await asyncio.sleep(BEAT_SECONDS)
        try:
            async with work.unit() as ctx:
                await match_runs.beat(ctx.session, run_id, ctx.now())
        except Exception:  # a missed beat is retried; only several in a row look stale
            log.warning("matching run %s could not record that it is alive", run_id)


async def _tell(ctx: Context, run: MatchRun, key: str, message: Message | str) -> None:
    admin = await ctx.session.get(Person, run.admin_id) if run.admin_id is not None else None
    if admin is None:  # the admin's data was deleted meanwhile
        return
    if isinstance(message, str):
        message = Message(text=message)
    await ctx.queue(Outgoing.dm(key, address_of(admin), message))

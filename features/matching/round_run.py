"""`admin match` without making anyone wait: the admin hears at once that a round is under
way; a worker process reads the pool, solves, stores the round and queues its preview over a
database connection of its own, and sends back only a few counts.

Measured with bench/match_acks.py: reading a 10,000 x 10,000 pool through the ORM on the event
loop stalled everyone's acks for over 2 s, and so did the result crossing back (an 8 MB
pickle) and being stored from the loop (4.5 MB of JSON), for hundreds of ms.

Exactly once: the run's row, written with the command, is the marker. Only one can be running
(a partial unique index), whichever replica or admin tries; a second `admin match` hears that
one is under way. The run beats while it works; one whose beat is older than STALE was left by a
process that stopped, and the next `admin match` takes over, telling the first admin. The
worker ends the run, stores the round and queues the preview in one transaction, so a round
taken over meanwhile stores nothing and tells nobody.
"""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from core import keys
from core.context import Context
from core.messages import Message, Response
from core.outgoing import Outgoing
from features.matching.engine import propose
from features.matching.pool import read_pool, rules, topic_labels, weights
from features.matching.round import encode, nobody_to_match, record_round, without_full_mentors
from features.people import address_of
from features.registry import Units, Work
from features.run_beats import STALE, beating
from storage import match_runs
from storage.models import MatchRun, Person

log = logging.getLogger(__name__)

TASK = "match_round"
AGAIN = "Nothing was changed and nobody was told anything. Type `admin match` to try again."


async def start_round(ctx: Context, admin: Person) -> Response:
    counts = await match_runs.waiting_count(ctx.session,
                                            ctx.program.matching.max_mentees_per_mentor)
    mentors, mentees = counts.get("mentor", 0), counts.get("mentee", 0)
    nobody = nobody_to_match(mentors, mentees, counts.get("mentor_full", 0),
                             ctx.program.matching.max_mentees_per_mentor)
    if nobody is not None:
        return Response.say(nobody)
    await tell_stopped(ctx)
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


async def tell_stopped(ctx: Context) -> int:
    """End the rounds left by a process that stopped and tell each admin once (the sweep's
    job, and `admin match` before it starts one)."""
    stopped = await match_runs.abandon_stale(ctx.session, ctx.now() - STALE, ctx.now())
    for run in stopped:
        await _tell(ctx, run, keys.round_stopped(run.id),  # type: ignore[arg-type]
                    "Your matching round stopped before it finished: the service running it "
                    f"was restarted. {AGAIN}")
    return len(stopped)


@dataclass(frozen=True)
class Outcome:
    """All that crosses back from the worker: the round is stored and its preview queued."""

    status: str  # previewed, empty, gone (ended or taken over meanwhile)
    pairs: int = 0
    waiting: int = 0


async def run_round(work: Work, run_id: int) -> None:
    """The task `start_round` started: the worker computes, stores and previews the round."""
    async with work.unit() as ctx:
        run = await ctx.session.get(MatchRun, run_id)
        if run is None or run.status != match_runs.RUNNING:
            return
    async with beating(work, MatchRun, match_runs.RUNNING, run_id):
        try:
            outcome = await work.offload_units(compute_round, run_id)
        except BrokenProcessPool:
            log.error("the matching worker died during run %s", run_id)
            await _fail(work, run_id, "Your matching round stopped before it finished: the "
                        "process computing it crashed (a very large pool can run out of memory).")
            return
        except Exception:
            log.exception("matching run %s failed", run_id)
            await _fail(work, run_id, "Your matching round stopped before it finished because "
                        "of an error on our side.")
            return
    if outcome.status == "gone":
        log.warning("matching run %s was taken over while it ran; its result is dropped", run_id)


async def compute_round(units: Units, run_id: int) -> Outcome:
    """In the worker process: read the pool, solve outside any transaction (a long one would
    hold SQLite's writers back), then store the round, end the run and queue the preview in one
    transaction, so the preview goes out exactly once, and only if the run was still ours."""
    async with units.unit() as ctx:
        run = await ctx.session.get(MatchRun, run_id)
        if run is None or run.status != match_runs.RUNNING:
            return Outcome("gone")
        # Full mentors too, at no capacity: a mentee whose every fitting mentor is full
        # hears that, not that nobody teaches what they want to learn.
        pool = await read_pool(ctx.session, ctx.program, with_full=True)
        at, program = ctx.now(), ctx.program
    with_room = sum(1 for m in pool.mentors if m.capacity > 0)
    if not with_room or not pool.mentees:
        async with units.unit() as ctx:
            run = await match_runs.finish(ctx.session, run_id, "empty", ctx.now())
            if run is None:
                return Outcome("gone")
            await _tell(ctx, run, keys.round_preview(run_id), nobody_to_match(
                with_room, len(pool.mentees), len(pool.mentors) - with_room,
                program.matching.max_mentees_per_mentor) or "")
        return Outcome("empty")
    proposal = without_full_mentors(propose(
        pool.mentors, pool.mentees, weights(program), rules(program), pool.forbidden,
        topic_labels(program), at=at, blocked=pool.blocked), pool.mentors)
    encoded = encode(proposal)
    async with units.unit() as ctx:
        run = await match_runs.finish(ctx.session, run_id, "previewed", ctx.now())
        if run is None:
            return Outcome("gone")
        round_, preview = await record_round(ctx, run.admin_id, proposal, encoded, pool)
        run.round_id = round_.id
        await _tell(ctx, run, keys.round_preview(run_id), preview)
    return Outcome("previewed", len(proposal.pairs), len(proposal.waitlist))


async def _fail(work: Work, run_id: int, what: str) -> None:
    async with work.unit() as ctx:
        run = await match_runs.finish(ctx.session, run_id, "failed", ctx.now())
        if run is not None:
            await _tell(ctx, run, keys.round_stopped(run_id), f"{what} {AGAIN}")


async def _tell(ctx: Context, run: MatchRun, key: str, message: Message | str) -> None:
    admin = await ctx.session.get(Person, run.admin_id) if run.admin_id is not None else None
    if admin is None:  # the admin's data was deleted meanwhile
        return
    if isinstance(message, str):
        message = Message(text=message)
    await ctx.queue(Outgoing.dm(key, address_of(admin), message))

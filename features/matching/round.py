"""A matching round's preview (blind by default), and confirming or discarding it. The round
itself is computed off the event loop: features/matching/round_run.py."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from core import keys
from core.context import Context
from core.messages import Message, Response
from core.outgoing import Outgoing
from core.text import plural
from features.admin.cohorts import open_cohort
from features.matching.engine import Participant, Proposal
from features.matching.intros import introduce
from features.matching.pool import Pool
from features.matching.preview import preview
from features.matching.suggestions import suggest_buttons
from features.people import address_of, name_of
from storage import pairs, requests
from storage.models import MatchRound, Pair, Person, Status

CONFIRM, DISCARD = "match.confirm", "match.discard"


def nobody_to_match(mentors: int, mentees: int, full_mentors: int = 0,
                    per_mentor: int = 1) -> str | None:
    """Why no round can run, or None. `full_mentors`: mentors with no place left."""
    if mentors and mentees:
        return None
    if not mentors and full_mentors and mentees:
        who = ("The one junior mentor is" if full_mentors == 1
               else f"All {full_mentors:,} junior mentors are")
        return (
            f"{who} full: each already has "
            f"{plural(per_mentor, 'mentee')}, the most `matching.max_mentees_per_mentor` "
            f"allows, so the {plural(mentees, 'senior mentee')} waiting can't be matched yet. "
            "Invite more junior mentors to `join`, or raise that limit in app.yaml."
        )
    side = "junior mentors" if not mentors else "senior mentees"
    return (
        f"There's nobody to match yet: no {side} are waiting. "
        "People join with `join`; paused people and current pairs sit out."
    )


def without_full_mentors(proposal: Proposal, mentors: Sequence[Participant]) -> Proposal:
    """Full mentors join a round at no capacity only so that a mentee whose every fitting
    mentor is full is told so; they are not waiting for a match themselves."""
    full = {m.id for m in mentors if m.capacity <= 0}
    if not full:
        return proposal
    return replace(proposal, waitlist=tuple(
        w for w in proposal.waitlist if w.role != "mentor" or w.person_id not in full))


def encode(proposal: Proposal) -> str:
    """The proposal as its round stores it (in the worker: a large round's JSON takes a while)."""
    return json.dumps(_as_json(proposal))


async def record_round(
    ctx: Context, admin_id: int | None, proposal: Proposal, encoded: str, pool: Pool
) -> tuple[MatchRound, Message]:
    """Store a computed proposal as a round awaiting review, and its preview for the admin
    (in the worker process: a large round's JSON takes a while to store)."""
    round_ = MatchRound(proposal=encoded, created_by=admin_id, created_at=ctx.now())
    ctx.session.add(round_)
    await ctx.session.flush()
    return round_, await preview(ctx, round_, proposal, pool)


def _as_json(proposal: Proposal) -> dict:  # type: ignore[type-arg]
    return {
        "pairs": [
            {
                "mentor": p.mentor_id,
                "mentee": p.mentee_id,
                "score": round(p.score, 3),
                "reasons": list(p.reasons),
            }
            for p in proposal.pairs
        ],
        "waitlist": [
            {"person": w.person_id, "role": w.role, "code": w.code, "reason": w.reason}
            for w in proposal.waitlist
        ],
    }


async def discard_round(ctx: Context, admin: Person, round_id: int) -> Response:
    if not await pairs.decide_round(ctx.session, round_id, "discarded", admin.id, ctx.now()):
        return Response.say(f"Round #{round_id} was already decided; nothing changed.")
    return Response.say(f"Round #{round_id} discarded. Nobody was told anything.")


async def confirm_round(ctx: Context, admin: Person, round_id: int) -> Response:
    round_ = await ctx.session.get(MatchRound, round_id)
    if round_ is None:
        return Response.say("I can't find that matching round. Type `admin match` for a new one.")
    if not await pairs.decide_round(ctx.session, round_id, "confirmed", admin.id, ctx.now()):
        return Response.say(
            f"Round #{round_id} was already {round_.status}; nothing was sent twice."
        )
    data = json.loads(round_.proposal)
    await requests.lock_pairing(ctx.session)  # an accepted request cannot race these pairs
    cohort = await open_cohort(ctx)
    cohort_id = cohort.id if cohort else None
    per_mentor, paired_mentees = await pairs.active_load(ctx.session)
    k = ctx.program.matching.max_mentees_per_mentor
    made: list[tuple[Pair, Person, Person]] = []
    skipped = 0
    for item in data["pairs"]:
        mentor = await ctx.session.get(Person, item["mentor"])
        mentee = await ctx.session.get(Person, item["mentee"])
        # People may have paused, left or been paired by hand since the preview.
        if (
            mentor is None
            or mentee is None
            or mentor.status != "active"
            or mentee.status != "active"
            or mentee.id in paired_mentees
            or per_mentor.get(mentor.id, 0) >= k
        ):  # type: ignore[arg-type]
            skipped += 1
            continue
        pair = Pair(
            cohort_id=cohort_id,
            mentor_id=item["mentor"],
            mentee_id=item["mentee"],
            round_id=round_id,
            score=item["score"],
            reasons=json.dumps(item["reasons"]),
            created_at=ctx.now(),
        )
        ctx.session.add(pair)
        paired_mentees.add(item["mentee"])
        per_mentor[item["mentor"]] = per_mentor.get(item["mentor"], 0) + 1
        made.append((pair, mentor, mentee))
    await ctx.session.flush()
    for pair, mentor, mentee in made:
        await introduce(ctx, pair, mentor, mentee)
    await _waitlist(ctx, round_id, data["waitlist"], made)
    return Response(messages=(_confirmed(round_id, made, skipped),))


async def _waitlist(ctx: Context, round_id: int, entries: list[dict], made: list) -> None:  # type: ignore[type-arg]
    matched = {p.id for _, mentor, mentee in made for p in (mentor, mentee)}
    waiting = []
    for entry in entries:
        person = await ctx.session.get(Person, entry["person"])
        if person is None or person.status != Status.ACTIVE or person.id in matched:
            continue
        waiting.append((entry["person"], entry["code"], entry["reason"]))
        await ctx.queue(Outgoing.dm(keys.waitlist(round_id, person.id),
            address_of(person),
            Message(
                title="No match this round",
                text=f"{entry['reason'].rstrip('.')}. You stay on the waitlist and are first in line for the "
                "next round. Adding topics with `profile` can widen your options.",
                buttons=suggest_buttons(ctx.program, person.role),
            ),
        ))
    await pairs.replace_waitlist(ctx.session, round_id, waiting, ctx.now())
    await pairs.leave_waitlist(ctx.session, matched)


def _confirmed(round_id: int, made: list, skipped: int) -> Message:  # type: ignore[type-arg]
    lines = [f"{name_of(mentor)} → {name_of(mentee)}" for _, mentor, mentee in made[:40]]
    if len(made) > 40:
        lines.append(f"…and {len(made) - 40} more.")
    note = (
        f" {plural(skipped, 'pair was', 'pairs were')} skipped because someone "
        "paused, left or was paired since the preview."
        if skipped
        else ""
    )
    return Message(
        title=f"Round #{round_id} confirmed",
        text=f"{plural(len(made), 'pair is', 'pairs are')} being introduced now.{note}\n" + "\n".join(lines),
    )

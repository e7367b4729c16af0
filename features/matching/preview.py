"""A round's preview, readable at a glance: one short line per pair with its fit out of 100 and
its two main reasons; every reason one press away (*Full reasons*). Blind review shows
department and level, never a name, in both."""

from __future__ import annotations

import json
from collections import Counter

from core.context import Context
from core.messages import Button, Message, Response
from core.text import plural
from features.matching.engine import Proposal
from features.matching.pool import Pool, describe, fit_percent
from features.matching.waiting import for_admin
from features.people import name_of
from storage.models import MatchRound, Person

CONFIRM, DISCARD, DETAILS = "match.confirm", "match.discard", "match.details"
PREVIEW_PAIRS = 15  # keeps the preview inside every platform's message limits
TOP_REASONS = 2


def _who(ctx: Context, mentor: Person, mentee: Person) -> str:
    if ctx.program.matching.blind_review:
        return f"{describe(ctx.program, mentor)} → {describe(ctx.program, mentee)}"
    return f"{name_of(mentor)} → {name_of(mentee)}"


async def preview(ctx: Context, round_: MatchRound, proposal: Proposal, pool: Pool) -> Message:
    """From the round's own pool (its people and their topics) alone: it reads nothing, so the
    transaction that stores the round and queues this holds SQLite's write lock only briefly."""
    count = len(proposal.pairs)
    average = proposal.total_score / count if count else 0.0
    lines = [
        f"*{plural(count, 'pair')}*, average fit "
        f"{fit_percent(average, ctx.program)}; {len(proposal.waitlist)} waitlisted."
    ]
    if ctx.program.matching.blind_review:
        lines.append("Names are hidden until you confirm, so the review stays unbiased.")
    for n, pair in enumerate(proposal.pairs[:PREVIEW_PAIRS], start=1):
        mentor, mentee = pool.people[pair.mentor_id], pool.people[pair.mentee_id]
        top = "; ".join(pair.reasons[:TOP_REASONS])
        lines.append(f"{n}. {_who(ctx, mentor, mentee)} · fit "
                     f"{fit_percent(pair.score, ctx.program)}: {top}")
    if count > PREVIEW_PAIRS:
        lines.append(f"…and {plural(count - PREVIEW_PAIRS, 'more pair')}.")
    everyone = {p.id: p for p in (*pool.mentors, *pool.mentees)}
    reasons = Counter(for_admin(ctx.program, w.code, w.role, everyone.get(w.person_id))
                      for w in proposal.waitlist)
    if reasons:
        lines.append("*Waiting*")
        lines.extend(f"{n} waiting: {reason}" for reason, n in reasons.most_common(8))
    buttons = (
        (
            Button(f"Confirm {plural(count, 'pair')}", CONFIRM, str(round_.id), style="primary"),
            Button("Full reasons", DETAILS, str(round_.id)),
            Button("Discard", DISCARD, str(round_.id)),
        )
        if count
        else ()
    )
    return Message(
        title=f"Matching round #{round_.id}: preview", text="\n".join(lines), buttons=buttons
    )


async def details(ctx: Context, round_id: int) -> Response:
    """Every reason of every previewed pair (the first PREVIEW_PAIRS), as blind as the preview."""
    round_ = await ctx.session.get(MatchRound, round_id)
    if round_ is None:
        return Response.say("I can't find that matching round. Type `admin match` for a new one.")
    lines = []
    for n, item in enumerate(json.loads(round_.proposal)["pairs"][:PREVIEW_PAIRS], start=1):
        mentor = await ctx.session.get(Person, item["mentor"])
        mentee = await ctx.session.get(Person, item["mentee"])
        if mentor is None or mentee is None:
            continue
        lines.append(f"*{n}. {_who(ctx, mentor, mentee)}* · fit "
                     f"{fit_percent(item['score'], ctx.program)}")
        lines.extend(f"   {reason}" for reason in item["reasons"])
    text = "\n".join(lines) or "This round has no pairs."
    return Response(messages=(Message(title=f"Matching round #{round_id}: full reasons",
                                      text=text),))

"""Suggested mentors for a senior mentee choosing for themselves (self and hybrid matching).

The ranking is the engine's own: its hard-rule masks decide who is allowed (the same rules a
round obeys, forbidden pairs included) and its score and reasons say how well each one fits,
so a suggestion never offers a pair a round would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from config.program import Program
from core.context import Context
from core.messages import Button, Message, Response
from features.matching.engine import Participant, pair_reasons
from features.matching.engine.pool_scoring import BLOCK_CELLS, block_scores, encode_pool, spans
from features.matching.pool import Pool, describe, load_pool, rules, topic_labels, weights
from features.people import name_of
from storage import pairs
from storage import requests as stored
from storage.models import Person, Status

SUGGEST, REQUEST = "match.suggest", "match.request"
MOST = 5  # the 3-5 best: fewer only when fewer are available


@dataclass(frozen=True)
class Suggestion:
    mentor: Person
    score: float
    reasons: tuple[str, ...]
    teaches: tuple[str, ...]  # topic labels the mentor offers that the mentee wants


def choosing(program: Program) -> bool:
    return program.matching.mode in ("self", "hybrid")


def suggest_buttons(program: Program, role: str | None) -> tuple[Button, ...]:
    """The *See suggested mentors* button, for the messages a waiting senior mentee gets."""
    if not choosing(program) or role != "mentee":
        return ()
    return (Button("See suggested mentors", SUGGEST, style="primary"),)


async def refusal(ctx: Context, person: Person | None) -> str | None:
    """Why this person cannot choose a mentor right now, or None when they can."""
    if not choosing(ctx.program):
        return ("In this program the program team makes the matches; you'll get an "
                "introduction here as soon as you're matched.")
    if person is None or person.status in (Status.PENDING, Status.LEFT, Status.VISITOR):
        return "Join the program first (type `join`); then you can choose a mentor."
    if person.status == Status.PAUSED:
        return "You're paused at the moment. Type `resume` first, then `suggest`."
    if person.role != "mentee":
        return ("Suggestions are for senior mentees. As a junior mentor you'll get requests "
                "here from seniors who'd like to learn from you.")
    assert person.id is not None
    if await pairs.active_pairs_of(ctx.session, person.id):
        return "You're already paired. Type `status` to see with whom."
    if await stored.open_request_of(ctx.session, person.id) is not None:
        return ("Your request is still waiting for an answer. Once it's answered, or its time "
                "runs out, you can ask someone else.")
    return None


async def available(ctx: Context) -> tuple[Pool, list[Participant]]:
    """The pool, and the mentors with room left once their open requests count as taken."""
    pool = await load_pool(ctx, for_round=False)
    asked, _ = await stored.open_load(ctx.session)
    mentors = [replace(m, capacity=m.capacity - asked.get(m.id, 0)) for m in pool.mentors]
    return pool, [m for m in mentors if m.capacity > 0]


def rank(
    program: Program, pool: Pool, mentors: Sequence[Participant],
    mentees: Sequence[Participant], at: datetime, skip: Mapping[int, set[int]],
    most: int = MOST,
) -> dict[int, list[tuple[Participant, float]]]:
    """The best allowed mentors of each mentee, best first (ties: lowest id), leaving out the
    mentors in `skip[mentee]`. Scored block by block, so a large pool stays in bounded memory."""
    found: dict[int, list[tuple[Participant, float]]] = {m.id: [] for m in mentees}
    if not mentors or not mentees:
        return found
    encoded = encode_pool(mentors, mentees, weights(program), rules(program), pool.forbidden, at,
                          pool.blocked)
    rows = np.arange(len(mentors))
    row_of = {m.id: i for i, m in enumerate(mentors)}
    ids = np.array([m.id for m in mentors])
    k = min(most, len(mentors))
    for cols in spans(len(mentees), BLOCK_CELLS // len(mentors)):
        scores = block_scores(encoded, rows, cols)
        for j, col in enumerate(cols):
            for mentor_id in skip.get(mentees[col].id, ()):
                if mentor_id in row_of:
                    scores[row_of[mentor_id], j] = 0.0
        # The k best of each column, then ordered best first, lowest id first on a tie.
        top = np.argpartition(-scores, k - 1, axis=0)[:k] if k < len(mentors) else (
            np.broadcast_to(rows[:, None], scores.shape))
        for j, col in enumerate(cols):
            best = sorted((i for i in top[:, j] if scores[i, j] > 0),
                          key=lambda i: (-scores[i, j], ids[i]))
            found[mentees[col].id] = [(mentors[i], float(scores[i, j])) for i in best]
    return found


def explain(program: Program, pool: Pool, mentor: Participant, mentee: Participant,
            score: float, at: datetime) -> Suggestion:
    labels = topic_labels(program)
    return Suggestion(
        mentor=pool.people[mentor.id],
        score=score,
        reasons=pair_reasons(mentor, mentee, at, labels),
        teaches=tuple(sorted((labels.get(t, t) for t in mentor.teaches & mentee.learns),
                             key=str.casefold)),
    )


async def for_mentee(ctx: Context, person: Person, most: int = MOST,
                     only: Iterable[int] | None = None) -> list[Suggestion]:
    """The best available mentors for one mentee (or, with `only`, among those mentors)."""
    assert person.id is not None
    pool, mentors = await available(ctx)
    if only is not None:
        wanted = set(only)
        mentors = [m for m in mentors if m.id in wanted]
    mentee = next((m for m in pool.mentees if m.id == person.id), None)
    if mentee is None:
        return []
    skip = {person.id: await stored.asked_before(ctx.session, person.id)}
    ranked = rank(ctx.program, pool, mentors, [mentee], ctx.now(), skip, most)[person.id]
    return [explain(ctx.program, pool, m, mentee, s, ctx.now()) for m, s in ranked]


def who(program: Program, mentor: Person) -> str:
    """A mentor as a suggestion names them: blind review shows no name."""
    if program.matching.blind_review:
        return describe(program, mentor)
    return f"{name_of(mentor)} ({describe(program, mentor)})"


def lines_of(suggestion: Suggestion) -> list[str]:
    return [f"Teaches you: {', '.join(suggestion.teaches)}",
            f"Why: {'; '.join(suggestion.reasons)}"]


def suggestions_message(program: Program, found: Sequence[Suggestion]) -> Message:
    lines = ["Here are the mentors who fit you best right now (fit on the same scale as the "
             "program team's matching). Press *Request* to ask one; they'll see your name and "
             "goals and can accept or decline."]
    if program.matching.blind_review:
        lines.append("Names stay hidden until a mentor accepts, so everyone chooses on fit.")
    for n, s in enumerate(found, start=1):
        lines.append(f"*{n}. {who(program, s.mentor)}* (fit {s.score:.1f})")
        lines.extend(f"- {line}" for line in lines_of(s))
    return Message(
        title="Suggested mentors",
        text="\n".join(lines),
        buttons=tuple(Button(f"Request {n}", REQUEST, str(s.mentor.id))
                      for n, s in enumerate(found, start=1)),
    )


NOBODY = ("No mentor is available for you right now: everyone who could teach what you want to "
          "learn is paired or already asked. New mentors join all the time; type `suggest` again "
          "later, or add topics with `profile` to widen your options.")


async def suggest(ctx: Context, person: Person | None) -> Response:
    refused = await refusal(ctx, person)
    if refused:
        return Response.say(refused)
    assert person is not None
    found = await for_mentee(ctx, person)
    if not found:
        return Response.say(NOBODY)
    return Response(messages=(suggestions_message(ctx.program, found),))

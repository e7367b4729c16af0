"""A senior mentee asks a mentor; the mentor accepts or declines; silence expires the request.

Accepting forms the pair the way an admin's confirmation does: under the pairing lock every rule
is checked again, the pair row is guarded by the database's one-active-pair-per-mentee index,
and the introduction goes out once under the pair's key. The mentee hears the same words
whether a mentor declined or let the request run out, and no one else hears anything.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from core import keys
from core.context import Context
from core.dates import friendly
from core.messages import Button, Message, Response
from core.outgoing import Outgoing
from core.text import literal, plural
from features.admin.cohorts import open_cohort
from features.matching.intros import introduce
from features.matching.pairing_rules import rule_breaks
from features.matching.suggestions import (
    REQUEST,
    SUGGEST,
    available,
    choosing,
    explain,
    for_mentee,
    rank,
    refusal,
    who,
)
from features.people import address_of, name_of
from storage import engagement, pairs
from storage import requests as stored
from storage.models import MatchRequest, Pair, Person, Status, SurveyAnswers

ACCEPT, DECLINE = "request.accept", "request.decline"
GONE = "This request is no longer open, so nothing changed."


async def ask(ctx: Context, mentee: Person | None, mentor_id: int) -> Response:
    refused = await refusal(ctx, mentee)
    if refused:
        return Response.say(refused)
    assert mentee is not None and mentee.id is not None
    await stored.lock_pairing(ctx.session)  # capacity is counted under the lock
    found = await for_mentee(ctx, mentee, most=1, only=[mentor_id])
    if not found:
        return Response.say("That mentor isn't available any more. Type `suggest` to see who is.")
    suggestion = found[0]
    now, days = ctx.now(), ctx.program.matching.request_days
    request = await stored.create(ctx.session, mentee.id, mentor_id, now, now + timedelta(days=days))
    if request is None:
        return Response.say("You already have a request waiting for an answer.")
    await ctx.session.flush()
    assert request.id is not None
    answers = await ctx.session.get(SurveyAnswers, mentee.id)
    goals = f"Their goals: _{literal(answers.goals)}_" if answers and answers.goals else ""
    survey = ctx.program.survey
    await ctx.queue(Outgoing.dm(keys.match_request(request.id), address_of(suggestion.mentor), Message(
        title="A senior colleague would like you as their mentor",
        text="\n".join(line for line in (
            f"*{name_of(mentee)}* ({survey.label_of(survey.departments, mentee.department)}, "
            f"{survey.label_of(survey.seniority_levels, mentee.seniority)}) would like to learn "
            f"{', '.join(suggestion.teaches)} from you.",
            goals,
            f"Why you two: {'; '.join(suggestion.reasons)}",
            f"Please answer by {friendly(request.expires_at.date())}. If you decline, they'll "
            "only hear that it didn't work out this time, never why.",
        ) if line),
        buttons=(Button("Accept", ACCEPT, str(request.id), style="primary"),
                 Button("Decline", DECLINE, str(request.id))),
    )))
    return Response.say(
        f"Request sent to {who(ctx.program, suggestion.mentor)}. They have {plural(days, 'day')} to answer, "
        "and I'll tell you here either way.")


async def accept(ctx: Context, mentor: Person | None, request_id: int) -> Response:
    if mentor is None or mentor.id is None:
        return Response.say(GONE)
    await stored.lock_pairing(ctx.session)
    request = await stored.close(ctx.session, request_id, mentor.id, "accepted", ctx.now())
    if request is None:
        return await _not_open(ctx, mentor, request_id)
    mentee = await ctx.session.get(Person, request.mentee_id, populate_existing=True)
    await ctx.session.refresh(mentor)
    assert mentee is not None
    if await rule_breaks(ctx, mentor, mentee):
        # Something changed since the request (a pause, a new pair, a new rule): the mentee is
        # free to ask again, and nobody is told which rule, which may be confidential.
        return await _lapse(ctx, request, mentee)
    pair = await _pair(ctx, request, mentor, mentee)
    if pair is None:
        return await _lapse(ctx, request, mentee)
    return Response.say(f"Wonderful: you and {name_of(mentee)} are now a pair. "
                        "Your introduction is on its way.")


async def _pair(ctx: Context, request: MatchRequest, mentor: Person, mentee: Person) -> Pair | None:
    """The pair, as a round confirmation makes it, or None when the database refuses a second
    active pair for the mentee (a path that does not take the pairing lock got there first)."""
    pool, _ = await available(ctx)
    a = next((m for m in pool.mentors if m.id == mentor.id), None)
    b = next((m for m in pool.mentees if m.id == mentee.id), None)
    if a is None or b is None:
        return None
    ranked = rank(ctx.program, pool, [a], [b], ctx.now(), {})[b.id]
    if not ranked:  # the engine's own rules refuse it now
        return None
    score = ranked[0][1]
    reasons = explain(ctx.program, pool, a, b, score, ctx.now()).reasons
    cohort = await open_cohort(ctx)
    pair = Pair(cohort_id=cohort.id if cohort else None, mentor_id=a.id, mentee_id=b.id,
                score=score, reasons=json.dumps(list(reasons)), created_at=ctx.now())
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(pair)
    except IntegrityError:
        return None
    request.pair_id = pair.id
    ctx.session.add(request)
    await pairs.leave_waitlist(ctx.session, [a.id, b.id])
    await stored.helped(ctx.session, [a.id, b.id])
    await introduce(ctx, pair, mentor, mentee)
    return pair


async def _lapse(ctx: Context, request: MatchRequest, mentee: Person) -> Response:
    request.status, request.pair_id = "lapsed", None
    ctx.session.add(request)
    if mentee.status == Status.ACTIVE and not await pairs.active_pairs_of(ctx.session, mentee.id):  # type: ignore[arg-type]
        await _not_this_time(ctx, request, mentee)
    return Response.say(f"Thank you! This pairing isn't possible any more ({name_of(mentee)} "
                        "may have found a partner or paused), so nothing changed.")


async def _not_open(ctx: Context, mentor: Person, request_id: int) -> Response:
    request = await ctx.session.get(MatchRequest, request_id)
    if request is None or request.mentor_id != mentor.id:
        return Response.say("That request isn't yours to answer.")
    if request.status == "accepted":
        return Response.say("You've already accepted this request; your introduction is on its way.")
    if request.status == "declined":
        return Response.say("You've already declined this request; nothing changed.")
    return Response.say("This request has expired or is no longer possible, so nothing changed.")


async def decline(ctx: Context, mentor: Person | None, request_id: int) -> Response:
    if mentor is None or mentor.id is None:
        return Response.say(GONE)
    request = await stored.close(ctx.session, request_id, mentor.id, "declined", ctx.now())
    if request is None:
        return await _not_open(ctx, mentor, request_id)
    mentee = await ctx.session.get(Person, request.mentee_id)
    if mentee is not None and mentee.status == Status.ACTIVE:
        await _not_this_time(ctx, request, mentee)
    return Response.say("Thanks for letting us know. They'll only hear that it didn't work out "
                        "this time; not who said no, nor why.")


async def _not_this_time(ctx: Context, request: MatchRequest, mentee: Person) -> None:
    assert request.id is not None
    await ctx.queue(Outgoing.dm(keys.request_closed(request.id), address_of(mentee), Message(
        text="Your mentor request didn't work out this time. That happens, and it says nothing "
             "about you. You're free to ask someone else now.",
        buttons=(Button("See suggested mentors", SUGGEST, style="primary"),))))


async def run(ctx: Context) -> int:
    """Expire requests past `request_days`, then nudge seniors who never asked anyone."""
    sent = 0
    for request_id, mentee_id, _ in await stored.expire_due(ctx.session, ctx.now()):
        request = await ctx.session.get(MatchRequest, request_id)
        mentee = await ctx.session.get(Person, mentee_id)
        if request is not None and mentee is not None and mentee.status == Status.ACTIVE:
            await _not_this_time(ctx, request, mentee)
            sent += 1
    if choosing(ctx.program):
        sent += await _nudge(ctx)
    return sent


async def _nudge(ctx: Context) -> int:
    """One friendly nudge per waiting spell, with the senior's top suggestion."""
    now, days = ctx.now(), ctx.program.matching.nudge_days
    due = [w for w in await stored.waiting(ctx.session, "mentee")
           if now - w.since >= timedelta(days=days)
           and (w.last_request_at is None or w.last_request_at < w.since)]
    if not due:
        return 0
    _, asking = await stored.open_load(ctx.session)
    pool, mentors = await available(ctx)
    wanted = {w.person.id for w in due} - asking
    mentees = [m for m in pool.mentees if m.id in wanted]
    best = rank(ctx.program, pool, mentors, mentees, now, {}, most=1)
    sent = 0
    for mentee in mentees:
        if not best[mentee.id]:
            continue
        mentor, score = best[mentee.id][0]
        top = explain(ctx.program, pool, mentor, mentee, score, now)
        since = next(w.since for w in due if w.person.id == mentee.id)
        key = keys.suggest_nudge(mentee.id, since.date())
        if not await engagement.record_nudge(ctx.session, key, mentee.id, None, "suggest", now):
            continue
        await ctx.queue(Outgoing.dm(key, address_of(pool.people[mentee.id]), Message(
            title="A mentor who could suit you",
            text=(f"You can choose your own reverse mentor, and one fits you well: "
                  f"*{who(ctx.program, top.mentor)}*, who can teach you {', '.join(top.teaches)}. "
                  f"Why: {'; '.join(top.reasons)}. Ask them with one click, or see more options."),
            buttons=(Button("Request", REQUEST, str(top.mentor.id), style="primary"),
                     Button("See suggested mentors", SUGGEST)))))
        sent += 1
    return sent

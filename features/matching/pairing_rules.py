"""The hard rules a pair must keep, in words an admin can act on, and `admin pair`, which
pairs two people by hand under them (an admin may override all but a few, on the record)."""

from __future__ import annotations

import json

from core.context import Context
from core.messages import Response
from core.text import plural
from features.admin.cohorts import open_cohort
from features.matching.engine import Participant, pair_reasons, pair_score
from features.matching.intros import introduce
from features.matching.pool import participant, rules, topic_labels, weights
from features.people import name_of
from storage import pairs, people, requests
from storage import teams as stored_teams
from storage.models import Pair, Person, Status

# Said when someone asked not to be paired with the other: it names no one and no wish, and
# no `force` overrides it.
NOT_POSSIBLE = "this pairing isn't possible under the program's rules"


async def _participant(ctx: Context, person: Person) -> Participant:
    assert person.id is not None
    answers = await people.survey_answers(ctx.session, person.id)
    topics = await people.topics(ctx.session, person.id)
    return participant(
        ctx.program,
        person,
        answers.cadence if answers else "",
        {d: set(t) for d, t in topics.items()},
    )


async def rule_breaks(ctx: Context, mentor: Person, mentee: Person) -> list[str]:
    """Every hard rule this pair would break, in words an admin can act on."""
    found = []
    if mentor.role != "mentor" or mentee.role != "mentee":
        return ["the first person must be a junior mentor and the second a senior mentee"]
    for person in (mentor, mentee):
        if person.status != Status.ACTIVE:
            found.append(f"{name_of(person)} is {person.status}")
    a, b = await _participant(ctx, mentor), await _participant(ctx, mentee)
    r = rules(ctx.program)
    if await stored_teams.kept_apart_between(ctx.session, a.id, b.id):
        return [NOT_POSSIBLE]
    if a.team == b.team:
        found.append("they are on the same team")
    if ctx.program.matching.avoid_reporting_line and (a.id, b.id) in (
            await stored_teams.reporting_lines(ctx.session, [a.id, b.id])):
        found.append("one of them is in the other's reporting line")
    if b.seniority - a.seniority < r.min_seniority_gap:
        found.append("the mentee is not more senior than the mentor")
    if r.different_departments and a.department == b.department:
        found.append("they are in the same department")
    if not a.teaches & b.learns:
        found.append("the mentor teaches nothing the mentee wants to learn")
    if (a.id, b.id) in await pairs.never_again(ctx.session):
        found.append("they were paired before or marked as not a good match")
    mentor_pairs = [
        p for p in await pairs.active_pairs_of(ctx.session, a.id) if p.mentor_id == a.id
    ]
    if len(mentor_pairs) >= r.max_mentees_per_mentor:
        found.append(f"{name_of(mentor)} already has {plural(len(mentor_pairs), 'mentee')}")
    if await pairs.active_pairs_of(ctx.session, b.id):
        found.append(f"{name_of(mentee)} is already in a pair")
    return found


async def pair_by_hand(
    ctx: Context, admin: Person, mentor: Person, mentee: Person, force: bool
) -> Response:
    await requests.lock_pairing(ctx.session)  # checks below see any pair a request just made
    breaks = await rule_breaks(ctx, mentor, mentee)
    hard_stop = [b for b in breaks
                 if "already in a pair" in b or "junior mentor and" in b or b == NOT_POSSIBLE]
    if hard_stop or (breaks and not force):
        hint = (
            "" if hard_stop else " Add `force` to pair them anyway; it is recorded as an override."
        )
        return Response.say("I can't pair them: " + "; ".join(breaks) + "." + hint)
    a, b = await _participant(ctx, mentor), await _participant(ctx, mentee)
    cohort = await open_cohort(ctx)
    pair = Pair(
        cohort_id=cohort.id if cohort else None,
        mentor_id=a.id,
        mentee_id=b.id,
        manual=True,
        override=bool(breaks),
        score=pair_score(a, b, weights(ctx.program), ctx.now()),
        reasons=json.dumps(pair_reasons(a, b, ctx.now(), topic_labels(ctx.program))),
        created_at=ctx.now(),
    )
    ctx.session.add(pair)
    await ctx.session.flush()
    await pairs.leave_waitlist(ctx.session, [a.id, b.id])
    await introduce(ctx, pair, mentor, mentee)
    forced = f" (override: {'; '.join(breaks)})" if breaks else ""
    return Response.say(
        f"Paired {name_of(mentor)} with {name_of(mentee)}{forced}. "
        "Their introduction is on its way."
    )

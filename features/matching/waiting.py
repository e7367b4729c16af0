"""Who is waiting for a match and why, told to the admin in the third person: `admin
waitlist` (names, since when, why, the best candidates and a *Pair* button) and the waiting
lines of `admin stats` (counts by reason).

The reason is worked out now, from the pool as it is, by the engine's own rules; a
confidential "don't pair me with" reads as "fits the program's rules", never as itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from config.program import Program
from core.context import Context
from core.messages import Button, Message, Response
from core.text import parse_id, plural
from features.matching.engine import Participant, WaitlistCode
from features.matching.engine.pool_scoring import encode_pool
from features.matching.engine.waitlist import waitlist
from features.matching.pairing_rules import pair_by_hand
from features.matching.pool import Pool, fit_percent, load_pool, rules, weights
from features.matching.suggestions import rank
from features.people import ROLE_NAMES, name_of
from storage import pairs, people, requests
from storage.models import Person

PAIR = "waitlist.pair"
SHOWN = 10  # people per `admin waitlist`, within every platform's message limits
CANDIDATES = 3


def topics_of(program: Program, ids: Iterable[str]) -> str:
    labels = sorted((program.survey.topic_label(t) for t in ids), key=str.casefold)
    if not labels:
        return "their topics"
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def for_admin(program: Program, code: str, role: str, person: Participant | None = None) -> str:
    """Why someone waits, to the admin: "no mentor outside their team teaches AI tools"."""
    if role == "mentee":
        what = topics_of(program, person.learns if person else ())
        other, verb = "mentor", f"teaches {what}"
    else:
        what = topics_of(program, person.teaches if person else ())
        other, verb = "senior mentee", f"wants to learn {what}"
    texts: dict[str, str] = {
        "nobody_on_other_side": f"no {other} is free to be matched",
        "no_topics": f"no {other} {verb}",
        "seniority": f"every {other} who {verb} is too "
                     + ("senior" if role == "mentee" else "junior") + " for them",
        "same_team": f"no {other} outside their team {verb}",
        "same_department": f"no {other} outside their department {verb}",
        "reporting_line": f"every {other} who {verb} is in their reporting line",
        "do_not_pair": f"no available {other} fits the program's rules yet",
        "forbidden": f"every {other} who {verb} was paired with them before or marked "
                     "as not a good match",
        "no_capacity": f"every {other} who {verb} is full" if role == "mentee"
                       else "their mentee capacity is zero",
        "outmatched": f"{other}s who fit are free: they can be paired now",
        "choosing": "they are choosing a mentor themselves (a request is open)",
        "no_survey": "they haven't finished the survey",
    }
    return texts.get(code, "no match fits yet")


@dataclass(frozen=True)
class Waiter:
    person: Person
    role: str
    since: datetime
    helped: bool  # asked the program team to find them a match
    reason: str
    candidates: tuple[tuple[Person, float], ...]  # best first; a mentor for a mentee, and back


def _codes(program: Program, pool: Pool, at: datetime,
           ids: set[int]) -> dict[int, tuple[WaitlistCode, Participant, str]]:
    """The engine's reason for each of `ids` in the pool, as if they were left waiting: only
    their rows are scored, so a large pool costs a few of its rows, not all of it."""
    encoded = encode_pool(pool.mentors, pool.mentees, weights(program), rules(program),
                          pool.forbidden, at, pool.blocked)
    found: dict[int, tuple[WaitlistCode, Participant, str]] = {}
    for role, side in (("mentor", pool.mentors), ("mentee", pool.mentees)):
        rows = [n for n, p in enumerate(side) if p.id in ids]
        entries = waitlist(encoded, role, np.array(rows, dtype=np.int64))  # type: ignore[arg-type]
        for entry, row in zip(entries, rows, strict=True):
            found[side[row].id] = (entry.code, side[row], role)
    return found


def _candidates(program: Program, pool: Pool, who: Participant, role: str,
                at: datetime) -> tuple[tuple[Person, float], ...]:
    mentors = [m for m in pool.mentors if m.capacity > 0]
    if role == "mentee":
        best = rank(program, pool, mentors, [who], at, {}, CANDIDATES)[who.id]
        return tuple((pool.people[m.id], s) for m, s in best)
    if who.capacity <= 0:
        return ()
    scored = rank(program, pool, [who], list(pool.mentees), at, {}, 1)
    best = sorted(((pool.people[mentee], found[0][1]) for mentee, found in scored.items()
                   if found), key=lambda item: (-item[1], item[0].id or 0))
    return tuple(best[:CANDIDATES])


async def waiters(ctx: Context, most: int = SHOWN) -> tuple[int, list[Waiter]]:
    """How many are waiting (active, without a pair), and the first `most` of them: those who
    asked the program team first, then the longest waiting, each with why and with their
    best candidates."""
    helped = await requests.help_asked(ctx.session)
    everyone = sorted(await requests.waiting(ctx.session),
                      key=lambda w: (w.person.id not in helped, w.since, w.person.id or 0))
    shown = everyone[:most]
    if not shown:
        return 0, []
    pool = await load_pool(ctx, for_round=False, with_full=True)
    at = ctx.now()
    codes = _codes(ctx.program, pool, at, {w.person.id for w in shown if w.person.id})
    _, asking = await requests.open_load(ctx.session)
    found = []
    for waiting in shown:
        person = waiting.person
        assert person.id is not None
        role = person.role or "mentee"
        who: Participant | None = None
        if person.id in asking:
            code = "choosing"
        elif person.id in codes:
            code, who, role = codes[person.id]
        else:
            code = "no_survey"
        candidates = _candidates(ctx.program, pool, who, role, at) if who else ()
        found.append(Waiter(person, role, waiting.since, person.id in helped,
                            for_admin(ctx.program, code, role, who), candidates))
    return len(everyone), found


def _when(since: datetime, now: datetime) -> str:
    days = (now - since).days
    return "since today" if days < 1 else f"for {plural(days, 'day')}"


async def admin_waitlist(ctx: Context) -> Response:
    total, found = await waiters(ctx)
    if not found:
        return Response.say("Nobody is waiting for a match: everyone active is paired.")
    now = ctx.now()
    lines = [f"*{total:,} waiting for a match*" + (f", the first {SHOWN} shown" if
                                                  total > SHOWN else "") + "."]
    buttons: list[Button] = []
    for n, waiter in enumerate(found, start=1):
        asked = " · _asked the program team to find them a match_" if waiter.helped else ""
        role = ROLE_NAMES.get(waiter.role, waiter.role)
        lines.append(f"{n}. *{name_of(waiter.person)}* ({role}), waiting "
                     f"{_when(waiter.since, now)}: {waiter.reason}{asked}")
        if waiter.candidates:
            best = ", ".join(f"{name_of(p)} (fit {fit_percent(s, ctx.program)})"
                             for p, s in waiter.candidates)
            lines.append(f"   Best available: {best}")
            partner = waiter.candidates[0][0]
            mentor, mentee = ((partner, waiter.person) if waiter.role == "mentee"
                              else (waiter.person, partner))
            if len(buttons) < 5 and f"{mentor.id}:{mentee.id}" not in {b.value for b in buttons}:
                buttons.append(Button(f"Pair {name_of(waiter.person)} with {name_of(partner)}"[:75],
                                      PAIR, f"{mentor.id}:{mentee.id}"))
    return Response(messages=(Message(title="People waiting for a match", text="\n".join(lines),
                                      buttons=tuple(buttons)),))


async def pair_pressed(ctx: Context, admin: Person, value: str) -> Response:
    """The *Pair* button: `admin pair`'s own rules, checked now (never forced)."""
    raw_mentor, _, raw_mentee = value.partition(":")
    mentor_id, mentee_id = parse_id(raw_mentor), parse_id(raw_mentee)
    mentor = await ctx.session.get(Person, mentor_id) if mentor_id else None
    mentee = await ctx.session.get(Person, mentee_id) if mentee_id else None
    if mentor is None or mentee is None:
        return Response.say("That button has expired. Type `admin waitlist` to see who waits.")
    return await pair_by_hand(ctx, admin, mentor, mentee, force=False)


async def stats_lines(ctx: Context) -> list[str]:
    """`admin stats`' waiting lines: how many, by the reason the last confirmed round gave,
    in the third person. Read from the stored waitlist, so a large program costs one query."""
    total = await requests.waiting_count(ctx.session)
    if not total:
        return ["- Nobody is waiting for a match"]
    entries = await pairs.waitlist_entries(ctx.session)
    topics = await people.topics_of(ctx.session, [pid for pid, _, _ in entries])
    counts = Counter(
        for_admin(ctx.program, code, role, Participant(
            pid, "", "", 0, "UTC", frozenset(topics.get(pid, {}).get("teach", ())),
            frozenset(topics.get(pid, {}).get("learn", ())), ""))
        for pid, role, code in entries)
    lines = [f"- Waiting for a match: {total:,}"]
    lines += [f"- {n:,} waiting: {reason}" for reason, n in counts.most_common(5)]
    rest = sum(counts.values()) - sum(n for _, n in counts.most_common(5))
    if rest:
        lines.append(f"- {rest:,} waiting for other reasons")
    if total > sum(counts.values()):
        lines.append(f"- {total - sum(counts.values()):,} waiting for their first matching round")
    return lines

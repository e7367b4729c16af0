"""The matching pool, read set-wise from storage and handed to the pure engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from config.program import Program
from core.context import Context
from features.matching import teams
from features.matching.engine import Participant, Rules, WaitlistCode, Weights
from storage import pairs, requests
from storage import teams as stored_teams
from storage.models import Person


@dataclass(frozen=True)
class Pool:
    mentors: tuple[Participant, ...]
    mentees: tuple[Participant, ...]
    forbidden: frozenset[tuple[int, int]]
    people: dict[int, Person]
    # Pairs kept apart by a rule of their own, by waitlist code: "reporting_line" (the HR
    # import's managers) and "do_not_pair" (confidential; never shown as such to anyone).
    blocked: dict[WaitlistCode, frozenset[tuple[int, int]]] = field(default_factory=dict)


def weights(program: Program) -> Weights:
    m = program.matching
    return Weights(
        teach=m.teach_weight,
        learn_back=m.learn_back_weight,
        timezone=m.timezone_weight,
        cadence=m.cadence_weight,
    )


def rules(program: Program) -> Rules:
    m = program.matching
    return Rules(
        min_seniority_gap=m.min_seniority_gap,
        different_departments=m.different_departments,
        max_mentees_per_mentor=m.max_mentees_per_mentor,
    )


def participant(
    program: Program, person: Person, cadence: str, topics: dict[str, set[str]], capacity: int = 1
) -> Participant:
    assert person.id is not None
    return Participant(
        id=person.id,
        team=teams.identity(person),
        department=program.survey.label_of(program.survey.departments, person.department),
        seniority=program.survey.seniority_rank(person.seniority or ""),
        timezone=person.timezone or "UTC",
        teaches=frozenset(topics.get("teach", ())),
        learns=frozenset(topics.get("learn", ())),
        cadence=cadence,
        capacity=capacity,
    )


async def load_pool(ctx: Context, *, for_round: bool = True, with_full: bool = False) -> Pool:
    return await read_pool(ctx.session, ctx.program, for_round=for_round, with_full=with_full)


async def read_pool(session: AsyncSession, program: Program, *, for_round: bool = True,
                    with_full: bool = False) -> Pool:
    """Active people not yet at capacity: mentees without a pair, mentors with room left.
    A round also leaves out whoever is in the middle of choosing (self and hybrid matching):
    mentors with an open request and mentees waiting for an answer. (A round reads it in the
    worker process, which has no Context: hence the session and program.) `with_full` keeps
    mentors with no room left too, at capacity 0, so a reason can say "every mentor who fits
    is full"."""
    rows, topics = await pairs.matchable_people(session)
    per_mentor, paired_mentees = await pairs.active_load(session)
    asked, asking = await requests.open_load(session) if for_round else ({}, set())
    k = program.matching.max_mentees_per_mentor
    mentors: list[Participant] = []
    mentees: list[Participant] = []
    for person, cadence in rows:
        assert person.id is not None
        mine = topics.get(person.id, {})
        if person.id in asked or person.id in asking:
            continue
        if person.role == "mentor" and (with_full or per_mentor.get(person.id, 0) < k):
            room = max(0, k - per_mentor.get(person.id, 0))
            mentors.append(participant(program, person, cadence, mine, room))
        elif person.role == "mentee" and person.id not in paired_mentees:
            mentees.append(participant(program, person, cadence, mine))
    return Pool(
        tuple(mentors),
        tuple(mentees),
        frozenset(await pairs.never_again(session)),
        {person.id: person for person, _ in rows if person.id is not None},
        await kept_apart(session, program, [p.id for p in (*mentors, *mentees)]),
    )


async def kept_apart(
    session: AsyncSession, program: Program, person_ids: Sequence[int]
) -> dict[WaitlistCode, frozenset[tuple[int, int]]]:
    """The pairs the reporting-line and don't-pair-with rules forbid, in both orders."""
    found: dict[WaitlistCode, frozenset[tuple[int, int]]] = {}
    if program.matching.avoid_reporting_line:
        found["reporting_line"] = frozenset(
            await stored_teams.reporting_lines(session, person_ids))
    found["do_not_pair"] = frozenset(await stored_teams.kept_apart(session))
    return found


def topic_labels(program: Program) -> dict[str, str]:
    return {t.id: t.label for t in program.survey.topics}


def describe(program: Program, person: Person) -> str:
    """A blind description: department and seniority, never a name."""
    survey = program.survey
    return (
        f"{survey.label_of(survey.departments, person.department)} · "
        f"{survey.label_of(survey.seniority_levels, person.seniority)}"
    )


def ids(participants: Sequence[Participant]) -> set[int]:
    return {p.id for p in participants}


def fit_percent(score: float, program: Program) -> str:
    """A pair's fit on a 0-100 scale: its score against the best score a pair could get
    (every topic taught both ways would be more than any real pair has, so the yardstick is
    three topics taught, one shared back, full shared hours and the same rhythm)."""
    m = program.matching
    best = 3 * m.teach_weight + m.learn_back_weight + m.timezone_weight + m.cadence_weight
    return f"{min(100, round(100 * score / best)) if best > 0 else 0}/100"

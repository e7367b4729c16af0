"""The assignment: hard rules always hold, the total is optimal, and nobody waits without a reason."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from unittest.mock import patch

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.matching.engine import (
    Participant,
    Proposal,
    Rules,
    Waitlisted,
    Weights,
    pair_score,
    propose,
    solver,
)

AT = datetime(2025, 1, 15, 12, tzinfo=UTC)
TOPICS = ("ai", "social", "lead", "data", "video")
ZONES = ("Europe/Berlin", "Europe/London", "Asia/Kolkata", "America/New_York", "Asia/Tokyo")


def person(pid: int, **overrides: object) -> Participant:
    fields: dict[str, object] = dict(
        id=pid,
        team=f"team-{pid}",
        department="Sales",
        seniority=1,
        timezone="Europe/Berlin",
        teaches=frozenset({"ai"}),
        learns=frozenset(),
        cadence="weekly",
    )
    fields.update(overrides)
    return Participant(**fields)  # type: ignore[arg-type]


def senior(pid: int, **overrides: object) -> Participant:
    return person(pid, **{"seniority": 5, "teaches": frozenset(), "learns": {"ai"}, **overrides})


def run(
    mentors: Sequence[Participant],
    mentees: Sequence[Participant],
    rules: Rules | None = None,
    forbidden: Collection[tuple[int, int]] = (),
    weights: Weights | None = None,
    **options: object,
) -> Proposal:
    # "dense_max_cells" lowers the solver's threshold so even leftovers are solved sparsely.
    options = dict(options)
    limit = options.pop("dense_max_cells", solver.DENSE_MAX_CELLS)
    with patch.object(solver, "DENSE_MAX_CELLS", limit):
        return propose(
            mentors,
            mentees,
            weights or Weights(),
            rules or Rules(),
            forbidden,
            at=AT,
            **options,  # type: ignore[arg-type]
        )


def only_waitlisted(proposal: Proposal, person_id: int) -> Waitlisted:
    (entry,) = [w for w in proposal.waitlist if w.person_id == person_id]
    return entry


# -- small, readable cases --------------------------------------------------------------------


def test_teammates_are_never_paired() -> None:
    proposal = run([person(1, team="Web")], [senior(2, team="Web")])
    assert proposal.pairs == ()
    assert only_waitlisted(proposal, 1).reason == "Every possible mentee is on your own team"
    assert only_waitlisted(proposal, 2).reason == "Every possible mentor is on your own team"


def test_a_mentee_must_be_senior_enough() -> None:
    proposal = run([person(1, seniority=4)], [senior(2, seniority=5)], Rules(min_seniority_gap=2))
    assert proposal.pairs == ()
    mentor, mentee = only_waitlisted(proposal, 1), only_waitlisted(proposal, 2)
    assert (mentor.code, mentee.code) == ("seniority", "seniority")
    assert mentor.reason == "No mentee is senior enough (at least 2 levels above you)"


def test_same_department_is_allowed_unless_the_rule_says_otherwise() -> None:
    mentors, mentees = [person(1, department="Sales")], [senior(2, department="Sales")]
    assert len(run(mentors, mentees).pairs) == 1
    proposal = run(mentors, mentees, Rules(different_departments=True))
    assert only_waitlisted(proposal, 1).reason == "Every possible mentee is in your own department"


def test_a_pair_needs_a_topic_the_mentor_can_teach_the_mentee() -> None:
    # Same hours, same cadence, plenty to learn back: still nothing for the mentor to teach.
    mentor = person(1, teaches={"video"}, learns={"lead"})
    mentee = senior(2, teaches={"lead"}, learns={"ai"})
    proposal = run([mentor], [mentee])
    assert proposal.pairs == ()
    assert only_waitlisted(proposal, 1).reason == (
        "No senior mentee wants to learn what you can teach yet"
    )
    assert only_waitlisted(proposal, 2).code == "no_topics"


def test_forbidden_pairs_are_never_proposed() -> None:
    proposal = run([person(1)], [senior(2)], forbidden=[(1, 2)])
    assert proposal.pairs == ()
    assert only_waitlisted(proposal, 2).code == "forbidden"


def test_someone_on_both_sides_is_not_paired_with_themself() -> None:
    both = person(7, seniority=3, teaches={"ai"}, learns={"ai"})
    assert run([both], [both]).pairs == ()


def test_the_best_total_beats_the_greedy_first_choice() -> None:
    # Greedy would give mentor 1 to mentee 3 (the single best pair) and leave mentee 4 alone.
    mentors = [person(1, teaches={"ai", "data"}), person(2, teaches={"ai"})]
    mentees = [senior(3, learns={"ai", "data"}), senior(4, learns={"data"})]
    proposal = run(mentors, mentees)
    assert {(p.mentor_id, p.mentee_id) for p in proposal.pairs} == {(1, 4), (2, 3)}


def test_mentors_take_up_to_their_own_capacity_and_the_programme_limit() -> None:
    mentees = [senior(10 + i) for i in range(5)]
    for k, expected in ((1, 1), (2, 2), (5, 3)):
        proposal = run([person(1, capacity=3)], mentees, Rules(max_mentees_per_mentor=k))
        assert len(proposal.pairs) == expected
        assert len(proposal.waitlist) == len(mentees) - expected


def test_a_mentor_with_no_places_waits_and_says_so() -> None:
    proposal = run([person(1, capacity=0)], [senior(2)])
    assert only_waitlisted(proposal, 1).code == "no_capacity"
    assert only_waitlisted(proposal, 2).reason == (
        "The mentors who would fit have no free places this round"
    )


def test_someone_outmatched_is_told_their_candidates_went_to_better_fits() -> None:
    proposal = run([person(1)], [senior(2, learns={"ai", "data"}), senior(3)])
    assert [(p.mentor_id, p.mentee_id) for p in proposal.pairs] == [(1, 2)]
    assert only_waitlisted(proposal, 3).reason == (
        "The mentors who fit are already paired with a better-fitting mentee"
    )


def test_an_empty_side_waitlists_everyone_on_the_other() -> None:
    proposal = run([person(1), person(2)], [])
    assert [w.code for w in proposal.waitlist] == ["nobody_on_other_side"] * 2
    assert run([], []) == Proposal((), (), 0.0)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="mentee"):
        run([person(1)], [senior(2), senior(2)])


def test_pairs_carry_their_score_and_reasons() -> None:
    (pair,) = run([person(1)], [senior(2, department="Finance")]).pairs
    assert pair.score == pytest.approx(3 + 1 + 0.5)
    assert pair.reasons[0] == "The mentor can teach ai, which the mentee wants to learn"
    assert pair.reasons[-1] == "Different departments (Sales and Finance)"


# -- properties over random small pools ---------------------------------------------------------


@st.composite
def pools(draw: st.DrawFn) -> tuple[list[Participant], list[Participant], Rules, set]:
    def people(first_id: int, size: int, seniority: st.SearchStrategy[int]) -> list[Participant]:
        topics = st.frozensets(st.sampled_from(TOPICS), min_size=1, max_size=3)
        return [
            Participant(
                id=first_id + i,
                team=draw(st.sampled_from("abcd")),
                department=draw(st.sampled_from("xy")),
                seniority=draw(seniority),
                timezone=draw(st.sampled_from(ZONES)),
                teaches=draw(topics),
                learns=draw(topics),
                cadence=draw(st.sampled_from(("weekly", "fortnightly", "monthly"))),
                capacity=draw(st.sampled_from((1, 2, 1, 3, 0))),
            )
            for i in range(size)
        ]

    # Mentors are mostly junior and mentees mostly senior, so most pools have pairs to find.
    mentors = people(0, draw(st.integers(1, 6)), st.integers(0, 2))
    mentees = people(100, draw(st.integers(1, 7)), st.integers(1, 4))
    rules = Rules(
        min_seniority_gap=draw(st.integers(0, 2)),
        different_departments=draw(st.booleans()),
        max_mentees_per_mentor=draw(st.integers(1, 3)),
    )
    every_pair = [(m.id, n.id) for m in mentors for n in mentees]
    forbidden = (
        set(draw(st.lists(st.sampled_from(every_pair), max_size=4))) if every_pair else set()
    )
    return mentors, mentees, rules, forbidden


def allowed(mentor: Participant, mentee: Participant, rules: Rules, forbidden: set) -> bool:
    return (
        mentor.team != mentee.team
        and mentee.seniority - mentor.seniority >= rules.min_seniority_gap
        and not (rules.different_departments and mentor.department == mentee.department)
        and (mentor.id, mentee.id) not in forbidden
        and bool(mentor.teaches & mentee.learns)
    )


def optimum(mentors: list, mentees: list, rules: Rules, forbidden: set, weights: Weights) -> float:
    """Max-weight matching by networkx, each mentor copied once per place."""
    graph = nx.Graph()
    for m in mentors:
        for place in range(min(m.capacity, rules.max_mentees_per_mentor)):
            for n in mentees:
                if allowed(m, n, rules, forbidden):
                    weight = pair_score(m, n, weights, AT)
                    graph.add_edge(("mentor", m.id, place), ("mentee", n.id), weight=weight)
    matching = nx.max_weight_matching(graph)
    return sum(graph.edges[edge]["weight"] for edge in matching)


SOLVERS = [
    {"method": "dense"},
    {"method": "sparse"},
    {"method": "sparse", "top_k": 1},
    {"method": "sparse", "top_k": 1, "dense_max_cells": 0},
]
SOLVER_IDS = ["dense", "sparse", "sparse-top1", "sparse-top1-only"]


@pytest.mark.parametrize("options", SOLVERS, ids=SOLVER_IDS)
@settings(max_examples=60, deadline=None)
@given(pool=pools())
def test_no_hard_rule_is_ever_broken(options: dict, pool: tuple) -> None:
    mentors, mentees, rules, forbidden = pool
    proposal = run(mentors, mentees, rules, forbidden, **options)
    by_id = {p.id: p for p in mentors + mentees}
    for pair in proposal.pairs:
        assert allowed(by_id[pair.mentor_id], by_id[pair.mentee_id], rules, forbidden)
        assert pair.score > 0 and pair.reasons
    loads = Counter(p.mentor_id for p in proposal.pairs)
    for mentor_id, load in loads.items():
        assert load <= min(by_id[mentor_id].capacity, rules.max_mentees_per_mentor)
    assert max(Counter(p.mentee_id for p in proposal.pairs).values(), default=0) <= 1


@pytest.mark.parametrize("options", SOLVERS, ids=SOLVER_IDS)
@settings(max_examples=60, deadline=None)
@given(pool=pools())
def test_everyone_is_paired_or_waitlisted_with_a_reason(options: dict, pool: tuple) -> None:
    mentors, mentees, rules, forbidden = pool
    proposal = run(mentors, mentees, rules, forbidden, **options)
    waiting = {(w.role, w.person_id) for w in proposal.waitlist}
    assert len(waiting) == len(proposal.waitlist)
    assert all(w.reason for w in proposal.waitlist)
    paired = {("mentor", p.mentor_id) for p in proposal.pairs}
    paired |= {("mentee", p.mentee_id) for p in proposal.pairs}
    everyone = {("mentor", p.id) for p in mentors} | {("mentee", p.id) for p in mentees}
    assert paired | waiting == everyone and not paired & waiting


@pytest.mark.parametrize("options", SOLVERS, ids=SOLVER_IDS)
@settings(max_examples=60, deadline=None)
@given(pool=pools())
def test_nobody_waits_as_outmatched_while_a_fitting_partner_has_room(
    options: dict, pool: tuple
) -> None:
    mentors, mentees, rules, forbidden = pool
    proposal = run(mentors, mentees, rules, forbidden, **options)
    load = Counter(p.mentor_id for p in proposal.pairs)
    paired_mentees = {p.mentee_id for p in proposal.pairs}
    waiting = {w.person_id for w in proposal.waitlist}
    for m in mentors:
        room = min(m.capacity, rules.max_mentees_per_mentor) - load[m.id]
        for n in mentees:
            if allowed(m, n, rules, forbidden):
                assert not (room > 0 and n.id in waiting)
                if m.id in waiting and room > 0:
                    assert n.id in paired_mentees


@pytest.mark.parametrize("options", [{"method": "dense"}, {"method": "sparse", "top_k": 10}])
@settings(max_examples=100, deadline=None)
@given(pool=pools(), weights=st.sampled_from([Weights(), Weights(0.7, 2.5, 1.3, 0.1)]))
def test_total_equals_the_networkx_optimum(options: dict, pool: tuple, weights: Weights) -> None:
    mentors, mentees, rules, forbidden = pool
    proposal = run(mentors, mentees, rules, forbidden, weights, **options)
    best = optimum(mentors, mentees, rules, forbidden, weights)
    assert proposal.total_score == pytest.approx(sum(p.score for p in proposal.pairs))
    assert proposal.total_score == pytest.approx(best, rel=1e-9)


# -- the sparse path on a mid-size pool ---------------------------------------------------------


def random_cohort(n: int, seed: int) -> tuple[list[Participant], list[Participant], list]:
    rng = random.Random(seed)
    zones = (*ZONES, "America/Los_Angeles", "Asia/Singapore", "Australia/Sydney")
    topics = [f"topic-{i}" for i in range(20)]

    def someone(pid: int, lo: int, hi: int) -> Participant:
        return Participant(
            id=pid,
            team=f"team-{rng.randrange(30)}",
            department=f"dept-{rng.randrange(8)}",
            seniority=rng.randint(lo, hi),
            timezone=rng.choice(zones),
            teaches=frozenset(rng.sample(topics[: rng.randint(8, 20)], rng.randint(3, 6))),
            learns=frozenset(rng.sample(topics[: rng.randint(8, 20)], rng.randint(3, 6))),
            cadence=rng.choice(("weekly", "fortnightly", "monthly")),
        )

    mentors = [someone(i, 1, 5) for i in range(n)]
    mentees = [someone(n + i, 2, 8) for i in range(n)]
    return mentors, mentees, [(rng.randrange(n), n + rng.randrange(n)) for _ in range(n // 2)]


def test_sparse_path_reaches_the_dense_optimum_on_a_mid_size_pool() -> None:
    mentors, mentees, forbidden = random_cohort(1200, seed=11)
    exact = run(mentors, mentees, forbidden=forbidden, method="dense")
    sparse = run(mentors, mentees, forbidden=forbidden, method="sparse")
    assert sparse.total_score >= 0.999 * exact.total_score
    assert sparse.total_score <= exact.total_score + 1e-6
    assert 2 * len(sparse.pairs) + len(sparse.waitlist) == len(mentors) + len(mentees)

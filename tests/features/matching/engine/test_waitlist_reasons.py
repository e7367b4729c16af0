"""Each waitlist reason code, from a pool built to produce it: the reason is the true one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from features.matching.engine import Participant, Proposal, Rules, Waitlisted, Weights, propose

AT = datetime(2025, 1, 15, 12, tzinfo=UTC)


def junior(pid: int, **overrides: object) -> Participant:
    fields: dict[str, object] = dict(
        id=pid, team=f"team-{pid}", department="Sales", seniority=1,
        timezone="Europe/Berlin", teaches=frozenset({"ai"}), learns=frozenset(), cadence="weekly")
    return Participant(**{**fields, **overrides})  # type: ignore[arg-type]


def senior(pid: int, **overrides: object) -> Participant:
    return junior(pid, **{"seniority": 5, "teaches": frozenset(), "learns": {"ai"}, **overrides})


def waiting(proposal: Proposal, person_id: int) -> Waitlisted:
    (entry,) = [w for w in proposal.waitlist if w.person_id == person_id]
    return entry


SENIOR = 100


def round_for(mentors: list[Participant], *, rules: Rules | None = None,
              forbidden: tuple[tuple[int, int], ...] = (),
              blocked: dict | None = None, team: str = "payments",  # type: ignore[type-arg]
              ) -> Waitlisted:
    proposal = propose(mentors, [senior(SENIOR, team=team)], Weights(), rules or Rules(),
                       forbidden, at=AT, blocked=blocked)
    return waiting(proposal, SENIOR)


def test_nobody_teaches_the_topic_even_with_mentors_on_other_teams() -> None:
    entry = round_for([junior(1, teaches={"social"}), junior(2, teaches={"video"})])
    assert entry.code == "no_topics"
    assert entry.reason == "No junior mentor can teach what you want to learn yet"


def test_the_only_mentor_who_teaches_it_is_on_their_own_team() -> None:
    # Another mentor outside the team exists, but teaches something else: the truth is the team.
    entry = round_for([junior(1, team="payments"), junior(2, teaches={"social"})])
    assert entry.code == "same_team"
    assert entry.reason == "Every possible mentor is on your own team"


def test_the_only_mentor_who_teaches_it_is_in_their_reporting_line() -> None:
    entry = round_for([junior(1), junior(2, teaches={"social"})],
                      blocked={"reporting_line": [(1, SENIOR)]})
    assert entry.code == "reporting_line"
    assert entry.reason == "Every possible mentor is in your own reporting line"


def test_dont_pair_with_is_never_named_in_the_reason() -> None:
    entry = round_for([junior(1)], blocked={"do_not_pair": [(1, SENIOR)]})
    assert entry.code == "do_not_pair"
    assert entry.reason == "No available mentor fits the program's rules yet"
    assert "pair" not in entry.reason.lower().replace("program", "")


def test_every_mentor_who_fits_is_full() -> None:
    entry = round_for([junior(1, capacity=0), junior(2, teaches={"social"})])
    assert entry.code == "no_capacity"


def test_every_mentor_who_teaches_it_is_too_senior() -> None:
    entry = round_for([junior(1, seniority=5)])
    assert entry.code == "seniority"


def test_paired_before_is_its_own_reason() -> None:
    entry = round_for([junior(1)], forbidden=((1, SENIOR),))
    assert entry.code == "forbidden"


@pytest.mark.parametrize("code", ["reporting_line", "do_not_pair"])
def test_a_kept_apart_pair_is_never_proposed(code: str) -> None:
    proposal = propose([junior(1), junior(2, teaches={"ai"})], [senior(SENIOR)], Weights(),
                       Rules(), at=AT, blocked={code: [(1, SENIOR)]})
    assert [(p.mentor_id, p.mentee_id) for p in proposal.pairs] == [(2, SENIOR)]

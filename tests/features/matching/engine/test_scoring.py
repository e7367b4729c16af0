"""Pair scores, working-hour overlap and the reasons shown to reviewers."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.matching.engine import Participant, Rules, Weights, pair_reasons, pair_score
from features.matching.engine.pool_scoring import block_scores, encode_pool
from features.matching.engine.scoring import (
    cadence_closeness,
    utc_offset_hours,
    working_hours_overlap,
)

WINTER = datetime(2025, 1, 15, 12, tzinfo=UTC)
LABELS = {
    "ai": "AI and digital tools",
    "social": "Social media and digital communication",
    "lead": "Leadership",
}


def person(pid: int = 1, **overrides: object) -> Participant:
    fields: dict[str, object] = dict(
        id=pid,
        team="Platform",
        department="Sales",
        seniority=1,
        timezone="Europe/Berlin",
        teaches=frozenset(),
        learns=frozenset(),
        cadence="weekly",
    )
    fields.update(overrides)
    return Participant(**fields)  # type: ignore[arg-type]


def overlap(a: str, b: str, at: datetime = WINTER) -> float:
    return working_hours_overlap(utc_offset_hours(a, at), utc_offset_hours(b, at))


def test_neighbouring_timezones_share_all_but_the_offset() -> None:
    assert overlap("Europe/Berlin", "Europe/London") == 7
    assert overlap("Europe/Berlin", "Europe/Berlin") == 8


def test_half_hour_offsets_count_half_hours() -> None:
    assert overlap("Asia/Kolkata", "Europe/London") == pytest.approx(2.5)


def test_far_apart_timezones_share_no_working_hours() -> None:
    assert overlap("Asia/Tokyo", "America/New_York") == 0


def test_offsets_wrap_around_the_date_line() -> None:
    # Auckland is UTC+13 in January and Los Angeles UTC-8: 21 hours, or 3 the other way round.
    assert overlap("Pacific/Auckland", "America/Los_Angeles") == 5


def test_daylight_saving_time_is_taken_at_the_given_moment() -> None:
    # Between the US and the UK switch dates New York is only four hours behind London.
    assert overlap("Europe/London", "America/New_York") == 3
    assert overlap("Europe/London", "America/New_York", datetime(2025, 3, 20, tzinfo=UTC)) == 4


def test_unknown_timezones_earn_no_overlap() -> None:
    assert utc_offset_hours("Mars/Olympus_Mons", WINTER) is None
    assert overlap("Mars/Olympus_Mons", "Europe/Berlin") == 0


def test_cadences_match_fully_half_or_not_at_all() -> None:
    assert cadence_closeness("weekly", "Weekly ") == 1
    assert cadence_closeness("weekly", "fortnightly") == 0.5
    assert cadence_closeness("biweekly", "monthly") == 0.5
    assert cadence_closeness("weekly", "monthly") == 0
    assert cadence_closeness("daily", "weekly") == 0


def test_score_adds_taught_topics_learning_back_hours_and_cadence() -> None:
    mentor = person(1, teaches={"ai", "social"}, learns={"lead"}, timezone="Europe/Berlin")
    mentee = person(
        2, teaches={"lead"}, learns={"ai", "social"}, timezone="Europe/London", seniority=4
    )
    weights = Weights(teach=3, learn_back=1, timezone=1, cadence=0.5)
    assert pair_score(mentor, mentee, weights, WINTER) == 3 * 2 + 1 * 1 + 7 / 8 + 0.5


def test_reasons_name_topics_hours_and_departments_in_words() -> None:
    mentor = person(1, teaches={"ai", "social"}, learns={"lead"}, department="Sales")
    mentee = person(
        2,
        teaches={"lead"},
        learns={"ai", "social"},
        timezone="Europe/London",
        department="Finance",
        seniority=4,
        cadence="fortnightly",
    )
    assert pair_reasons(mentor, mentee, WINTER, LABELS) == (
        "The mentor can teach AI and digital tools, Social media and digital communication, "
        "which the mentee wants to learn",
        "The mentee can share Leadership in return",
        "The mentee is 3 levels more senior",
        "7 working hours overlap (timezones 1 hour apart)",
        "Similar meeting rhythms (weekly and fortnightly)",
        "Different departments (Sales and Finance)",
    )


def test_reasons_fall_back_to_topic_ids_and_flag_hours_that_do_not_overlap() -> None:
    mentor = person(1, teaches={"python"}, timezone="Asia/Tokyo", cadence="monthly")
    mentee = person(2, learns={"python"}, timezone="America/New_York", seniority=2)
    reasons = pair_reasons(mentor, mentee, WINTER, {})
    assert reasons[0] == "The mentor can teach python, which the mentee wants to learn"
    assert "No shared working hours (timezones 10 hours apart)" in reasons[2]
    assert reasons[3] == "Different meeting rhythms (monthly and weekly)"


def test_reasons_never_mention_who_the_people_are() -> None:
    mentor = person(4711, team="Rocket Team", teaches={"ai"})
    mentee = person(815, team="Board", learns={"ai"}, seniority=3)
    text = " ".join(pair_reasons(mentor, mentee, WINTER, LABELS))
    assert "4711" not in text and "815" not in text
    assert "Rocket" not in text and "Board" not in text


def test_weights_must_make_teaching_count() -> None:
    with pytest.raises(ValueError, match="teach"):
        Weights(teach=0)
    with pytest.raises(ValueError, match="cadence"):
        Weights(cadence=-1)
    with pytest.raises(ValueError, match="learn_back"):
        Weights(learn_back=float("nan"))


def test_rules_reject_a_mentee_junior_to_the_mentor_and_zero_places() -> None:
    with pytest.raises(ValueError):
        Rules(min_seniority_gap=-1)
    with pytest.raises(ValueError):
        Rules(max_mentees_per_mentor=0)


def test_participants_freeze_the_topic_sets_they_are_given() -> None:
    p = person(teaches=["ai", "ai"], learns={"lead"})
    assert p.teaches == frozenset({"ai"}) and isinstance(p.learns, frozenset)
    with pytest.raises(ValueError):
        person(capacity=-1)


TOPICS = ("ai", "social", "lead", "data")
ZONES = ("Europe/Berlin", "Asia/Kolkata", "America/New_York", "Pacific/Auckland", "Nowhere/Else")
people = st.builds(
    Participant,
    id=st.integers(0, 10**6),
    team=st.sampled_from("ab"),
    department=st.sampled_from("xy"),
    seniority=st.integers(0, 3),
    timezone=st.sampled_from(ZONES),
    teaches=st.frozensets(st.sampled_from(TOPICS)),
    learns=st.frozensets(st.sampled_from(TOPICS)),
    cadence=st.sampled_from(("weekly", "fortnightly", "monthly", "daily")),
)
weights = st.builds(
    Weights,
    teach=st.floats(0.1, 5),
    learn_back=st.floats(0, 5),
    timezone=st.floats(0, 5),
    cadence=st.floats(0, 5),
)


@settings(max_examples=60, deadline=None)
@given(
    mentors=st.lists(people, min_size=1, max_size=5),
    mentees=st.lists(people, min_size=1, max_size=5),
    weights=weights,
    gap=st.integers(0, 2),
    departments=st.booleans(),
)
def test_vectorised_scores_equal_the_single_pair_score_where_allowed(
    mentors: list[Participant],
    mentees: list[Participant],
    weights: Weights,
    gap: int,
    departments: bool,
) -> None:
    rules = Rules(min_seniority_gap=gap, different_departments=departments)
    pool = encode_pool(mentors, mentees, weights, rules, [], WINTER)
    block = block_scores(pool, np.arange(len(mentors)), np.arange(len(mentees)))
    for i, a in enumerate(mentors):
        for j, b in enumerate(mentees):
            allowed = (
                a.team != b.team
                and b.seniority - a.seniority >= gap
                and not (departments and a.department == b.department)
                and bool(a.teaches & b.learns)
            )
            expected = pair_score(a, b, weights, WINTER) if allowed else 0.0
            assert block[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-12)
            assert (block[i, j] > 0) == allowed

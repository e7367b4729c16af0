"""How well a mentor fits a mentee, one pair at a time: the score and the reasons in words.

A pair is only ever proposed when it passes every hard rule *and* the mentor can teach at least
one topic the mentee wants to learn: a pair must have something to talk about, so a positive
teach term is part of eligibility, not just of the score. The same score for whole blocks of
the pool at once is pool_scoring.py; both read the helpers here, so they agree.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from features.matching.engine.model import Participant, Weights

CADENCE_ORDER = ("weekly", "fortnightly", "monthly")
_CADENCE_ALIASES = {"biweekly": "fortnightly", "bi-weekly": "fortnightly"}
WORKDAY_HOURS = 8.0  # 09:00-17:00 local


@lru_cache(maxsize=4096)
def utc_offset_hours(timezone: str, at: datetime) -> float | None:
    """UTC offset in hours at `at` (DST matters), or None when the name is not a known zone."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    offset = at.astimezone(zone).utcoffset()
    return None if offset is None else offset.total_seconds() / 3600


def hours_apart(a: float, b: float) -> float:
    # On a 24-hour clock: +12 and -11 are one hour apart, not 23.
    d = abs(a - b) % 24
    return min(d, 24 - d)


def working_hours_overlap(a: float | None, b: float | None) -> float:
    if a is None or b is None:
        return 0.0
    return max(0.0, WORKDAY_HOURS - hours_apart(a, b))


def canonical_cadence(value: str) -> str:
    key = value.strip().lower()
    return _CADENCE_ALIASES.get(key, key)


def cadence_closeness(a: str, b: str) -> float:
    """1 for the same cadence, 0.5 for neighbours (weekly/fortnightly), else 0."""
    a, b = canonical_cadence(a), canonical_cadence(b)
    if a == b:
        return 1.0
    if a in CADENCE_ORDER and b in CADENCE_ORDER:
        return 0.5 if abs(CADENCE_ORDER.index(a) - CADENCE_ORDER.index(b)) == 1 else 0.0
    return 0.0


def as_aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def pair_score(mentor: Participant, mentee: Participant, weights: Weights, at: datetime) -> float:
    """The score alone; eligibility (hard rules, topic overlap) is checked elsewhere."""
    at = as_aware(at)
    overlap = working_hours_overlap(
        utc_offset_hours(mentor.timezone, at), utc_offset_hours(mentee.timezone, at)
    )
    return (
        weights.teach * len(mentor.teaches & mentee.learns)
        + weights.learn_back * len(mentee.teaches & mentor.learns)
        + weights.timezone * overlap / WORKDAY_HOURS
        + weights.cadence * cadence_closeness(mentor.cadence, mentee.cadence)
    )


def _num(x: float) -> str:
    return f"{x:g}"


def _plural(x: float, word: str) -> str:
    return f"{_num(x)} {word}{'' if x == 1 else 's'}"


def _topics(ids: Collection[str], labels: Mapping[str, str]) -> str:
    return ", ".join(sorted((labels.get(t, t) for t in ids), key=str.casefold))


def pair_reasons(
    mentor: Participant, mentee: Participant, at: datetime, topic_labels: Mapping[str, str]
) -> tuple[str, ...]:
    """Why this pair fits, in short sentences. No names: reviewers may see pairs blind."""
    at = as_aware(at)
    reasons = []
    taught = mentor.teaches & mentee.learns
    if taught:
        reasons.append(
            f"The mentor can teach {_topics(taught, topic_labels)}, which the mentee wants to learn"
        )
    shared = mentee.teaches & mentor.learns
    if shared:
        reasons.append(f"The mentee can share {_topics(shared, topic_labels)} in return")
    gap = mentee.seniority - mentor.seniority
    reasons.append(f"The mentee is {_plural(gap, 'level')} more senior")

    a, b = utc_offset_hours(mentor.timezone, at), utc_offset_hours(mentee.timezone, at)
    if a is None or b is None:
        reasons.append("Shared working hours unknown: a timezone is not recognised")
    elif (apart := hours_apart(a, b)) == 0:
        reasons.append("Same working hours (same timezone offset)")
    elif (overlap := working_hours_overlap(a, b)) > 0:
        reasons.append(
            f"{_plural(overlap, 'working hour')} overlap (timezones {_plural(apart, 'hour')} apart)"
        )
    else:
        reasons.append(
            f"No shared working hours (timezones {_plural(apart, 'hour')} apart), "
            "so calls need an early or late slot"
        )

    closeness = cadence_closeness(mentor.cadence, mentee.cadence)
    if closeness == 1:
        reasons.append(f"Both prefer meeting {canonical_cadence(mentor.cadence)}")
    else:
        kind = "Similar" if closeness > 0 else "Different"
        reasons.append(
            f"{kind} meeting rhythms ({canonical_cadence(mentor.cadence)} and "
            f"{canonical_cadence(mentee.cadence)})"
        )
    if mentor.department != mentee.department:
        reasons.append(f"Different departments ({mentor.department} and {mentee.department})")
    return tuple(reasons)

"""Values that go into and come out of the matching engine: frozen, platform-free, database-free."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Role = Literal["mentor", "mentee"]

# Why someone stayed on the waitlist, for code that wants to act on it (the text is for people).
WaitlistCode = Literal[
    "nobody_on_other_side",  # the other side of the pool is empty
    "no_capacity",  # mentor: capacity 0; mentee: every fitting mentor has capacity 0
    "seniority",
    "same_team",
    "same_department",
    "no_topics",
    "reporting_line",  # with an HR import: manager, manager's manager, direct reports
    "do_not_pair",  # someone's confidential "please don't pair me with": never named as such
    "forbidden",
    "outmatched",  # candidates existed, but the best overall assignment used them elsewhere
]


@dataclass(frozen=True)
class Participant:
    """One person in the pool. Mentors are the juniors, mentees the seniors (reverse mentoring)."""

    id: int
    team: str
    department: str
    seniority: int  # rank: higher = more senior
    timezone: str  # IANA name, e.g. "Europe/Berlin"; unknown names just earn no overlap score
    teaches: frozenset[str]  # topic ids this person can teach or share
    learns: frozenset[str]  # topic ids this person wants to learn
    cadence: str  # "weekly", "fortnightly", "monthly", ...
    capacity: int = 1  # mentors only: how many mentees they take

    def __post_init__(self) -> None:
        # Callers often hold plain sets or lists from storage; freeze them so the value is hashable.
        object.__setattr__(self, "teaches", frozenset(self.teaches))
        object.__setattr__(self, "learns", frozenset(self.learns))
        if self.capacity < 0:
            raise ValueError(f"participant {self.id}: capacity must be >= 0, not {self.capacity}")


@dataclass(frozen=True)
class Weights:
    """How much each part of a pair's fit counts. `teach` must be positive: it is the main point."""

    teach: float = 3.0  # per topic the junior mentor teaches that the senior mentee wants to learn
    learn_back: float = 1.0  # per topic the senior can share that the junior wants to learn
    timezone: float = 1.0  # scaled by shared working hours (09:00-17:00 local) / 8
    cadence: float = 0.5  # same preferred cadence; adjacent cadences count half

    def __post_init__(self) -> None:
        values = {n: getattr(self, n) for n in ("teach", "learn_back", "timezone", "cadence")}
        for name, value in values.items():
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {name} must be a finite number >= 0, not {value}")
        # Every proposed pair must score above zero, otherwise "maximise the total" could not
        # tell a pair from no pair; a positive teach weight guarantees it.
        if self.teach <= 0:
            raise ValueError("weight teach must be > 0")


@dataclass(frozen=True)
class Rules:
    """Hard rules; no score can buy an exception to them."""

    min_seniority_gap: int = 1  # mentee.seniority - mentor.seniority >= this
    different_departments: bool = False
    max_mentees_per_mentor: int = 1  # k; a mentor's own limit is min(capacity, k)

    def __post_init__(self) -> None:
        if self.min_seniority_gap < 0:
            raise ValueError("min_seniority_gap must be >= 0: the mentee is never the junior")
        if self.max_mentees_per_mentor < 1:
            raise ValueError("max_mentees_per_mentor must be >= 1")


@dataclass(frozen=True)
class ProposedPair:
    mentor_id: int
    mentee_id: int
    score: float
    reasons: tuple[str, ...]  # short, friendly, and free of names so the review can be blind


@dataclass(frozen=True)
class Waitlisted:
    person_id: int
    role: Role
    reason: str  # addressed to the person: "No mentee is senior enough ..."
    code: WaitlistCode


@dataclass(frozen=True)
class Proposal:
    """Everyone from the input appears exactly once: as a mentee in `pairs`, a mentor in at least
    one pair, or in `waitlist`."""

    pairs: tuple[ProposedPair, ...]
    waitlist: tuple[Waitlisted, ...]
    total_score: float

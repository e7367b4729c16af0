"""Program goals in app.yaml: measurable targets, each a metric from a fixed catalogue.

A goal's deadline counts in months from the start of the pairs it measures (each pair's own
start for pair metrics; the cohort's, or the first pair's, for program metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Unit = Literal["percent", "score", "nps", "points", "people"]


@dataclass(frozen=True)
class Metric:
    """One metric of the catalogue: what it measures, its unit, its bounds, and whether it is
    drawn from people's answers (held to the minimum group size) or from activity (exact)."""

    name: str
    unit: Unit
    low: float
    high: float
    from_answers: bool


CATALOGUE: dict[str, Metric] = {
    "applied_new_skill": Metric("Senior mentees applying a new skill", "percent", 0, 100, True),
    "meeting_rhythm": Metric("Pairs meeting at their agreed rhythm", "percent", 0, 100, False),
    "goals_achieved": Metric("Goals achieved at closing", "percent", 0, 100, True),
    "satisfaction": Metric("Average satisfaction", "score", 1, 5, True),
    "would_recommend": Metric("Would recommend (NPS-style)", "nps", -100, 100, True),
    "retention": Metric("Retention of participants vs everyone else", "points", -100, 100, True),
    "enrolment": Metric("People enrolled", "people", 0, 1_000_000, False),
    "future_leader": Metric("Closings that surfaced a potential future leader", "percent", 0,
                            100, True),
}
METRICS = tuple(CATALOGUE)


class Goal(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    target: float
    by_month: int = Field(default=6, ge=1, le=36)
    name: str | None = Field(default=None, min_length=1, max_length=80)

    @field_validator("metric")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CATALOGUE:
            raise ValueError(f"unknown metric “{value}”; choose one of {', '.join(METRICS)}")
        return value

    @model_validator(mode="after")
    def _in_range(self) -> Goal:
        metric = CATALOGUE[self.metric]
        if not metric.low <= self.target <= metric.high:
            raise ValueError(f"target {self.target:g} is outside {metric.low:g}–{metric.high:g} "
                             f"for {self.metric}")
        return self

    @property
    def key(self) -> str:
        return f"{self.metric}:{self.by_month}"

    @property
    def title(self) -> str:
        return self.name or CATALOGUE[self.metric].name


# The seed guidance: "25% of senior participants apply a new skill from the program by month
# six"; satisfaction, enrolment and retention measured so leadership can see the program work.
DEFAULT_GOALS: tuple[Goal, ...] = (
    Goal(metric="applied_new_skill", target=25, by_month=6),
    Goal(metric="meeting_rhythm", target=70, by_month=2),
    Goal(metric="goals_achieved", target=50, by_month=6),
    Goal(metric="satisfaction", target=4.0, by_month=2),
    Goal(metric="would_recommend", target=30, by_month=6),
    Goal(metric="retention", target=0, by_month=6),
    Goal(metric="enrolment", target=20, by_month=1),
    Goal(metric="future_leader", target=20, by_month=6),
)

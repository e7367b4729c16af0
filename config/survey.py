"""The sign-up survey as configured in app.yaml: topics, levels, departments, teams and choices.

Its own module because it carries its own consistency checks and the lookups the flows use
(labels, seniority rank, every team).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from config.frozen_model import FrozenModel


class Topic(FrozenModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")
    label: str = Field(min_length=1, max_length=75)
    # Which side wants to learn it: seniors learn the digital topics, juniors learn leadership.
    learned_by: Literal["senior", "junior", "both"] = "both"


class Option(FrozenModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")
    label: str = Field(min_length=1, max_length=75)


class Survey(FrozenModel):
    topics: tuple[Topic, ...] = Field(min_length=2, max_length=100)
    seniority_levels: tuple[Option, ...] = Field(min_length=2, max_length=100)
    departments: tuple[Option, ...] = Field(min_length=1, max_length=100)
    cadences: tuple[Option, ...] = Field(min_length=1, max_length=20)
    meeting_modes: tuple[Option, ...] = Field(min_length=1, max_length=20)
    goals_max_length: int = Field(default=500, ge=50, le=2000)
    # The teams people pick from, by department id. Without a list, people type their team's
    # name, and names that differ only in case, spacing or a trailing "team" are one team.
    teams: dict[str, tuple[Option, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_ids(self) -> Survey:
        for name in ("topics", "seniority_levels", "departments", "cadences", "meeting_modes"):
            ids = [o.id for o in getattr(self, name)]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"survey.{name} lists {', '.join(dupes)} more than once")
        departments = {o.id for o in self.departments}
        unknown = sorted(set(self.teams) - departments)
        if unknown:
            raise ValueError(f"survey.teams names departments that survey.departments does "
                             f"not list: {', '.join(unknown)}")
        ids = [o.id for _, o in self.all_teams()]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"survey.teams lists {', '.join(dupes)} more than once")
        return self

    def all_teams(self) -> list[tuple[str, Option]]:
        """(department id, team) for every listed team, in the order app.yaml gives them."""
        return [(department, team) for department, teams in self.teams.items()
                for team in teams]

    def topic_label(self, topic_id: str) -> str:
        return next((t.label for t in self.topics if t.id == topic_id), topic_id)

    def seniority_rank(self, level_id: str) -> int:
        ids = [o.id for o in self.seniority_levels]
        return ids.index(level_id) if level_id in ids else -1

    @staticmethod
    def label_of(options: tuple[Option, ...], option_id: str | None) -> str:
        return next((o.label for o in options if o.id == option_id), option_id or "not set")

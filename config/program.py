"""The program as configured in app.yaml: validated once at start-up, then read-only.

The sections with checks or lookups of their own live beside it: survey, admins, teams_app.
"""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from config.admins import Admins
from config.frozen_model import FrozenModel
from config.goals import DEFAULT_GOALS, Goal
from config.survey import Survey
from config.teams_app import TeamsApp


class Matching(FrozenModel):
    teach_weight: float = Field(default=3.0, gt=0)  # the point of a pair: must count
    learn_back_weight: float = Field(default=1.0, ge=0)
    timezone_weight: float = Field(default=1.0, ge=0)
    cadence_weight: float = Field(default=0.5, ge=0)
    min_seniority_gap: int = Field(default=1, ge=0)
    different_departments: bool = False
    max_mentees_per_mentor: int = Field(default=1, ge=1, le=5)
    blind_review: bool = True
    # assigned: admins run rounds; self: senior mentees pick from suggestions and ask;
    # hybrid: both, rounds covering whoever has not found a pair themselves.
    mode: Literal["assigned", "self", "hybrid"] = "assigned"
    request_days: int = Field(default=5, ge=1, le=60)  # a mentor's time to answer a request
    nudge_days: int = Field(default=7, ge=1, le=365)  # waiting this long without asking: one nudge
    check_in_days: int = Field(default=30, ge=1, le=365)  # waiting this long: "still interested?"
    # With a manager column in the HR import: never a manager, their manager or a direct report.
    avoid_reporting_line: bool = True


class Prompts(FrozenModel):
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday"] = "monday"
    local_time: time = time(9, 30)


class Nudges(FrozenModel):
    inactive_days: int = Field(default=14, ge=1)
    every_days: int = Field(default=7, ge=1)
    escalate_after: int = Field(default=2, ge=1)
    signup_reminder_days: int = Field(default=3, ge=1)
    # A pair where someone hasn't agreed (introduction, then kick-off): reminders to whoever
    # is missing on these days, then the admins hear on `agreement_escalate_days`.
    agreement_reminder_days: tuple[int, ...] = Field(default=(3, 7), min_length=1, max_length=5)
    agreement_escalate_days: int = Field(default=10, ge=1)


class Meetings(FrozenModel):
    """*Find a time*: slots inside both people's working hours, in their own timezones."""

    work_starts: time = time(9, 0)
    work_ends: time = time(17, 0)
    minutes: int = Field(default=30, ge=15, le=120)


class Pulse(FrozenModel):
    every_weeks: int = Field(default=4, ge=1)
    # Days a poll round (and a cohort's closing survey) takes answers; its results are
    # released once, when it closes, so no figure ever moves by one person's answer.
    window_days: int = Field(default=7, ge=1, le=28)

    @model_validator(mode="after")
    def _rounds_do_not_overlap(self) -> Pulse:
        if self.window_days > 7 * self.every_weeks:
            raise ValueError(f"window_days is {self.window_days}, longer than the "
                             f"{7 * self.every_weeks} days between polls")
        return self


class Schedule(FrozenModel):
    """Minutes between runs of each scheduled job. Jobs only queue; a rerun sends nothing twice."""

    resume_pauses: int = Field(default=60, ge=1, le=1440)
    weekly_prompts: int = Field(default=15, ge=1, le=1440)
    nudges: int = Field(default=60, ge=1, le=1440)
    signup_reminders: int = Field(default=60, ge=1, le=1440)
    agreement_reminders: int = Field(default=60, ge=1, le=1440)
    milestones: int = Field(default=15, ge=1, le=1440)
    cohort_dates: int = Field(default=60, ge=1, le=1440)
    meeting_reminders: int = Field(default=15, ge=1, le=1440)
    pulse_polls: int = Field(default=60, ge=1, le=1440)
    housekeeping: int = Field(default=1440, ge=1, le=10080)
    match_requests: int = Field(default=60, ge=1, le=1440)  # expire requests, nudge choosers
    check_ins: int = Field(default=360, ge=1, le=1440)
    # Background work left by a stopped process (a restart, a crashed replica) is told to the
    # admin who asked; the first run comes seconds after start-up.
    stopped_runs: int = Field(default=1, ge=1, le=60)  # exports and reports
    stopped_rounds: int = Field(default=1, ge=1, le=60)


class Delivery(FrozenModel):
    """Pacing under the platforms' limits: Slack ~1 message/s per conversation plus a workspace
    cap; Teams ~30-50 requests/s per app per tenant. Per workspace or tenant, per second."""

    slack_per_second: float = Field(default=20.0, gt=0, le=1000)
    teams_per_second: float = Field(default=25.0, gt=0, le=1000)
    web_per_second: float = Field(default=500.0, gt=0, le=10000)
    per_conversation_seconds: float = Field(default=1.0, ge=0, le=60)
    in_flight: int = Field(default=32, ge=1, le=512)
    # Slack Home tabs (views.publish, Tier 4: about 100 a minute per workspace), paced apart
    # from posts, per replica.
    slack_home_views_per_minute: float = Field(default=100.0, gt=0, le=6000)

    def rates(self) -> dict[str, float]:
        return {"slack": self.slack_per_second, "teams": self.teams_per_second,
                "web": self.web_per_second}


class Privacy(FrozenModel):
    min_group_size: int = Field(default=5, ge=2)


class DemoPerson(FrozenModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1, max_length=60)


class WebChat(FrozenModel):
    enabled: Literal["auto", "on", "off"] = "auto"
    people: tuple[DemoPerson, ...] = ()

class Program(FrozenModel):
    name: str = Field(default="Turnabout", min_length=1, max_length=60)
    command: str = Field(default="/mentoring", pattern=r"^/[a-z0-9_-]{1,31}$")
    duration_months: int = Field(default=6, ge=1, le=24)
    admins: Admins = Admins()
    survey: Survey
    matching: Matching = Matching()
    prompts: Prompts = Prompts()
    nudges: Nudges = Nudges()
    meetings: Meetings = Meetings()
    pulse: Pulse = Pulse()
    schedule: Schedule = Schedule()
    delivery: Delivery = Delivery()
    privacy: Privacy = Privacy()
    web_chat: WebChat = WebChat()
    teams_app: TeamsApp = TeamsApp()
    goals: tuple[Goal, ...] = Field(default=DEFAULT_GOALS, max_length=20)

    @field_validator("goals")
    @classmethod
    def _distinct_goals(cls, goals: tuple[Goal, ...]) -> tuple[Goal, ...]:
        keys = [g.key for g in goals]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} is listed more than once (metric:by_month)")
        return goals

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class ConfigError(Exception):
    """A configuration problem, worded for the operator: which key, what is wrong."""


def parse_program(data: object, source: str = "app.yaml") -> Program:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings at the top level")
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(f"{source}: {key}: {message}{suffix}") from None

"""The program as configured in app.yaml: validated once at start-up, then read-only."""

from __future__ import annotations

import re
from datetime import time
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from config.goals import DEFAULT_GOALS, Goal

if TYPE_CHECKING:  # config sits below core: the type only, never the import
    from core.events import Address


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Topic(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")
    label: str = Field(min_length=1, max_length=75)
    # Which side wants to learn it: seniors learn the digital topics, juniors learn leadership.
    learned_by: Literal["senior", "junior", "both"] = "both"


class Option(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")
    label: str = Field(min_length=1, max_length=75)


class Survey(_Frozen):
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


SLACK_ADMIN = re.compile(r"(?:(?P<tenant>[TE][A-Z0-9]+):)?(?P<user>[UW][A-Z0-9]+)")


class Admins(_Frozen):
    """Admins per platform. A Slack user id belongs to one workspace (the same id elsewhere
    is someone else), so a Slack admin is `T…:U…` (workspace id and user id; `E…:W…` for an
    organisation's org-wide install), or a bare `U…`, which counts only with a single bot
    token, in its workspace: with OAuth installs a bare id is dropped at start-up."""

    slack: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    web: tuple[str, ...] = ()

    @field_validator("slack")
    @classmethod
    def _slack_ids(cls, ids: tuple[str, ...]) -> tuple[str, ...]:
        for entry in ids:
            if not SLACK_ADMIN.fullmatch(entry):
                raise ValueError(f"{entry!r} is not a Slack user id (U…) or a workspace id and "
                                 "user id (T…:U…)")
        return ids

    def listed(self) -> dict[str, tuple[str, ...]]:
        """The configured admin ids of each platform."""
        return {name: getattr(self, name) for name in type(self).model_fields}

    def slack_admins(self) -> tuple[tuple[str | None, str], ...]:
        """(workspace or organisation id, or None for a bare id; user id) of each Slack admin."""
        found = (SLACK_ADMIN.fullmatch(entry) for entry in self.slack)
        return tuple((m["tenant"], m["user"]) for m in found if m)

    def bare_slack(self) -> tuple[str, ...]:
        return tuple(user for tenant, user in self.slack_admins() if tenant is None)

    def without_bare_slack(self) -> Admins:
        """For many workspaces (OAuth installs): a bare user id names nobody in particular."""
        return self.model_copy(update={"slack": tuple(
            f"{tenant}:{user}" for tenant, user in self.slack_admins() if tenant is not None)})

    def includes(self, address: Address, directory_id: str | None = None) -> bool:
        if address.platform == "slack":
            return any(user == address.user_id and tenant in (None, address.tenant_id)
                       for tenant, user in self.slack_admins())
        listed = getattr(self, address.platform)
        return address.user_id in listed or (directory_id is not None and directory_id in listed)


class Matching(_Frozen):
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


class Prompts(_Frozen):
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday"] = "monday"
    local_time: time = time(9, 30)


class Nudges(_Frozen):
    inactive_days: int = Field(default=14, ge=1)
    every_days: int = Field(default=7, ge=1)
    escalate_after: int = Field(default=2, ge=1)
    signup_reminder_days: int = Field(default=3, ge=1)
    # A pair where someone hasn't agreed (introduction, then kick-off): reminders to whoever
    # is missing on these days, then the admins hear on `agreement_escalate_days`.
    agreement_reminder_days: tuple[int, ...] = Field(default=(3, 7), min_length=1, max_length=5)
    agreement_escalate_days: int = Field(default=10, ge=1)


class Meetings(_Frozen):
    """*Find a time*: slots inside both people's working hours, in their own timezones."""

    work_starts: time = time(9, 0)
    work_ends: time = time(17, 0)
    minutes: int = Field(default=30, ge=15, le=120)


class Pulse(_Frozen):
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


class Schedule(_Frozen):
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


class Delivery(_Frozen):
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


class Privacy(_Frozen):
    min_group_size: int = Field(default=5, ge=2)


class DemoPerson(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1, max_length=60)


class WebChat(_Frozen):
    enabled: Literal["auto", "on", "off"] = "auto"
    people: tuple[DemoPerson, ...] = ()


_HTTPS = r"^https://[^\s/?#]+(/\S*)?$"
PLACEHOLDER_HOST = "example.com"


class TeamsApp(_Frozen):
    """What Teams shows about the app when an admin uploads it and people install it
    (`turnabout teams-package`). The lengths are the Teams manifest's own limits."""

    short_name: str = Field(default="Turnabout", min_length=1, max_length=30)
    full_name: str = Field(default="Turnabout reverse mentoring", min_length=1, max_length=100)
    short_description: str = Field(
        default="Reverse mentoring: juniors mentor seniors, in a chat with a bot.",
        min_length=1, max_length=80)
    full_description: str = Field(
        default=("Turnabout runs the company's reverse mentoring program in Teams. Junior "
                 "colleagues mentor senior ones on digital tools, social media and how younger "
                 "employees see the company, and learn leadership in return. Sign up with a "
                 "short survey, get matched with a partner from another team, and receive a "
                 "conversation starter every week. Your conversations stay between the two of "
                 "you; you can pause or leave at any time."),
        min_length=1, max_length=4000)
    developer_name: str = Field(default="Your company", min_length=1, max_length=32)
    website_url: str = Field(default="https://example.com/mentoring", pattern=_HTTPS,
                             max_length=2048)
    privacy_url: str = Field(default="https://example.com/mentoring/privacy", pattern=_HTTPS,
                             max_length=2048)
    terms_url: str = Field(default="https://example.com/mentoring/terms", pattern=_HTTPS,
                           max_length=2048)
    accent_color: str = Field(default="#4F52B2", pattern=r"^#[0-9a-fA-F]{6}$")
    # Teams replaces an uploaded app only with a higher version: raise it with each upload.
    version: str = Field(default="1.0.0", pattern=r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){2}$")

    def placeholders(self) -> list[str]:
        """Settings still pointing at the example domain, which Teams would show as they are."""
        def placeholder(url: str) -> bool:
            host = (urlsplit(url).hostname or "").lower()
            return host == PLACEHOLDER_HOST or host.endswith("." + PLACEHOLDER_HOST)

        return [name for name in ("website_url", "privacy_url", "terms_url")
                if placeholder(getattr(self, name))]


class Program(_Frozen):
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

"""Feedback: pulse polls and their results, cohorts and the closing survey, announcements."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
)
from sqlmodel import Field, SQLModel

from storage.tables.columns import when as _when


class PulsePoll(SQLModel, table=True):
    """One poll round: everyone in a live pair is asked in the same cycle, whatever their
    timezone. It takes answers until `closes_at`; then its results are released, once."""

    __tablename__ = "pulse_poll"

    id: int | None = Field(default=None, primary_key=True)
    starts_on: date = Field(unique=True)  # the round's Monday: the same local date for everyone
    opened_at: datetime = Field(sa_column=_when())
    closes_at: datetime = Field(sa_column=_when())
    released_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class PollInvitation(SQLModel, table=True):
    """Who was asked in a poll round, and the cohort their pair was in then: the response rate
    of a round, or of a cohort in it, counts these rows."""

    __tablename__ = "poll_invitation"

    poll_id: int = Field(foreign_key="pulse_poll.id", primary_key=True)
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id")
    invited_at: datetime = Field(sa_column=_when())


class PulseAnswer(SQLModel, table=True):
    """One person's answer to one poll. Never shown individually; admins see aggregates."""

    __tablename__ = "pulse_answer"

    poll_id: int = Field(foreign_key="pulse_poll.id", primary_key=True)
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    pair_id: int | None = Field(default=None, foreign_key="pair.id")
    # The cohort of their pair when they answered: the only cohort this answer ever counts for.
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id")
    role: str = Field(max_length=10)
    value: int  # 1-5: how valuable the sessions were
    met: str = Field(max_length=3)  # 0 | 1 | 2 | 3+
    roles_kept: str = Field(max_length=10)  # yes | sometimes | slipped
    comment: str | None = Field(default=None, max_length=1000)
    share_comment: bool = False
    wants_help: bool = False  # asked the program team to check in with the pair
    answered_at: datetime = Field(sa_column=_when())
    updated_at: datetime = Field(sa_column=_when())


class PollResult(SQLModel, table=True):
    """What the program team may ever see of one poll round for one group, fixed when the round
    closes: counts always, sums only where core.privacy allowed them (else NULL)."""

    __tablename__ = "poll_result"

    poll_id: int = Field(foreign_key="pulse_poll.id", primary_key=True)
    scope: int = Field(primary_key=True)  # 0: the whole program; otherwise a cohort id
    invited: int
    responses: int
    value_sum: int | None = None
    roles_kept: int | None = None  # answers saying the roles stayed reversed
    met_0: int | None = None
    met_1: int | None = None
    met_2: int | None = None
    met_3: int | None = None  # three times or more
    released_at: datetime = Field(sa_column=_when())


class Cohort(SQLModel, table=True):
    """A group of pairs in time: pairs made while a cohort is open belong to it."""

    __tablename__ = "cohort"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    started_at: datetime = Field(sa_column=_when())
    ends_on: date | None = None
    closed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    created_by: int | None = Field(default=None, foreign_key="person.id")
    # The closing survey: sent when the cohort closes, open until survey_closes_at.
    survey_invited: int = 0
    survey_closes_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    survey_released_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class ClosingAnswer(SQLModel, table=True):
    """The closing survey of a cohort; like pulse answers, seen by admins only in aggregate."""

    __tablename__ = "closing_answer"

    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True)
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(max_length=10)
    learned: str | None = Field(default=None, max_length=1000)  # most valuable knowledge gained
    taught: str | None = Field(default=None, max_length=1000)  # most valuable knowledge shared
    future_leader: str = Field(max_length=10)  # yes | no | unsure
    changed_view: str = Field(max_length=10)  # more | same | less
    recommend: int  # 1-5
    helps_retention: str | None = Field(default=None, max_length=10)  # senior mentees: yes|no|unsure
    share_text: bool = False
    answered_at: datetime = Field(sa_column=_when())


class ClosingResult(SQLModel, table=True):
    """What the program team may ever see of a cohort's closing survey, fixed when it closes:
    counts always, sums only over enough answers (else NULL)."""

    __tablename__ = "closing_result"

    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True)
    invited: int
    responses: int
    recommend_sum: int | None = None
    future_leader_yes: int | None = None
    view_more: int | None = None  # more positive about the company and their career here
    view_less: int | None = None
    promoters: int | None = None  # would recommend: 5 of 5
    detractors: int | None = None  # would recommend: 1 to 3
    # The senior mentees' ROI question (information to help retain junior staff): shown only
    # when enough of them answered it, whatever the survey's total.
    helps_retention_asked: int | None = None
    helps_retention_yes: int | None = None
    released_at: datetime = Field(sa_column=_when())


class OutcomeRelease(SQLModel, table=True):
    """A running total drawn from the pairs' own check-ins (mid-point and closing), released
    when a poll round or a closing survey is released. A figure is released again only once at
    least `privacy.min_group_size` answers were added since its last release, so no two of its
    released values differ by fewer answers than that. Activity figures (meeting rhythm,
    retention) are recorded at the same moments, for trends."""

    __tablename__ = "outcome_release"
    __table_args__ = (Index("ix_outcome_release_figure", "figure", "scope", "released_at"),)

    id: int | None = Field(default=None, primary_key=True)
    figure: str = Field(max_length=40)  # mid | end | mentee | mentee-end | rhythm | retention
    scope: int  # 0: the whole program; otherwise a cohort id
    answers: int  # the answers (or pairs, or people) the figure covers
    counts: str = Field(sa_column=Column(Text, nullable=False))  # JSON: {name: whole number}
    released_at: datetime = Field(sa_column=_when())


class Announcement(SQLModel, table=True):
    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(sa_column=_when())
    recipients: int = 0

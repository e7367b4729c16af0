"""A pair's engagement and journey: meetings, prompts, nudges, kick-off, goals, check-ins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.tables.columns import when as _when


class Meeting(SQLModel, table=True):
    """A meeting a pair reported: once per pair per day, whoever reports it."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("pair_id", "day", name="uq_meeting_pair_day"),)

    id: int | None = Field(default=None, primary_key=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    day: date
    reported_by: int | None = Field(default=None, foreign_key="person.id")
    note: str | None = Field(default=None, max_length=500)  # the pair's own words, never shown to admins
    created_at: datetime = Field(sa_column=_when())


class PromptDelivery(SQLModel, table=True):
    """Which prompt a pair got in which week; slot 0 is the weekly one, 1.. are 'another'."""

    __tablename__ = "prompt_delivery"

    pair_id: int = Field(foreign_key="pair.id", primary_key=True)
    week: str = Field(primary_key=True, max_length=8)  # ISO week, e.g. 2026-W48
    slot: int = Field(default=0, primary_key=True)
    prompt_id: str = Field(max_length=80)
    skipped: bool = False
    created_at: datetime = Field(sa_column=_when())


class Nudge(SQLModel, table=True):
    """A reminder sent to one person: 'inactive' to a quiet senior mentee, 'signup' to a
    person who never finished the survey."""

    __tablename__ = "nudge"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)  # the logical nudge: replicas record it once
    person_id: int = Field(foreign_key="person.id", index=True)
    pair_id: int | None = Field(default=None, foreign_key="pair.id")
    kind: str = Field(max_length=10)
    sent_at: datetime = Field(sa_column=_when())


class Kickoff(SQLModel, table=True):
    """A pair's kick-off agreement: one person proposes it, the other confirms or edits it.
    Each edit is a new proposal (`version`), so a confirm button of an older one is refused."""

    __tablename__ = "kickoff"

    pair_id: int = Field(foreign_key="pair.id", primary_key=True)
    version: int = 1
    proposed_by: int = Field(foreign_key="person.id")
    proposed_at: datetime = Field(sa_column=_when())
    confirmed_by: int | None = Field(default=None, foreign_key="person.id")
    confirmed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    mentor_goal: str = Field(max_length=300)  # what the junior mentor wants from it
    rhythm: str = Field(max_length=12)  # weekly | fortnightly | monthly
    meeting_mode: str = Field(max_length=50)
    ends_on: date
    ground_rules: str = Field(max_length=300)


class PairGoal(SQLModel, table=True):
    """One of the senior mentee's one to three learning goals in the pair's agreement."""

    __tablename__ = "pair_goal"

    pair_id: int = Field(foreign_key="pair.id", primary_key=True)
    number: int = Field(primary_key=True)  # 1..3
    text: str = Field(max_length=300)


class GoalRating(SQLModel, table=True):
    """How far one person thinks one goal got, at the mid-point or at the end. Admins see
    these only as totals over at least `privacy.min_group_size` people."""

    __tablename__ = "goal_rating"

    pair_id: int = Field(foreign_key="pair.id", primary_key=True)
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    stage: str = Field(primary_key=True, max_length=5)  # mid | end
    goal_number: int = Field(primary_key=True)
    rating: str = Field(max_length=12)  # not-started | progressing | achieved
    answered_at: datetime = Field(sa_column=_when())


class CheckinAnswer(SQLModel, table=True):
    """One person's mid-point check-in or closing survey of their pairing; like pulse
    answers, seen by admins only in aggregate."""

    __tablename__ = "checkin_answer"

    pair_id: int = Field(foreign_key="pair.id", primary_key=True)
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    stage: str = Field(primary_key=True, max_length=5)  # mid | end
    role: str = Field(max_length=10)
    grew: str = Field(max_length=10)  # applied something new / grew in leading: yes | partly | no
    learned: str | None = Field(default=None, max_length=1000)
    taught: str | None = Field(default=None, max_length=1000)
    future_leader: str | None = Field(default=None, max_length=10)
    changed_view: str | None = Field(default=None, max_length=10)
    recommend: int | None = None
    helps_retention: str | None = Field(default=None, max_length=10)  # senior mentees: yes|no|unsure
    share_text: bool = False
    answered_at: datetime = Field(sa_column=_when())


class PlannedMeeting(SQLModel, table=True):
    """A meeting booked with *Find a time*: proposed by one, confirmed by the other, then held
    or missed. The bot reads no calendar; the pair gets an .ics invitation."""

    __tablename__ = "planned_meeting"

    id: int | None = Field(default=None, primary_key=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    starts_at: datetime = Field(sa_column=_when(index=True))
    minutes: int = 30
    proposed_by: int = Field(foreign_key="person.id")
    status: str = Field(default="proposed", max_length=10)  # proposed|confirmed|held|missed|replaced
    created_at: datetime = Field(sa_column=_when())
    confirmed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))

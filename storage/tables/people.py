"""People: who they are, their survey answers and topics, how to reach them, admin grants, HR rows."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.tables.columns import when as _when


class Status(StrEnum):
    """Where a person stands. Transitions live in features/enrolment/lifecycle.py."""

    VISITOR = "visitor"  # known to the bot (an admin, say) but never opted in
    PENDING = "pending"  # started the survey, not finished
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


PERSON_STATUSES = tuple(Status)


class Person(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("platform", "tenant_id", "user_id", name="uq_person_identity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=10)
    tenant_id: str = Field(default="", max_length=64)
    user_id: str = Field(max_length=128)
    directory_id: str | None = Field(default=None, max_length=128)
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    timezone: str | None = Field(default=None, max_length=64)
    role: str | None = Field(default=None, max_length=10)  # mentor (junior) | mentee (senior)
    department: str | None = Field(default=None, max_length=50)
    team: str | None = Field(default=None, max_length=100)  # the team's name, as shown
    # The team as an identity: the never-same-team rule compares this, never the name.
    team_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("team.id", ondelete="SET NULL"), nullable=True, index=True))
    seniority: str | None = Field(default=None, max_length=50)
    status: str = Field(default="pending", max_length=10, index=True)
    paused_until: date | None = None
    created_at: datetime = Field(sa_column=_when())
    updated_at: datetime = Field(sa_column=_when())
    joined_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    left_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    data_deleted: bool = False
    # Anything the person did: a command, a button, a poll. Nudges read it.
    last_active_at: datetime | None = Field(default=None, sa_column=_when(nullable=True, index=True))


class Team(SQLModel, table=True):
    """A team as an identity. `key` is what makes two names one team: `cfg:ID` for a team listed
    in app.yaml (survey.teams), `name:NORMALISED` for one known only by its name (an HR import,
    a team typed before the list existed, a program without a list)."""

    __tablename__ = "team"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    name: str = Field(max_length=200)
    department: str | None = Field(default=None, max_length=100)


class PersonAvoid(SQLModel, table=True):
    """"Please don't pair me with…": confidential, a hard rule both ways, never shown to anyone
    but the person who asked (in their own survey)."""

    __tablename__ = "person_avoid"

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    avoid_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True,
                         index=True)
    )


class SurveyAnswers(SQLModel, table=True):
    __tablename__ = "survey_answers"

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    goals: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    cadence: str = Field(max_length=50)
    meeting_mode: str = Field(max_length=50)
    submitted_at: datetime = Field(sa_column=_when())
    updated_at: datetime = Field(sa_column=_when())


class PersonTopic(SQLModel, table=True):
    """One row per topic a person can teach or wants to learn: matching reads these set-wise."""

    __tablename__ = "person_topic"

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    direction: str = Field(primary_key=True, max_length=5)  # teach | learn
    topic: str = Field(primary_key=True, max_length=50)


class ConversationRef(SQLModel, table=True):
    """How to reach a person later: Slack DM channel, or Teams service url + conversation."""

    __tablename__ = "conversation_ref"
    __table_args__ = (UniqueConstraint("platform", "tenant_id", "user_id", name="uq_ref_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=10)
    tenant_id: str = Field(default="", max_length=64)
    user_id: str = Field(max_length=128)
    conversation_id: str | None = Field(default=None, max_length=400)
    service_url: str | None = Field(default=None, max_length=400)
    bot_id: str | None = Field(default=None, max_length=128)
    channel_data: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = Field(sa_column=_when())


class AdminGrant(SQLModel, table=True):
    """Admins added from chat (`admin grant`), on top of those listed in app.yaml."""

    __tablename__ = "admin_grant"
    __table_args__ = (UniqueConstraint("platform", "tenant_id", "user_id", name="uq_admin_grant"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=10)
    tenant_id: str = Field(default="", max_length=64)
    user_id: str = Field(max_length=128)
    granted_by: int | None = Field(default=None, foreign_key="person.id")
    granted_at: datetime = Field(sa_column=_when())


class HrRecord(SQLModel, table=True):
    """One employee from an HR export, for comparing retention of participants with others."""

    __tablename__ = "hr_record"

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=320, index=True)
    platform_user_id: str | None = Field(default=None, max_length=128, index=True)
    department: str | None = Field(default=None, max_length=100)
    team: str | None = Field(default=None, max_length=200)
    manager: str | None = Field(default=None, max_length=320)  # the manager's email or platform id
    hire_date: date | None = None
    leave_date: date | None = None
    imported_at: datetime = Field(sa_column=_when())

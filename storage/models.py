"""SQLModel tables. Schema changes go through storage/migrations, never create_all in production."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

PERSON_STATUSES = ("pending", "active", "paused", "left")


def _when(nullable: bool = False, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable, index=index)


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
    team: str | None = Field(default=None, max_length=100)
    seniority: str | None = Field(default=None, max_length=50)
    status: str = Field(default="pending", max_length=10, index=True)
    paused_until: date | None = None
    created_at: datetime = Field(sa_column=_when())
    updated_at: datetime = Field(sa_column=_when())
    joined_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    left_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    data_deleted: bool = False


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


class ProcessedEvent(SQLModel, table=True):
    """Inbound events already handled: platform retries of the same event change nothing."""

    __tablename__ = "processed_event"

    key: str = Field(primary_key=True, max_length=250)
    processed_at: datetime = Field(sa_column=_when(index=True))


class OutboxMessage(SQLModel, table=True):
    """An outgoing message is a row first (unique key per logical message), sent second."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=250, unique=True)
    platform: str = Field(max_length=10)
    tenant_id: str = Field(default="", max_length=64)
    recipients: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of user ids
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON neutral Message
    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_when(index=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    platform_message_id: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=_when())
    sent_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class WebChatMessage(SQLModel, table=True):
    """Messages delivered to people in the local web chat, read by the page when it polls."""

    __tablename__ = "web_chat_message"

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=128, index=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_when())


class MatchRound(SQLModel, table=True):
    """A proposed assignment, previewed by an admin and then confirmed or discarded."""

    __tablename__ = "match_round"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="proposed", max_length=10)  # proposed | confirmed | discarded
    proposal: str = Field(sa_column=Column(Text, nullable=False))  # JSON: pairs and waitlist
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(sa_column=_when())
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class Pair(SQLModel, table=True):
    """A junior mentor and a senior mentee. Ended pairs stay: they are never proposed again."""

    __tablename__ = "pair"
    __table_args__ = (
        # The database itself refuses a second active pair for a mentee.
        Index(
            "uq_pair_active_mentee",
            "mentee_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_pair_mentor_status", "mentor_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = Field(foreign_key="person.id")
    mentee_id: int = Field(foreign_key="person.id")
    round_id: int | None = Field(default=None, foreign_key="match_round.id")
    status: str = Field(default="active", max_length=10, index=True)  # active | ended
    score: float = 0.0
    reasons: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list
    manual: bool = False
    override: bool = False  # an admin forced it past a hard rule
    created_at: datetime = Field(sa_column=_when())
    mentor_agreed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    mentee_agreed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    agreed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    ended_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    ended_by: int | None = Field(default=None, foreign_key="person.id")
    end_reason: str | None = Field(default=None, max_length=300)


class MatchExclusion(SQLModel, table=True):
    """Two people marked 'not a good match': never proposed together."""

    __tablename__ = "match_exclusion"

    mentor_id: int = Field(foreign_key="person.id", primary_key=True)
    mentee_id: int = Field(foreign_key="person.id", primary_key=True)
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(sa_column=_when())


class WaitlistEntry(SQLModel, table=True):
    """Someone the last confirmed round could not match, and why, until they are matched."""

    __tablename__ = "waitlist_entry"

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    round_id: int | None = Field(default=None, foreign_key="match_round.id")
    code: str = Field(max_length=30)
    reason: str = Field(max_length=300)
    since: datetime = Field(sa_column=_when())

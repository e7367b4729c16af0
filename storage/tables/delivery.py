"""Inbound event ids, the outbox, the web chat inbox rows, export links and report requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    text,
)
from sqlmodel import Field, SQLModel

from storage.tables.columns import when as _when


class ProcessedEvent(SQLModel, table=True):
    """Inbound events already handled: platform retries of the same event change nothing."""

    __tablename__ = "processed_event"

    key: str = Field(primary_key=True, max_length=250)
    processed_at: datetime = Field(sa_column=_when(index=True))


DUE, LEASED, FAILED = "status = 'pending'", "status = 'sending'", "status = 'failed'"


class OutboxMessage(SQLModel, table=True):
    """An outgoing message is a row first (unique key per logical message), sent second."""

    __tablename__ = "outbox"
    # The dispatcher's claim reads only unsent rows, from a table that keeps every row ever
    # sent: partial indexes hold just the rows a claim can take (due, or a lapsed lease), and
    # the failed ones stats count. No index over every row's status or time: each would cost
    # every one of a job's hundred thousand inserts and serve no query.
    __table_args__ = (
        Index("ix_outbox_due", "id", "next_attempt_at", postgresql_where=text(DUE),
              sqlite_where=text(DUE)),
        Index("ix_outbox_leased", "claimed_until", postgresql_where=text(LEASED),
              sqlite_where=text(LEASED)),
        Index("ix_outbox_failed", "id", postgresql_where=text(FAILED), sqlite_where=text(FAILED)),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=250, unique=True)
    platform: str = Field(max_length=10)
    tenant_id: str = Field(default="", max_length=64)
    recipients: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of user ids
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON neutral Message
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_when())
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
    outbox_key: str | None = Field(default=None, max_length=250, index=True)


class ExportLink(SQLModel, table=True):
    """A one-time, expiring download of an admin export (Teams and web chat)."""

    __tablename__ = "export_link"

    token: str = Field(primary_key=True, max_length=64)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    filename: str = Field(max_length=120)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=_when())
    expires_at: datetime = Field(sa_column=_when())
    used_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class ReportRequest(SQLModel, table=True):
    """An `admin report` being built off the request path (features/admin/report_run.py). The
    row is the marker that makes delivery exactly-once: only the run that moves it from pending
    sends the file."""

    __tablename__ = "report_request"

    id: int | None = Field(default=None, primary_key=True)
    # pending | sent | failed | abandoned (the process building it stopped)
    status: str = Field(default="pending", max_length=10)
    admin_id: int | None = Field(sa_column=Column(
        Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True))
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id")
    requested_at: datetime = Field(sa_column=_when())
    # Last sign of life from the process building it; an old one means that process stopped
    # (storage/task_runs.py).
    beat_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class ExportRun(SQLModel, table=True):
    """An `admin export` being prepared off the event loop: the durable marker of the work, so
    the file is published once (running → done, a conditional update) whoever finishes it. The
    partial unique index lets one run at a time, whichever admin or replica asks."""

    __tablename__ = "export_run"
    __table_args__ = (
        Index("uq_export_run_running", "status", unique=True,
              sqlite_where=text("status = 'running'"),
              postgresql_where=text("status = 'running'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    # running | done | failed | dropped (someone's data was deleted while it was read) |
    # abandoned (the process preparing it stopped)
    status: str = Field(default="running", max_length=10)
    admin_id: int | None = Field(sa_column=Column(
        Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True))
    cohort_id: int | None = Field(sa_column=Column(
        Integer, ForeignKey("cohort.id", ondelete="CASCADE"), nullable=True))
    started_at: datetime = Field(sa_column=_when())
    beat_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))

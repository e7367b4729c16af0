"""Matching: rounds, pairs, exclusions, the waitlist, requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from storage.tables.columns import when as _when


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


class MatchRun(SQLModel, table=True):
    """An `admin match` round being computed off the event loop. While one is running, its row
    (status "running") is the durable marker: the partial unique index lets only one exist, so two
    admins, or two replicas, cannot start a second one."""

    __tablename__ = "match_run"
    __table_args__ = (
        Index(
            "uq_match_run_running",
            "status",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # running | previewed | empty (nobody to match by then) | failed | abandoned (stopped)
    status: str = Field(default="running", max_length=10)
    admin_id: int | None = Field(sa_column=Column(
        Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True))
    people: int = 0
    started_at: datetime = Field(sa_column=_when())
    # Renewed while the round runs; a running row whose beat is old was left by a stopped process.
    beat_at: datetime = Field(sa_column=_when())
    finished_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    round_id: int | None = Field(default=None, foreign_key="match_round.id")


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
        # Jobs look people's pairs up from either side (who waits, who was paired before).
        Index("ix_pair_mentee_status", "mentee_id", "status"),
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
    last_met_on: date | None = None
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", index=True)
    at_risk_since: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    at_risk_reason: str | None = Field(default=None, max_length=300)


class PairFlag(SQLModel, table=True):
    """One reason a pair was flagged for the program team, with its date: every reason stays,
    so a request for help is never hidden behind another flag."""

    __tablename__ = "pair_flag"
    __table_args__ = (UniqueConstraint("pair_id", "reason", name="uq_pair_flag_reason"),)

    id: int | None = Field(default=None, primary_key=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    kind: str = Field(max_length=20)  # quiet | check-in
    reason: str = Field(max_length=300)  # our words, never a person's
    flagged_at: datetime = Field(sa_column=_when())


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


class MatchRequest(SQLModel, table=True):
    """A senior mentee asking a junior mentor directly (self and hybrid matching)."""

    __tablename__ = "match_request"
    __table_args__ = (
        # One open request per mentee, whatever the interleaving of two clicks.
        Index(
            "uq_match_request_open_mentee",
            "mentee_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_match_request_mentor_status", "mentor_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mentee_id: int = Field(sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"),
                                            nullable=False))
    mentor_id: int = Field(sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"),
                                            nullable=False))
    # open | accepted | declined | expired | lapsed (the pair became impossible meanwhile)
    status: str = Field(default="open", max_length=10)
    created_at: datetime = Field(sa_column=_when())
    expires_at: datetime = Field(sa_column=_when(index=True))
    decided_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    pair_id: int | None = Field(default=None, foreign_key="pair.id")


class MatchHelp(SQLModel, table=True):
    """A waiting person asked the program team to find them a match: first in the admin's list."""

    __tablename__ = "match_help"

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    asked_at: datetime = Field(sa_column=_when())

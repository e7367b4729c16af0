"""SQLModel tables. Schema changes go through storage/migrations, never create_all in production."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Status(StrEnum):
    """Where a person stands. Transitions live in features/enrolment/lifecycle.py."""

    VISITOR = "visitor"  # known to the bot (an admin, say) but never opted in
    PENDING = "pending"  # started the survey, not finished
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


PERSON_STATUSES = tuple(Status)


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
    # Anything the person did: a command, a button, a poll. Nudges read it.
    last_active_at: datetime | None = Field(default=None, sa_column=_when(nullable=True, index=True))


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
    outbox_key: str | None = Field(default=None, max_length=250, index=True)


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
    last_met_on: date | None = None
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", index=True)
    at_risk_since: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    at_risk_reason: str | None = Field(default=None, max_length=300)


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
    released_at: datetime = Field(sa_column=_when())


class Announcement(SQLModel, table=True):
    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(sa_column=_when())
    recipients: int = 0


class HrRecord(SQLModel, table=True):
    """One employee from an HR export, for comparing retention of participants with others."""

    __tablename__ = "hr_record"

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=320, index=True)
    platform_user_id: str | None = Field(default=None, max_length=128, index=True)
    department: str | None = Field(default=None, max_length=100)
    hire_date: date | None = None
    leave_date: date | None = None
    imported_at: datetime = Field(sa_column=_when())


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

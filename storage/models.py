"""SQLModel tables (in storage/tables/, one module per aggregate), importable from here.

Schema changes go through storage/migrations, never create_all in production."""

from __future__ import annotations

from storage.tables.delivery import (  # noqa: F401
    ExportLink,
    ExportRun,
    OutboxMessage,
    ProcessedEvent,
    ReportRequest,
    WebChatMessage,
)
from storage.tables.engagement import (  # noqa: F401
    CheckinAnswer,
    GoalRating,
    Kickoff,
    Meeting,
    Nudge,
    PairGoal,
    PlannedMeeting,
    PromptDelivery,
)
from storage.tables.feedback import (  # noqa: F401
    Announcement,
    ClosingAnswer,
    ClosingResult,
    Cohort,
    OutcomeRelease,
    PollInvitation,
    PollResult,
    PulseAnswer,
    PulsePoll,
)
from storage.tables.matching import (  # noqa: F401
    MatchExclusion,
    MatchHelp,
    MatchRequest,
    MatchRound,
    MatchRun,
    Pair,
    PairFlag,
    WaitlistEntry,
)
from storage.tables.people import (  # noqa: F401
    PERSON_STATUSES,
    AdminGrant,
    ConversationRef,
    HrRecord,
    Person,
    PersonAvoid,
    PersonTopic,
    Status,
    SurveyAnswers,
    Team,
)

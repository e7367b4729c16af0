"""pairs that were already meeting before the kick-off existed keep their prompts

Pairs formed before 0009 were agreed and prompted weekly, but have no kick-off agreement, so
since 0009 their prompts stopped until someone filled one in. This carries them over: a
confirmed agreement from what the senior mentee said in the signup survey (rhythm, way to
meet, goals), running six months from the pairing (the default length) and at least four
more weeks, so the closing agenda still comes before the end. Pairs that never had a prompt
(new ones, or never agreed) go through the kick-off like everybody else.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 16:00:00
"""
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

RHYTHMS = ("weekly", "fortnightly", "monthly")
GROUND_RULES = "What we discuss stays between the two of us."
MENTOR_GOAL = "Not written: this pairing began before the kick-off existed."
MONTHS = 6


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)  # the schema stores naive UTC
    legacy = bind.execute(sa.text(
        "SELECT p.id, p.mentor_id, p.mentee_id, p.created_at, s.cadence, s.meeting_mode, s.goals "
        "FROM pair p LEFT JOIN survey_answers s ON s.person_id = p.mentee_id "
        "WHERE p.status = 'active' AND p.agreed_at IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM kickoff k WHERE k.pair_id = p.id) "
        "AND EXISTS (SELECT 1 FROM prompt_delivery d WHERE d.pair_id = p.id)")).all()
    for pair_id, mentor_id, mentee_id, created_at, cadence, mode, goals in legacy:
        start = created_at if isinstance(created_at, datetime) else datetime.fromisoformat(
            str(created_at))
        ends_on = max(_add_months(start.date(), MONTHS), (now + timedelta(weeks=4)).date())
        bind.execute(sa.text(
            "INSERT INTO kickoff (pair_id, version, proposed_by, proposed_at, confirmed_by, "
            "confirmed_at, mentor_goal, rhythm, meeting_mode, ends_on, ground_rules) VALUES "
            "(:pair, 1, :mentee, :now, :mentor, :now, :mentor_goal, :rhythm, :mode, :ends, "
            ":rules)"),
            {"pair": pair_id, "mentee": mentee_id, "mentor": mentor_id, "now": now,
             "mentor_goal": MENTOR_GOAL,
             "rhythm": cadence if cadence in RHYTHMS else "weekly",
             "mode": (mode or "video")[:50], "ends": ends_on, "rules": GROUND_RULES})
        goal = " ".join((goals or "").split())[:300]
        if goal:
            bind.execute(sa.text(
                "INSERT INTO pair_goal (pair_id, number, text) VALUES (:pair, 1, :text)"),
                {"pair": pair_id, "text": goal})


def downgrade() -> None:
    # The carried-over agreements cannot be told apart from real ones later; keep them.
    pass

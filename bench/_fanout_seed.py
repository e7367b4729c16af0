"""Seeding for bench/fanout.py: a large live program written with a handful of set-based
INSERT ... SELECT statements (no per-person loop in Python), on SQLite and PostgreSQL alike.

Every pair i is mentor `UM{i}` (junior) and senior mentee `US{i}`; its group DM channel
`G{pair id}` is cached in conversation_ref the way SlackMessenger caches it, so delivery never
needs conversations.open (Tier 3, ~50 a minute: 10,000 opens would take over three hours).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, bindparam, create_engine, text

from bench import _databases as databases
from storage.database import driver_urls
from storage.types import UTCDateTime

POSTGRES_SERVER = databases.POSTGRES_SERVER
TENANT = "T0TEST"  # the fake Slack's workspace
# Topic ids from app.yaml: what a junior mentor teaches and a senior mentee learns, and back.
SENIOR_LEARNS = ("ai-digital-tools", "social-media", "future-of-work", "next-gen-talent",
                 "culture-inclusion", "work-life-balance", "remote-hybrid", "trends-markets")
JUNIOR_LEARNS = ("leadership", "strategic-thinking", "navigating-org", "company-history",
                 "career-advancement", "future-of-work")
DEPARTMENTS = ("engineering", "product", "sales", "marketing", "finance", "people")


def database(kind: str, directory: Path) -> AbstractContextManager[str]:
    return databases.database(kind, directory, "fanout")


def sync_engine(url: str) -> Engine:
    return create_engine(driver_urls(url)[0])


def _case(expression: str, values: Sequence[str]) -> str:
    """SQL picking values[expression % len(values)]; the values are our own constants."""
    arms = " ".join(f"WHEN {n} THEN '{v}'" for n, v in enumerate(values))
    return f"CASE ({expression}) % {len(values)} {arms} END"


def _topics_table(topics: Sequence[str]) -> str:
    return " UNION ALL ".join(f"SELECT '{t}' AS topic, {n} AS n" for n, t in enumerate(topics))


def seed(url: str, pairs: int, timezones: Sequence[str], at: datetime, last_week: str,
         first_prompt: str) -> None:
    """`pairs` live pairs (2 x pairs active Slack people with survey answers and topics),
    created a week before `at`, each with last week's prompt on record and its channel cached."""
    created = at - timedelta(days=7)
    stamps = [bindparam("created", created, type_=UTCDateTime()),
              bindparam("at", at, type_=UTCDateTime()),
              bindparam("ends", (at + timedelta(days=270)).date())]
    numbers = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < :count) ")
    statements = [
        # Junior mentors UM1..UMn, then senior mentees US1..USn; each pair shares a timezone.
        *(f"""INSERT INTO person (platform, tenant_id, user_id, display_name, timezone, role,
                                  department, team, seniority, status, created_at, updated_at,
                                  joined_at, data_deleted, last_active_at)
              {numbers}
              SELECT 'slack', '{TENANT}', '{prefix}' || CAST(i AS TEXT),
                     '{name} ' || CAST(i AS TEXT), {_case('i', timezones)}, '{role}',
                     {_case(f'i + {shift}', DEPARTMENTS)}, 'Team ' || CAST(i % 40 AS TEXT),
                     '{seniority}', 'active', :created, :created, :created, FALSE, :created
              FROM n"""
          for prefix, name, role, shift, seniority in (
              ("UM", "Mentor", "mentor", 0, "associate"),
              ("US", "Mentee", "mentee", 3, "director"))),
        f"""INSERT INTO survey_answers (person_id, goals, cadence, meeting_mode, submitted_at,
                                        updated_at)
            SELECT id, 'Learn from someone who sees the company differently',
                   {_case('id', ('weekly', 'fortnightly', 'monthly'))},
                   {_case('id', ('video', 'in-person', 'chat', 'mixed'))}, :created, :created
            FROM person WHERE platform = 'slack'""",
        # Two or three topics each way per person, varied by id.
        *(f"""INSERT INTO person_topic (person_id, direction, topic)
              SELECT p.id, '{direction}', t.topic
              FROM person p JOIN ({_topics_table(topics)}) t ON (p.id + t.n) % 3 = 0
              WHERE p.role = '{role}'"""
          for role, direction, topics in (
              ("mentor", "teach", SENIOR_LEARNS), ("mentor", "learn", JUNIOR_LEARNS),
              ("mentee", "teach", JUNIOR_LEARNS), ("mentee", "learn", SENIOR_LEARNS))),
        """INSERT INTO pair (mentor_id, mentee_id, status, score, reasons, manual, override,
                             created_at, mentor_agreed_at, mentee_agreed_at, agreed_at)
           SELECT m.id, s.id, 'active', 4.0, '[]', FALSE, FALSE, :created, :created, :created,
                  :created
           FROM person m JOIN person s
             ON s.platform = m.platform AND s.tenant_id = m.tenant_id
            AND s.user_id = 'US' || substr(m.user_id, 3)
           WHERE m.role = 'mentor'
           ORDER BY m.id""",
        # Last week's prompt, so this week's is chosen from the pair's topics.
        f"""INSERT INTO prompt_delivery (pair_id, week, slot, prompt_id, skipped, created_at)
            SELECT id, '{last_week}', 0, '{first_prompt}', FALSE, :created FROM pair""",
        # Both confirmed the kick-off when the pair was made: prompts start the week after.
        """INSERT INTO kickoff (pair_id, version, proposed_by, proposed_at, confirmed_by,
                                confirmed_at, mentor_goal, rhythm, meeting_mode, ends_on,
                                ground_rules)
           SELECT id, 1, mentor_id, :created, mentee_id, :created, 'Learn how leaders decide',
                  'weekly', 'video', :ends, 'Honest and kind' FROM pair""",
        # The cache key SlackMessenger uses for a group DM: the sorted user ids joined by '+'.
        """INSERT INTO conversation_ref (platform, tenant_id, user_id, conversation_id,
                                         updated_at)
           SELECT 'slack', m.tenant_id, m.user_id || '+' || s.user_id,
                  'G' || CAST(p.id AS TEXT), :created
           FROM pair p JOIN person m ON m.id = p.mentor_id JOIN person s ON s.id = p.mentee_id""",
    ]
    engine = sync_engine(url)
    try:
        with engine.begin() as connection:
            for sql in statements:
                statement = text(sql).bindparams(
                    *[s for s in stamps if f":{s.key}" in sql])
                parameters = {"count": pairs} if ":count" in sql else {}
                connection.execute(statement, parameters)
    finally:
        engine.dispose()


def count(url: str, sql: str) -> int:
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def execute(url: str, *sql: str) -> None:
    engine = sync_engine(url)
    try:
        with engine.begin() as connection:
            for statement in sql:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def rows(url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()

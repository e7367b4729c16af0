"""Migrations create the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine
from sqlmodel import SQLModel

import adapters.slack.tables  # bolt's OAuth stores' tables; their migration is ours
import adapters.web.tables  # noqa: F401  (the web chat owns its table; its migration is ours)
import storage.models  # noqa: F401
from storage.database import driver_urls
from storage.migrate import current_revision, head_revision, upgrade


def _migrated_to(database_url: str, revision: str) -> Engine:
    """An empty database migrated only up to `revision`, to fill with rows of that schema."""
    from alembic import command
    from sqlalchemy import text

    from storage.migrate import alembic_config

    engine = create_engine(driver_urls(database_url)[0])
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name} CASCADE"
                                    if engine.dialect.name == "postgresql"
                                    else f"DROP TABLE IF EXISTS {table.name}"))
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    command.upgrade(alembic_config(database_url), revision)
    return engine


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(driver_urls(database_url)[0])
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    assert current_revision(database_url) == head_revision(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision(database_url)


def test_an_upgrade_keeps_the_data_of_an_older_schema(database_url: str) -> None:
    """Every migration from the first one runs over real rows without losing them."""
    from sqlalchemy import text


    engine = _migrated_to(database_url, "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO person (platform, tenant_id, user_id, status, created_at, updated_at, "
            "data_deleted) VALUES ('web', '', 'jo', 'active', '2026-01-05 09:00:00', "
            "'2026-01-05 09:00:00', false)"))
    upgrade(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT user_id, status FROM person")).all() == [
            ("jo", "active")]
    engine.dispose()
    assert current_revision(database_url) == head_revision(database_url)


OLD_PROGRAM = [
    "INSERT INTO person (id, platform, tenant_id, user_id, status, created_at, updated_at, "
    "data_deleted) VALUES (1, 'web', '', 'jo', 'active', '2026-11-01 09:00:00', "
    "'2026-11-01 09:00:00', false), (2, 'web', '', 'sam', 'active', '2026-11-01 09:00:00', "
    "'2026-11-01 09:00:00', false), (3, 'web', '', 'lee', 'active', '2026-11-01 09:00:00', "
    "'2026-11-01 09:00:00', false)",
    "INSERT INTO cohort (id, name, started_at, closed_at) VALUES "
    "(1, 'Spring', '2026-10-01 09:00:00', '2026-12-10 09:00:00')",
    "INSERT INTO pair (id, mentor_id, mentee_id, status, score, reasons, manual, override, "
    "created_at, cohort_id, at_risk_since, at_risk_reason) VALUES "
    "(1, 1, 2, 'active', 1.0, '[]', false, false, '2026-11-01 09:00:00', 1, "
    "'2026-11-24 10:00:00', 'a low value score in the pulse poll'), "
    "(2, 3, 2, 'ended', 1.0, '[]', false, false, '2026-10-01 09:00:00', NULL, "
    "'2026-10-20 10:00:00', 'the roles slipped back to traditional; Lee asked for help from "
    "the program team')",
    "INSERT INTO pulse_poll (id, period, opened_at) VALUES (1, '2026-W48', '2026-11-23 09:00:00')",
    "INSERT INTO pulse_answer (poll_id, person_id, pair_id, role, value, met, roles_kept, "
    "share_comment, wants_help, answered_at, updated_at) VALUES (1, 1, 1, 'mentor', 1, '0', "
    "'yes', false, false, '2026-11-24 10:00:00', '2026-11-24 10:00:00')",
    "INSERT INTO outbox (key, platform, tenant_id, recipients, payload, status, attempts, "
    "next_attempt_at, created_at) VALUES "
    + ", ".join(f"('{key}', 'web', '', '[\"x\"]', '{{}}', 'sent', 1, '2026-11-23 09:00:00', "
                "'2026-11-23 09:00:00')"
                for key in ("pulse:1:1", "pulse:1:2", "pulse:1:x", "pulse-flag:1:1:web::ada",
                            "closing:1:1", "closing:1:2")),
    "INSERT INTO web_chat_message (user_id, payload, created_at, outbox_key) VALUES "
    "('ada', '{}', '2026-11-24 10:00:00', 'pulse-flag:1:1:web::ada')",
]


def test_an_upgrade_turns_old_polls_into_rounds_and_drops_flags_raised_by_answers(
    database_url: str,
) -> None:
    from datetime import date

    from sqlalchemy import text


    engine = _migrated_to(database_url, "0005")
    with engine.begin() as connection:
        for statement in OLD_PROGRAM:
            connection.execute(text(statement))
    upgrade(database_url)
    with engine.connect() as connection:
        def rows(sql: str) -> list[tuple[object, ...]]:
            return [tuple(r) for r in connection.execute(text(sql)).all()]

        ((starts_on, closes_at),) = rows("SELECT starts_on, closes_at FROM pulse_poll")
        invitations = rows("SELECT poll_id, person_id, cohort_id FROM poll_invitation "
                           "ORDER BY person_id")
        answer_cohorts = rows("SELECT cohort_id FROM pulse_answer")
        flags = rows("SELECT id, at_risk_since IS NULL, at_risk_reason FROM pair ORDER BY id")
        reasons = rows("SELECT pair_id, kind, reason, flagged_at IS NOT NULL FROM pair_flag")
        keys = rows("SELECT key FROM outbox ORDER BY key")
        inbox = rows("SELECT outbox_key FROM web_chat_message")
        survey = rows("SELECT survey_invited, survey_closes_at FROM cohort")
    engine.dispose()
    assert str(starts_on) == str(date(2026, 11, 23))  # the Monday of 2026-W48
    assert str(closes_at).startswith("2026-11-30 09:00")  # a week after it opened
    assert invitations == [(1, 1, 1), (1, 2, 1)]
    assert answer_cohorts == [(1,)]
    assert flags == [(1, True, None),
                     (2, False, "asked the program team for help in a pulse poll")]
    assert reasons == [(2, "check-in", "asked the program team for help in a pulse poll", True)]
    assert ("pulse-flag:1:1:web::ada",) not in keys and inbox == []
    assert survey[0][0] == 2 and str(survey[0][1]).startswith("2026-12-17 09:00")


PAIRS_BEFORE_THE_KICK_OFF = [
    "INSERT INTO person (id, platform, tenant_id, user_id, status, created_at, updated_at, "
    "data_deleted) VALUES " + ", ".join(
        f"({n}, 'web', '', '{name}', 'active', '2026-06-01 09:00:00', '2026-06-01 09:00:00', "
        "false)" for n, name in enumerate(("jo", "sam", "lee", "kim", "ana", "bo"), start=1)),
    "INSERT INTO survey_answers (person_id, goals, cadence, meeting_mode, submitted_at, "
    "updated_at) VALUES (2, 'Use AI tools  for my weekly update', 'monthly', 'in-person', "
    "'2026-06-01 09:00:00', '2026-06-01 09:00:00')",
    # 1: agreed and prompted for months; 2: agreed, never prompted; 3: prompted, never agreed
    "INSERT INTO pair (id, mentor_id, mentee_id, status, score, reasons, manual, override, "
    "created_at, agreed_at) VALUES "
    "(1, 1, 2, 'active', 1.0, '[]', false, false, '2026-06-01 09:00:00', '2026-06-02 09:00:00'), "
    "(2, 3, 4, 'active', 1.0, '[]', false, false, '2026-12-01 09:00:00', '2026-12-01 10:00:00'), "
    "(3, 5, 6, 'active', 1.0, '[]', false, false, '2026-11-01 09:00:00', NULL)",
    "INSERT INTO prompt_delivery (pair_id, week, slot, prompt_id, skipped, created_at) VALUES "
    "(1, '2026-W23', 0, 'first-meeting', false, '2026-06-08 09:30:00'), "
    "(3, '2026-W45', 0, 'first-meeting', false, '2026-11-02 09:30:00')",
]


def test_pairs_already_meeting_before_the_kick_off_existed_keep_their_prompts(
    database_url: str,
) -> None:
    """Pairs prompted before 0009 get a confirmed agreement from the senior's survey answers
    (so their prompts go on at the rhythm they chose); every other pair still kicks off."""
    from sqlalchemy import text


    engine = _migrated_to(database_url, "0009")
    with engine.begin() as connection:
        for statement in PAIRS_BEFORE_THE_KICK_OFF:
            connection.execute(text(statement))
    upgrade(database_url)
    with engine.connect() as connection:
        kickoffs = [tuple(r) for r in connection.execute(text(
            "SELECT pair_id, proposed_by, confirmed_by, confirmed_at IS NOT NULL, rhythm, "
            "meeting_mode, ends_on FROM kickoff ORDER BY pair_id")).all()]
        goals = [tuple(r) for r in connection.execute(text(
            "SELECT pair_id, number, text FROM pair_goal")).all()]
    engine.dispose()
    [(pair, proposed_by, confirmed_by, confirmed, rhythm, mode, ends_on)] = kickoffs
    assert (pair, proposed_by, confirmed_by, confirmed) == (1, 2, 1, True)
    assert (rhythm, mode) == ("monthly", "in-person")  # what Sam chose when signing up
    assert str(ends_on) >= "2026-12-01"  # six months from June, and never already over
    assert goals == [(1, 1, "Use AI tools for my weekly update")]


def test_an_upgrade_makes_typed_team_names_identities(database_url: str) -> None:
    """0013: one team per distinct name, whatever its case, spacing or trailing "team"."""
    from sqlalchemy import text


    engine = _migrated_to(database_url, "0012")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO person (id, platform, tenant_id, user_id, status, created_at, "
            "updated_at, data_deleted, department, team) VALUES " + ", ".join(
                f"({n}, 'web', '', 'p{n}', 'active', '2026-11-01 09:00:00', "
                f"'2026-11-01 09:00:00', false, 'engineering', {team})"
                for n, team in enumerate(("'Payments'", "' payments  TEAM'", "'Platform'",
                                          "NULL"), start=1))))
    upgrade(database_url)
    with engine.connect() as connection:
        people = dict(connection.execute(text("SELECT id, team_id FROM person")).all())
        keys = {k for (k,) in connection.execute(text("SELECT key FROM team")).all()}
    engine.dispose()
    assert people[1] == people[2] != people[3] and people[4] is None
    assert keys == {"name:payments", "name:platform"}

"""Migrations create the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.database import driver_urls
from storage.migrate import current_revision, head_revision, upgrade


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

    from storage.migrate import alembic_config

    sync_url = driver_urls(database_url)[0]
    engine = create_engine(sync_url)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name} CASCADE"
                                    if engine.dialect.name == "postgresql"
                                    else f"DROP TABLE IF EXISTS {table.name}"))
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    from alembic import command

    command.upgrade(alembic_config(database_url), "0001")
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

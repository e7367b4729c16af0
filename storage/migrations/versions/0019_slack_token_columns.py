"""Slack installs: token columns as text, for encrypted rotating tokens (xoxe.xoxb-… and
their refresh tokens outgrow bolt's 200 characters once encrypted)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 19:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token",
                            "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    for table, columns in COLUMNS.items():
        # SQLite cannot alter a column's type in place: batch mode copies the table.
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, existing_type=old, type_=new)


def upgrade() -> None:
    _retype(sa.String(200), sa.Text())


def downgrade() -> None:
    _retype(sa.Text(), sa.String(200))

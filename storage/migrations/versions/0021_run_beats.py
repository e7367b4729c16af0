"""export_run and report_request beat as match_run does: a run left by a stopped process is
found, ended and told to its admin

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 20:40:00
"""
import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table, started in (("export_run", "started_at"), ("report_request", "requested_at")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('beat_at', storage.types.UTCDateTime(), nullable=True))
        # A run still live from before has its start as its last beat: long past, so the first
        # sweep tells its admin it stopped.
        op.execute(f"UPDATE {table} SET beat_at = {started}")


def downgrade() -> None:
    for table in ("report_request", "export_run"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('beat_at')

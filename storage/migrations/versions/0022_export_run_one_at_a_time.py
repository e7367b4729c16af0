"""export_run: one export prepared at a time, whichever admin or replica asks (a partial
unique index, as match_run has)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 20:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

RUNNING = "status = 'running'"


def upgrade() -> None:
    # Runs started side by side before the index: all but the newest are ended (their process
    # is gone by now, as this runs before the new code serves).
    op.execute("UPDATE export_run SET status = 'abandoned', finished_at = beat_at "
               "WHERE status = 'running' AND id < "
               "(SELECT max(id) FROM export_run WHERE status = 'running')")
    with op.batch_alter_table('export_run', schema=None) as batch_op:
        batch_op.create_index('uq_export_run_running', ['status'], unique=True,
                              sqlite_where=sa.text(RUNNING), postgresql_where=sa.text(RUNNING))


def downgrade() -> None:
    with op.batch_alter_table('export_run', schema=None) as batch_op:
        batch_op.drop_index('uq_export_run_running')

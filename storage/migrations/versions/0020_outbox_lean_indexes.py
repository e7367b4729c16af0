"""outbox: drop the whole-table indexes on status and next_attempt_at (the partial indexes of
0015 serve the claim; every job insert paid for both), and count failed rows through a partial
index of their own

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

FAILED = "status = 'failed'"


def upgrade() -> None:
    op.drop_index('ix_outbox_status', table_name='outbox')
    op.drop_index('ix_outbox_next_attempt_at', table_name='outbox')
    op.create_index('ix_outbox_failed', 'outbox', ['id'], unique=False,
                    postgresql_where=sa.text(FAILED), sqlite_where=sa.text(FAILED))


def downgrade() -> None:
    op.drop_index('ix_outbox_failed', table_name='outbox')
    op.create_index('ix_outbox_next_attempt_at', 'outbox', ['next_attempt_at'], unique=False)
    op.create_index('ix_outbox_status', 'outbox', ['status'], unique=False)

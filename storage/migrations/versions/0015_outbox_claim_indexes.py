"""outbox: partial indexes for the dispatcher's claim (due rows, lapsed leases)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

DUE, LEASED = "status = 'pending'", "status = 'sending'"


def upgrade() -> None:
    op.create_index('ix_outbox_due', 'outbox', ['id', 'next_attempt_at'], unique=False,
                    postgresql_where=sa.text(DUE), sqlite_where=sa.text(DUE))
    op.create_index('ix_outbox_leased', 'outbox', ['claimed_until'], unique=False,
                    postgresql_where=sa.text(LEASED), sqlite_where=sa.text(LEASED))


def downgrade() -> None:
    op.drop_index('ix_outbox_leased', table_name='outbox')
    op.drop_index('ix_outbox_due', table_name='outbox')

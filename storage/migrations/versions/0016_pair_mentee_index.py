"""pair: an index on the mentee's side, as the mentor's side has, for jobs that page through people

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 19:00:00.000000
"""
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_pair_mentee_status', 'pair', ['mentee_id', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_pair_mentee_status', table_name='pair')

"""export_run: `admin export` prepared as a background task, one row per request

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:00:00.000000
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'export_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('admin_id', sa.Integer(), nullable=True),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('started_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('finished_at', storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['admin_id'], ['person.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('export_run')

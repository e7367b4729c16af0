"""match runs: an `admin match` round computed off the event loop, and its one-at-a-time marker

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=True),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('started_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('beat_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('finished_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['admin_id'], ['person.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['match_round.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.create_index('uq_match_run_running', ['status'], unique=True,
                              sqlite_where=sa.text("status = 'running'"),
                              postgresql_where=sa.text("status = 'running'"))


def downgrade() -> None:
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.drop_index('uq_match_run_running')
    op.drop_table('match_run')

"""the pair's journey: kick-off agreement and the senior mentee's goals

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kickoff',
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('proposed_by', sa.Integer(), nullable=False),
    sa.Column('proposed_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('mentor_goal', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('rhythm', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('meeting_mode', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('ground_rules', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by'], ['person.id'], ),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], ),
    sa.ForeignKeyConstraint(['proposed_by'], ['person.id'], ),
    sa.PrimaryKeyConstraint('pair_id')
    )
    op.create_table('pair_goal',
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], ),
    sa.PrimaryKeyConstraint('pair_id', 'number')
    )


def downgrade() -> None:
    op.drop_table('pair_goal')
    op.drop_table('kickoff')

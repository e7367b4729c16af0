"""the pair's journey: kick-off agreement, the senior mentee's goals, check-ins per goal, booked meetings

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02 00:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0009'
down_revision = '0008'
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
    op.create_table('goal_rating',
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('goal_number', sa.Integer(), nullable=False),
    sa.Column('rating', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pair_id', 'person_id', 'stage', 'goal_number')
    )
    op.create_table('checkin_answer',
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('grew', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('learned', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('taught', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('future_leader', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('changed_view', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('recommend', sa.Integer(), nullable=True),
    sa.Column('share_text', sa.Boolean(), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pair_id', 'person_id', 'stage')
    )
    op.create_table('planned_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('proposed_by', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], ),
    sa.ForeignKeyConstraint(['proposed_by'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('planned_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_meeting_pair_id'), ['pair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_meeting_starts_at'), ['starts_at'], unique=False)


def downgrade() -> None:
    op.drop_table('planned_meeting')
    op.drop_table('checkin_answer')
    op.drop_table('goal_rating')
    op.drop_table('pair_goal')
    op.drop_table('kickoff')

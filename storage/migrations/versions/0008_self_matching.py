"""self and hybrid matching: requests from senior mentees to junior mentors, help flags

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 00:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('decided_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('pair_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['mentee_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_request_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_match_request_mentor_status', ['mentor_id', 'status'], unique=False)
        batch_op.create_index('uq_match_request_open_mentee', ['mentee_id'], unique=True,
                              sqlite_where=sa.text("status = 'open'"),
                              postgresql_where=sa.text("status = 'open'"))

    op.create_table('match_help',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id')
    )


def downgrade() -> None:
    op.drop_table('match_help')
    with op.batch_alter_table('match_request', schema=None) as batch_op:
        batch_op.drop_index('uq_match_request_open_mentee')
        batch_op.drop_index('ix_match_request_mentor_status')
        batch_op.drop_index(batch_op.f('ix_match_request_expires_at'))
    op.drop_table('match_request')

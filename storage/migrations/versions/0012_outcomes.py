"""outcomes: released running totals of the pairs' check-ins, the closing survey's NPS split
and the senior mentees' retention question

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outcome_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('figure', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('scope', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('released_at', storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_outcome_release_figure', 'outcome_release',
                    ['figure', 'scope', 'released_at'], unique=False)
    with op.batch_alter_table('closing_result', schema=None) as batch_op:
        for name in ('promoters', 'detractors', 'helps_retention_asked', 'helps_retention_yes'):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
    for table in ('closing_answer', 'checkin_answer'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('helps_retention',
                                          sqlmodel.sql.sqltypes.AutoString(length=10),
                                          nullable=True))


def downgrade() -> None:
    for table in ('checkin_answer', 'closing_answer'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('helps_retention')
    with op.batch_alter_table('closing_result', schema=None) as batch_op:
        for name in ('helps_retention_yes', 'helps_retention_asked', 'detractors', 'promoters'):
            batch_op.drop_column(name)
    op.drop_index('ix_outcome_release_figure', table_name='outcome_release')
    op.drop_table('outcome_release')

"""outcomes: released running totals of the pairs' check-ins, the closing survey's NPS split
and the senior mentees' retention question; every reason a pair was flagged, with its date

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0011'
down_revision = '0010'
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
    op.create_table('pair_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('flagged_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pair_id', 'reason', name='uq_pair_flag_reason')
    )
    op.create_index(op.f('ix_pair_flag_pair_id'), 'pair_flag', ['pair_id'], unique=False)
    # The one reason kept so far (several joined by "; ") becomes one row each, dated when
    # the pair was first flagged: the only date there is.
    pair = sa.table('pair', sa.column('id', sa.Integer), sa.column('at_risk_since'),
                    sa.column('at_risk_reason', sa.String))
    flag = sa.table('pair_flag', sa.column('pair_id', sa.Integer), sa.column('kind', sa.String),
                    sa.column('reason', sa.String), sa.column('flagged_at'))
    rows = op.get_bind().execute(sa.select(pair.c.id, pair.c.at_risk_since, pair.c.at_risk_reason)
                                 .where(pair.c.at_risk_since.is_not(None))).all()
    flags = [{"pair_id": pair_id, "reason": reason.strip(), "flagged_at": since,
              "kind": "check-in" if "asked" in reason else "quiet"}
             for pair_id, since, reasons in rows
             for reason in dict.fromkeys((reasons or "flagged").split("; ")) if reason.strip()]
    if flags:
        op.bulk_insert(flag, flags)
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
    op.drop_index(op.f('ix_pair_flag_pair_id'), table_name='pair_flag')
    op.drop_table('pair_flag')
    op.drop_index('ix_outcome_release_figure', table_name='outcome_release')
    op.drop_table('outcome_release')

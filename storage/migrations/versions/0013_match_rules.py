"""hard matching rules: teams as identities, HR team and manager, "please don't pair me with"

Free-text teams become identities: one `team` row per distinct name, two names being one team
when they differ only in case, spacing, punctuation or a trailing "team" ("Payments" and
"payments team "). At start-up, teams listed in app.yaml adopt the rows whose names match them
(storage/teams.py), so people keep their team and the rule stays safe for the rest.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:00:00
"""
import re

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _normalised(name: str) -> str:
    # Frozen copy of storage.teams.normalised as of this revision.
    words = re.sub(r"[\W_]+", " ", name.casefold()).split()
    if len(words) > 1 and words[-1] == "team":
        words.pop()
    return " ".join(words)


def upgrade() -> None:
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('person_avoid',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('avoid_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['avoid_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'avoid_id')
    )
    with op.batch_alter_table('person_avoid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_avoid_avoid_id'), ['avoid_id'], unique=False)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_team_id'), ['team_id'], unique=False)
        batch_op.create_foreign_key('fk_person_team_id', 'team', ['team_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('hr_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=True))
        batch_op.add_column(sa.Column('manager', sqlmodel.sql.sqltypes.AutoString(length=320),
                                      nullable=True))

    connection = op.get_bind()
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('team', sa.String),
                      sa.column('department', sa.String), sa.column('team_id', sa.Integer))
    team = sa.table('team', sa.column('id', sa.Integer), sa.column('key', sa.String),
                    sa.column('name', sa.String), sa.column('department', sa.String))
    rows = connection.execute(sa.select(person.c.id, person.c.team, person.c.department)
                              .where(person.c.team.is_not(None))).all()
    ids: dict[str, int] = {}
    for person_id, name, department in rows:
        key = _normalised(name or "")
        if not key:
            continue
        if key not in ids:
            ids[key] = connection.execute(sa.insert(team).values(
                key=f"name:{key}"[:160], name=name.strip()[:200], department=department)
                .returning(team.c.id)).scalar_one()
        connection.execute(sa.update(person).where(person.c.id == person_id)
                           .values(team_id=ids[key]))


def downgrade() -> None:
    with op.batch_alter_table('hr_record', schema=None) as batch_op:
        batch_op.drop_column('manager')
        batch_op.drop_column('team')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint('fk_person_team_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_person_team_id'))
        batch_op.drop_column('team_id')
    with op.batch_alter_table('person_avoid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_avoid_avoid_id'))
    op.drop_table('person_avoid')
    op.drop_table('team')

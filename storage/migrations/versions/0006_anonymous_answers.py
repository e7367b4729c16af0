"""anonymous answers: poll rounds by date with a window, poll invitations in their own table,
answers keep their cohort, results released once; answer-based at-risk flags removed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:25:34.561819
"""
from datetime import date, timedelta
import re

from alembic import op
import sqlalchemy as sa
import storage.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

WINDOW = timedelta(days=7)  # the default poll window; a running round keeps this one
ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

_poll = sa.table('pulse_poll', sa.column('id', sa.Integer()), sa.column('period', sa.String()),
                 sa.column('opened_at', storage.types.UTCDateTime()),
                 sa.column('starts_on', sa.Date()),
                 sa.column('closes_at', storage.types.UTCDateTime()))
_answer = sa.table('pulse_answer', sa.column('poll_id', sa.Integer()),
                   sa.column('updated_at', storage.types.UTCDateTime()))
_cohort = sa.table('cohort', sa.column('id', sa.Integer()),
                   sa.column('closed_at', storage.types.UTCDateTime()),
                   sa.column('survey_invited', sa.Integer()),
                   sa.column('survey_closes_at', storage.types.UTCDateTime()))
_closing = sa.table('closing_answer', sa.column('cohort_id', sa.Integer()),
                    sa.column('answered_at', storage.types.UTCDateTime()))
_outbox = sa.table('outbox', sa.column('key', sa.String()))


def upgrade() -> None:
    op.create_table('poll_result',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Integer(), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('value_sum', sa.Integer(), nullable=True),
    sa.Column('roles_kept', sa.Integer(), nullable=True),
    sa.Column('met_0', sa.Integer(), nullable=True),
    sa.Column('met_1', sa.Integer(), nullable=True),
    sa.Column('met_2', sa.Integer(), nullable=True),
    sa.Column('met_3', sa.Integer(), nullable=True),
    sa.Column('released_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['pulse_poll.id'], ),
    sa.PrimaryKeyConstraint('poll_id', 'scope')
    )
    op.create_table('closing_result',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('recommend_sum', sa.Integer(), nullable=True),
    sa.Column('future_leader_yes', sa.Integer(), nullable=True),
    sa.Column('view_more', sa.Integer(), nullable=True),
    sa.Column('view_less', sa.Integer(), nullable=True),
    sa.Column('released_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ),
    sa.PrimaryKeyConstraint('cohort_id')
    )
    op.create_table('poll_invitation',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['poll_id'], ['pulse_poll.id'], ),
    sa.PrimaryKeyConstraint('poll_id', 'person_id')
    )
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_invited', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('survey_closes_at', storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('survey_released_at', storage.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.alter_column('survey_invited', server_default=None)

    with op.batch_alter_table('pulse_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_pulse_answer_cohort_id_cohort', 'cohort', ['cohort_id'], ['id'])

    with op.batch_alter_table('pulse_poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closes_at', storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('released_at', storage.types.UTCDateTime(), nullable=True))
    _rounds_by_date()
    with op.batch_alter_table('pulse_poll', schema=None) as batch_op:
        batch_op.alter_column('starts_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('closes_at', existing_type=storage.types.UTCDateTime(), nullable=False)
        batch_op.create_unique_constraint('pulse_poll_starts_on_key', ['starts_on'])
        batch_op.drop_column('period')

    _invitations_from_outbox_keys()
    _answers_keep_their_cohort()
    _closing_surveys_get_a_window()
    _no_flag_from_an_answer()


def _rounds_by_date() -> None:
    """'2026-W48' becomes the Monday of that week. A round closes a window after it opened,
    or just after the last answer it already holds: what was counted before still counts."""
    bind = op.get_bind()
    last = dict(bind.execute(sa.select(_answer.c.poll_id, sa.func.max(_answer.c.updated_at))
                             .group_by(_answer.c.poll_id)).all())
    taken: set[date] = set()
    for poll_id, period, opened in bind.execute(
            sa.select(_poll.c.id, _poll.c.period, _poll.c.opened_at).order_by(_poll.c.id)).all():
        week = ISO_WEEK.match(period or "")
        day = date.fromisocalendar(int(week[1]), int(week[2]), 1) if week else opened.date()
        while day in taken:  # a period that was not an ISO week: keep rounds distinct
            day += timedelta(days=1)
        taken.add(day)
        closes = opened + WINDOW
        if last.get(poll_id) is not None:
            closes = max(closes, last[poll_id] + timedelta(seconds=1))
        bind.execute(_poll.update().where(_poll.c.id == poll_id)
                     .values(starts_on=day, closes_at=closes))


def _invitations_from_outbox_keys() -> None:
    """The last time keys are parsed: pulse:{poll}:{person} rows become invitations, with the
    cohort of the pair the person was in at the time."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        parsed = ("SELECT split_part(key, ':', 2)::int AS poll_id, "
                  "split_part(key, ':', 3)::int AS person_id, created_at FROM outbox "
                  "WHERE key ~ '^pulse:[0-9]{1,9}:[0-9]{1,9}$'")
    else:
        rest = "substr(key, 7)"
        parsed = (f"SELECT CAST(substr({rest}, 1, instr({rest}, ':') - 1) AS INTEGER) AS poll_id, "
                  f"CAST(substr({rest}, instr({rest}, ':') + 1) AS INTEGER) AS person_id, "
                  "created_at FROM outbox WHERE key GLOB 'pulse:[0-9]*:[0-9]*' "
                  f"AND substr({rest}, instr({rest}, ':') + 1) NOT GLOB '*[^0-9]*' "
                  f"AND substr({rest}, 1, instr({rest}, ':') - 1) NOT GLOB '*[^0-9]*'")
    op.execute(
        "INSERT INTO poll_invitation (poll_id, person_id, invited_at) "
        f"SELECT k.poll_id, k.person_id, min(k.created_at) FROM ({parsed}) k "
        "JOIN pulse_poll ON pulse_poll.id = k.poll_id JOIN person ON person.id = k.person_id "
        "GROUP BY k.poll_id, k.person_id")
    op.execute(
        "UPDATE poll_invitation SET cohort_id = (SELECT pair.cohort_id FROM pair "
        "WHERE (pair.mentor_id = poll_invitation.person_id "
        "OR pair.mentee_id = poll_invitation.person_id) AND pair.cohort_id IS NOT NULL "
        "AND pair.created_at <= poll_invitation.invited_at "
        "AND (pair.ended_at IS NULL OR pair.ended_at > poll_invitation.invited_at) "
        "ORDER BY pair.id DESC LIMIT 1)")


def _answers_keep_their_cohort() -> None:
    """An answer's pair is the one the person was in when answering; so is its cohort."""
    op.execute("UPDATE pulse_answer SET cohort_id = (SELECT pair.cohort_id FROM pair "
               "WHERE pair.id = pulse_answer.pair_id) WHERE pair_id IS NOT NULL")


def _closing_surveys_get_a_window() -> None:
    bind = op.get_bind()
    last = dict(bind.execute(sa.select(_closing.c.cohort_id, sa.func.max(_closing.c.answered_at))
                             .group_by(_closing.c.cohort_id)).all())
    closed = bind.execute(sa.select(_cohort.c.id, _cohort.c.closed_at)
                          .where(_cohort.c.closed_at.is_not(None))).all()
    for cohort_id, closed_at in closed:
        closes = closed_at + WINDOW
        if last.get(cohort_id) is not None:
            closes = max(closes, last[cohort_id] + timedelta(seconds=1))
        invited = bind.execute(sa.select(sa.func.count()).select_from(_outbox)
                               .where(_outbox.c.key.like(f"closing:{cohort_id}:%"))).scalar()
        bind.execute(_cohort.update().where(_cohort.c.id == cohort_id)
                     .values(survey_closes_at=closes, survey_invited=invited or 0))


def _no_flag_from_an_answer() -> None:
    """Flags raised by what someone answered go, and so do the admin notices that said it;
    a request for help stays, without the name of who asked."""
    op.execute("UPDATE pair SET at_risk_reason = 'asked the program team for help in a pulse poll' "
               "WHERE at_risk_reason LIKE '%asked for help from the program team%'")
    op.execute("UPDATE pair SET at_risk_since = NULL, at_risk_reason = NULL "
               "WHERE at_risk_reason LIKE '%a low value score in the pulse poll%' "
               "OR at_risk_reason LIKE '%the roles slipped back to traditional%'")
    op.execute("DELETE FROM web_chat_message WHERE outbox_key LIKE 'pulse-flag:%'")
    op.execute("DELETE FROM outbox WHERE key LIKE 'pulse-flag:%'")


def downgrade() -> None:
    with op.batch_alter_table('pulse_poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period', sa.VARCHAR(length=20), nullable=True))
    bind = op.get_bind()
    for poll_id, day in bind.execute(sa.select(_poll.c.id, _poll.c.starts_on)).all():
        year, week, _ = day.isocalendar()
        bind.execute(_poll.update().where(_poll.c.id == poll_id)
                     .values(period=f"{year}-W{week:02d}"))
    with op.batch_alter_table('pulse_poll', schema=None) as batch_op:
        batch_op.alter_column('period', existing_type=sa.VARCHAR(length=20), nullable=False)
        batch_op.drop_constraint('pulse_poll_starts_on_key', type_='unique')
        batch_op.create_unique_constraint('pulse_poll_period_key', ['period'])
        batch_op.drop_column('released_at')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('starts_on')

    with op.batch_alter_table('pulse_answer', schema=None) as batch_op:
        batch_op.drop_constraint('fk_pulse_answer_cohort_id_cohort', type_='foreignkey')
        batch_op.drop_column('cohort_id')

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('survey_released_at')
        batch_op.drop_column('survey_closes_at')
        batch_op.drop_column('survey_invited')

    op.drop_table('poll_invitation')
    op.drop_table('closing_result')
    op.drop_table('poll_result')

"""web chat people: who is listed under Act as, and how far each has read

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:50:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_chat_person',
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('added', sa.Boolean(), nullable=False),
        sa.Column('last_read', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('web_chat_person')

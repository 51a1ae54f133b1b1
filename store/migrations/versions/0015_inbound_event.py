"""inbound events already taken (Slack event_id, Teams activity id), so a retry is applied once

Revision ID: 0015_inbound_event
Revises: 0020_policy_version_everywhere
Create Date: 2026-12-06 04:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.types


revision = '0015_inbound_event'
down_revision = '0020_policy_version_everywhere'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inbound_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('received_at', store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform', 'event_id', name='uq_inbound_event_platform_event_id'),
    )
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_event_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_event_received_at'))
    op.drop_table('inbound_event')

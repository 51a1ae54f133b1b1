"""review exceptions to the cycle's order (lifecycle) and moderation checks (4.4)

Revision ID: 0019_review_exceptions
Revises: 0003_reminder_lookup_indexes
Create Date: 2026-12-06 04:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.types


revision = '0019_review_exceptions'
down_revision = '0003_reminder_lookup_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'review_exception',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id']),
        sa.ForeignKeyConstraint(['review_id'], ['review.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('review_id', 'step'),
    )
    with op.batch_alter_table('review_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_exception_review_id'), ['review_id'], unique=False)
    op.create_table(
        'moderation_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('cycle_year', sa.Integer(), nullable=False),
        sa.Column('checked_by_id', sa.Integer(), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('checked_at', store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['checked_by_id'], ['person.id']),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'cycle_year'),
    )
    with op.batch_alter_table('moderation_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_check_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('moderation_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_check_organisation_id'))
    op.drop_table('moderation_check')
    with op.batch_alter_table('review_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_exception_review_id'))
    op.drop_table('review_exception')

"""the policy version on every record a form or an export is built from

Revision ID: 0020_policy_version_everywhere
Revises: 0018_plan_change_versions
Create Date: 2026-12-06 04:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0020_policy_version_everywhere'
down_revision = '0018_plan_change_versions'
branch_labels = None
depends_on = None

# Every row already stored was made under the one policy version there was (25 July 2019).
POLICY_VERSION = '2019-07-25'
TABLES = ('preparation_answer', 'milestone', 'objective_progress', 'coop_reflection', 'signature',
          'training_need', 'check_in', 'plan_action', 'plan_action_review', 'audit_event', 'input_request')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('policy_version', sqlmodel.sql.sqltypes.AutoString(length=40),
                                          server_default=POLICY_VERSION, nullable=False))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('policy_version')

"""review exceptions to the cycle's order (lifecycle) and moderation checks (4.4)

Revision ID: 0019_review_exceptions
Revises: 0015_inbound_event
Create Date: 2026-12-06 04:30:00
"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.types


revision = '0019_review_exceptions'
down_revision = '0015_inbound_event'
branch_labels = None
depends_on = None

# the reminder rules read both tables (bot.scheduler.facts): a change marks the colleague (an exception)
# or the whole trust (a moderation check) for replanning, with 0018's triggers
WATCHED: dict[str, tuple[str, str, str]] = {
    "review_exception": ("r.colleague_id", "review r", "r.id = ROW.review_id"),
    "moderation_check": ("0", "", "1 = 1"),
}


def _plan_change():  # noqa: ANN202 - the 0018 migration module, whose trigger helpers these tables use
    spec = importlib.util.spec_from_file_location("m0018", Path(__file__).with_name("0018_plan_change_versions.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.WATCHED.update(WATCHED)
    return module


def _triggers(create: bool) -> None:
    m = _plan_change()
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        for event, rows in m.EVENTS:
            name = f"plan_change_{table}_{event.lower()}"
            if not create:
                op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
            elif postgres:
                op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                           f"EXECUTE FUNCTION plan_change_{table}()")
            else:
                body = "".join(f"{m._bump(table, row)};\n" for row in rows)
                op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN\n{body}END")
        if postgres and not create:
            op.execute(f"DROP FUNCTION IF EXISTS plan_change_{table}()")


def _pg_functions() -> None:
    m = _plan_change()
    for table in WATCHED:
        op.execute(f"""
CREATE FUNCTION plan_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {m._bump(table, 'OLD')};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {m._bump(table, 'NEW')};
    END IF;
    RETURN NULL;
END $$""")


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
    if op.get_bind().dialect.name == "postgresql":
        _pg_functions()
    _triggers(create=True)


def downgrade() -> None:
    _triggers(create=False)
    with op.batch_alter_table('moderation_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_check_organisation_id'))
    op.drop_table('moderation_check')
    with op.batch_alter_table('review_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_exception_review_id'))
    op.drop_table('review_exception')

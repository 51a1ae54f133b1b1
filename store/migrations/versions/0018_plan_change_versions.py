"""plan_change versions: triggers mark a colleague for replanning in the same transaction as the change

Revision ID: 0018_plan_change_versions
Revises: 0003_reminder_lookup_indexes
Create Date: 2026-12-06 04:30:00

Every table whose rows the reminder rules read (bot.scheduler.facts) gets triggers that bump
``plan_change.version`` of the colleague concerned (row 0: the whole trust) on insert, update and
delete, so that no code path, present or future, can change a fact without the planner seeing it.
SQLite and PostgreSQL spell triggers differently; the statement each runs is the same upsert.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.types


revision = '0018_plan_change_versions'
down_revision = '0003_reminder_lookup_indexes'
branch_labels = None
depends_on = None

# table -> (the colleague's id, FROM what (or ""), the condition): ROW stands for NEW or OLD.
# A condition that finds nobody (a purged review's meeting) inserts nothing.
_REVIEW = ("r.colleague_id", "review r", "r.id = ROW.review_id")
WATCHED: dict[str, tuple[str, str, str]] = {
    "person": ("ROW.id", "", "1 = 1"),
    "review": ("ROW.colleague_id", "", "1 = 1"),
    "line_management": ("ROW.report_id", "", "1 = 1"),
    "meeting": _REVIEW,
    "preparation_answer": _REVIEW,
    "signature": ("r.colleague_id", "review r", "ROW.subject_type = 'review' AND r.id = ROW.subject_id"),
    "appeal": ("ROW.colleague_id", "", "1 = 1"),
    "check_in": ("ROW.person_id", "", "1 = 1"),
    "support_plan": ("ROW.colleague_id", "", "1 = 1"),
    "plan_action": ("sp.colleague_id", "support_plan sp", "sp.id = ROW.plan_id"),
    "plan_action_review": ("sp.colleague_id", "plan_action pa JOIN support_plan sp ON sp.id = pa.plan_id",
                           "pa.id = ROW.action_id"),
    # the booking dialog's own meeting notices ("meeting:ID:START"): the planner leaves those slots alone
    "reminder": (*_REVIEW[:2], "ROW.dedupe_key LIKE 'meeting:%' AND r.id = ROW.review_id"),
    "organisation": ("0", "", "1 = 1"),
    "role_grant": ("0", "", "1 = 1"),
    "cycle": ("0", "", "1 = 1"),
}
# which rows of a table can matter at all, as a trigger's WHEN (the planner's own rows never do)
WHEN = {"reminder": "ROW.dedupe_key LIKE 'meeting:%'", "signature": "ROW.subject_type = 'review'"}
EVENTS = (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",)))


def _bump(table: str, row: str) -> str:
    expr, source, condition = (part.replace("ROW.", f"{row}.") for part in WATCHED[table])
    return (f"INSERT INTO plan_change (person_id, version, planned_version) "
            f"SELECT {expr}, 1, 0{f' FROM {source}' if source else ''} WHERE {condition} AND {expr} IS NOT NULL "
            f"ON CONFLICT (person_id) DO UPDATE SET version = plan_change.version + 1")


def _when(table: str, rows: tuple[str, ...]) -> str:
    if table not in WHEN:
        return ""
    return " WHEN (" + " OR ".join(f"({WHEN[table].replace('ROW.', f'{row}.')})" for row in rows) + ")"


def upgrade() -> None:
    op.create_table('plan_change',
    sa.Column('person_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('planned_version', sa.Integer(), nullable=False),
    sa.Column('replan_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('planning_pass',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('years', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('finished_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        if postgres:
            op.execute(f"""
CREATE FUNCTION plan_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_bump(table, 'OLD')};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_bump(table, 'NEW')};
    END IF;
    RETURN NULL;
END $$""")
        for event, rows in EVENTS:
            name = f"plan_change_{table}_{event.lower()}"
            if postgres:
                op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{_when(table, rows)} "
                           f"EXECUTE FUNCTION plan_change_{table}()")
            else:
                body = "".join(f"{_bump(table, row)};\n" for row in rows)
                op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{_when(table, rows)} "
                           f"BEGIN\n{body}END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        for event, _ in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS plan_change_{table}_{event.lower()}"
                       + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS plan_change_{table}()")
    op.drop_table('planning_pass')
    op.drop_table('plan_change')

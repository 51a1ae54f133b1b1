"""Every record a form or an export is built from carries the policy version it was made under, and
every export shows it (issue 20): a later change of policy leaves finished cycles readable as they were."""

from __future__ import annotations

import sqlite3

from sqlmodel import SQLModel

from store.db import upgrade
from store.models import POLICY_VERSION

# What the Annex 1 form, the plans, the subject access export and the governors' report are built from.
FORM_AND_EXPORT_SOURCES = (
    "cycle", "review", "meeting", "preparation_answer", "objective", "milestone", "objective_progress",
    "coop_reflection", "signature", "training_need", "input_request", "check_in", "support_plan", "plan_action",
    "plan_action_review", "appeal", "audit_event")


def test_every_table_a_form_or_export_is_built_from_has_a_policy_version() -> None:
    tables = SQLModel.metadata.tables
    missing = [t for t in FORM_AND_EXPORT_SOURCES if "policy_version" not in tables[t].c]
    assert missing == []


def test_rows_stored_before_the_column_existed_read_as_the_one_version_there_was(tmp_path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0003_reminder_lookup_indexes")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO audit_event (at, actor_identity, channel, action, record_type, detail) "
                     "VALUES ('2026-10-01 09:00:00', 'console:hana', 'console', 'read', 'review', '{}')")
    upgrade(url)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT policy_version FROM audit_event").fetchall() == [(POLICY_VERSION,)]

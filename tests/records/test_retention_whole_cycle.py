"""Issue 20, done when: a whole cycle, then the clock moved past every retention period, and nothing
personal of the colleague is left but the anonymous tombstones (UK GDPR storage limitation, Policy 10.3).

Sam Patel goes through 2026-27 in the console (tests/test_whole_cycle.py), leaves at the end of
August 2027, and the nights of autumn 2032 pass: HR is told about each form 30 days ahead, the forms
go, then everything else that named Sam. Every table of the schema is read row by row.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.app import App
from bot.clock import FixedClock
from bot.documents.retention import purge_due
from bot.policy.retention import NOT_PERSONAL, RULES
from bot.scheduler.dispatcher import Dispatcher
from store.models import Person
from tests.scheduler.conftest import RecordingChannel
from tests.test_whole_cycle import SAM, Cycle, go_through_the_cycle

SAMS = re.compile(r"\bSam\b|Sam Patel|sam\.patel", re.IGNORECASE)


@pytest.fixture
def cycle(demo_app: App, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cycle:
    monkeypatch.chdir(tmp_path)
    return Cycle(demo_app, clock)


def _person_columns(table) -> list[str]:  # noqa: ANN001
    named = {"person_id", "subject_person_id", "actor_id", "recipient_id", "colleague_id", "reviewer_id",
             "manager_id", "report_id", "handler_id", "hearing_by_id", "recorded_by_id", "reviewed_by_id",
             "scheduled_by_id"}
    return [c.name for c in table.columns if c.name in named
            or any(fk.column.table.name == "person" for fk in c.foreign_keys)]


async def _what_names(app: App, sam_id: int) -> dict[str, list[str]]:
    """Every row of every table that points at Sam, belongs to a record of his, or mentions him."""
    found: dict[str, list[str]] = {}
    owned: dict[str, set[int]] = {"review_id": set(), "objective_id": set(), "plan_id": set(), "action_id": set()}
    parents = {"review": ("colleague_id", None, "review_id"), "objective": (None, "review_id", "objective_id"),
               "support_plan": ("colleague_id", None, "plan_id"), "plan_action": (None, "plan_id", "action_id")}
    async with app.db.session() as s:
        for table in SQLModel.metadata.sorted_tables:
            columns = [] if table.name in NOT_PERSONAL else (  # ids that identify nobody: text checked only
                _person_columns(table) + (["id"] if table.name == "person" else []))
            for row in (await s.execute(select(table))).mappings():
                text = repr(dict(row))
                mine = any(row[c] == sam_id for c in columns) or SAMS.search(text) or any(
                    c in row and row[c] in ids for c, ids in owned.items())
                if table.name == "signature" and row["subject_id"] in owned[
                        "review_id" if row["subject_type"] == "review" else "plan_id"]:
                    mine = True
                if table.name in parents:
                    own, via, key = parents[table.name]
                    if (own and row[own] == sam_id) or (via and row[via] in owned[via]):
                        owned[key].add(row["id"])
                if mine:
                    found.setdefault(table.name, []).append(text[:200])
    return found


async def test_when_sam_has_left_and_every_period_has_passed_only_anonymous_tombstones_remain(
        cycle: Cycle, tmp_path: Path) -> None:
    await go_through_the_cycle(cycle, tmp_path)
    app, repos = cycle.app, cycle.app.repos
    sam = await repos.people.person_by_email(SAM)
    assert sam is not None and sam.id is not None
    before = await _what_names(app, sam.id)
    assert {"review", "objective", "signature", "dialog_session", "reminder", "audit_event", "appeal",
            "support_plan", "preparation_answer", "meeting"} <= set(before), before.keys()

    sam.last_day = date(2027, 8, 31)  # HR's roster: Sam leaves at the end of the cycle
    await repos.people.save_person(sam)
    app.channels["slack"] = RecordingChannel()  # HR reads Cadence's notices in Slack
    dispatcher = Dispatcher(app, worker_id="nightly", rng=random.Random(1))

    # Still inside retention: the forms stay (10.3), though finished conversations and old notices go.
    cycle.clock.set(datetime(2032, 8, 30, 10, 0))  # the form of 2026-27 is kept to 31 August 2032
    report = await purge_due(app)
    assert report.purged == [] and await repos.reviews.review((await repos.reviews.reviews_of(sam.id))[0][0].id) is not None
    assert report.swept.get("dialog_session", 0) > 0

    # Autumn 2032: every night the dispatcher sends what is due and the purge runs.
    night, deleted = datetime(2032, 9, 1, 10, 0), 0
    while night < datetime(2032, 12, 31, 10, 0):
        cycle.clock.set(night)
        await dispatcher.drain()
        report = await purge_due(app)
        deleted += len(report.purged)
        night += timedelta(days=7)
    assert deleted > 0

    left = await _what_names(app, sam.id)
    assert left == {}, left
    async with app.db.session() as s:
        assert (await s.get(Person, sam.id)) is None
    tombstones = await repos.audit.audit_tombstones()
    assert {t.detail.get("cycle_year") for t in tombstones} >= {2026}
    assert all(t.subject_person_id is None and not SAMS.search(repr(t.detail)) for t in tombstones)
    tables = {t.name for t in SQLModel.metadata.sorted_tables}
    assert tables <= {r.table for r in RULES} | set(NOT_PERSONAL), tables - {r.table for r in RULES}

"""A planning pass costs what changed, and plans exactly what a full pass would (Issue 18).

Two copies of the demo trust live through the same two months: one planned by incremental passes
(Planner.run), the other by full passes (run(full=True)). The same things happen to both, written
straight to the database as any code path might (a meeting moved, a form submitted, a new line
manager, a check-in, a leaver, a new headteacher), and the days pass, so check-ins enter the
horizon and old ones leave it. After every pass their outboxes are the same row for row, while the
incremental pass looked at only the colleagues concerned.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

from bot.app import build_app
from bot.clock import FixedClock
from bot.scheduler.planner import Planner
from tests.conftest import TODAY, make_settings

Change = Callable[[sqlite3.Connection], None]


def outbox(path: Path) -> set[tuple]:
    with sqlite3.connect(path) as conn:
        return set(conn.execute("SELECT dedupe_key, status, recipient_id, due_at, deadline, subject, body, clause, "
                                "action, escalation_level, review_id, subject_person_id FROM reminder"))


def a_meeting_moves(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE meeting SET starts_at = '2027-01-13 10:00:00.000000', status = 'scheduled' "
                 "WHERE id = (SELECT MAX(id) FROM meeting)")


def a_form_is_submitted(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE review SET planning_submitted_at = '2026-12-01 09:00:00.000000' "
                 "WHERE id = (SELECT MIN(id) FROM review WHERE planning_submitted_at IS NULL)")


def a_colleague_gets_a_new_line_manager(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE line_management SET manager_id = 1 WHERE id = (SELECT MAX(id) FROM line_management)")


def a_colleague_checks_in(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO check_in (person_id, created_at, mood, note, wants_one_to_one, share_with_manager, "
                 "include_in_record) SELECT colleague_id, '2026-11-30 12:00:00.000000', 4, '', 0, 'nothing', 0 "
                 "FROM review ORDER BY id LIMIT 1")


def a_colleague_leaves(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE person SET active = 0 WHERE id = (SELECT MAX(colleague_id) FROM review)")


def a_new_headteacher(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE role_grant SET person_id = 2 WHERE id = (SELECT MIN(id) FROM role_grant "
                 "WHERE role = 'headteacher')")


DAYS: list[tuple[int, list[Change]]] = [
    (0, []), (1, []), (3, [a_meeting_moves]), (7, [a_form_is_submitted, a_colleague_checks_in]),
    (14, []), (20, [a_colleague_gets_a_new_line_manager]), (30, [a_colleague_leaves]), (45, []),
    (52, [a_new_headteacher]), (60, []), (75, []),
]


async def test_incremental_passes_plan_the_same_rows_as_full_passes_over_two_months(demo_db: Path, tmp_path: Path):
    paths = {kind: tmp_path / f"{kind}.db" for kind in ("incremental", "full")}
    for path in paths.values():
        shutil.copyfile(demo_db, path)
    clocks = {kind: FixedClock(TODAY) for kind in paths}
    start = clocks["full"].current
    apps = {kind: build_app(make_settings(f"sqlite:///{path}"), clock=clocks[kind]) for kind, path in paths.items()}
    people = len(outbox_people(paths["full"]))
    replanned: list[int] = []
    try:
        for day, changes in DAYS:
            for kind, path in paths.items():
                clocks[kind].current = start + timedelta(days=day)
                with sqlite3.connect(path) as conn:
                    for change in changes:
                        change(conn)
            incremental = await Planner(apps["incremental"]).run()
            full = await Planner(apps["full"]).run(full=True)
            assert outbox(paths["incremental"]) == outbox(paths["full"]), f"day {day}: the outboxes differ"
            assert full.colleagues == people
            again = await Planner(apps["incremental"]).run()  # the same day, nothing new: nobody replanned
            assert again.incremental and (again.colleagues, again.inserted, again.updated, again.cancelled) == (0,) * 4
            if day and a_new_headteacher not in changes:
                assert incremental.incremental
                replanned.append(incremental.colleagues)
            else:
                assert not incremental.incremental  # the first pass, and a change every colleague depends on
        assert max(replanned) < people
        assert any(n > 0 for n in replanned)
    finally:
        for app in apps.values():
            await app.close()


async def test_one_answer_replans_its_colleague_alone(demo_app):
    await Planner(demo_app).run()
    review = (await demo_app.repos.planning.review_batch(0, 1))[0]
    stats = await Planner(demo_app).replan([review.colleague_id])
    assert stats.colleagues == 1 and stats.inserted == stats.updated == stats.cancelled == 0
    again = await Planner(demo_app).run()
    assert again.incremental and again.colleagues == 0


async def test_a_replan_after_a_form_plans_what_a_full_pass_plans_in_one_transaction(demo_db: Path, tmp_path: Path):
    paths = {kind: tmp_path / f"{kind}.db" for kind in ("replan", "full")}
    apps = {}
    for kind, path in paths.items():
        shutil.copyfile(demo_db, path)
        apps[kind] = build_app(make_settings(f"sqlite:///{path}"), clock=FixedClock(TODAY))
    try:
        for app in apps.values():
            await Planner(app).run()
        for path in paths.values():
            with sqlite3.connect(path) as conn:
                a_form_is_submitted(conn)
                colleague = conn.execute("SELECT colleague_id FROM review WHERE planning_submitted_at IS NOT NULL "
                                         "ORDER BY planning_submitted_at DESC, id LIMIT 1").fetchone()[0]
        commits, person_reads = [], []
        engine = apps["replan"].db.engine.sync_engine
        event.listen(engine, "commit", lambda conn: commits.append(1))
        event.listen(engine, "before_cursor_execute", lambda conn, cursor, statement, *rest:
                     person_reads.append(1) if statement.lstrip().startswith("SELECT person.") else None)
        stats = await Planner(apps["replan"]).replan([colleague])
        await Planner(apps["full"]).run(full=True)
        assert outbox(paths["replan"]) == outbox(paths["full"])
        assert stats.colleagues == 1 and stats.inserted + stats.updated + stats.cancelled > 0
        assert len(commits) == 1  # all of the colleague's rows, and the mark that they were planned, or none
        assert len(person_reads) == 1  # their person row read once for their reviews and their own reminders
    finally:
        for app in apps.values():
            await app.close()


def outbox_people(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [pid for (pid,) in conn.execute("SELECT id FROM person")]

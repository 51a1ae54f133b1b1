"""Planning marks follow every change to a fact the reminder rules read, on SQLite and PostgreSQL.

The marks are made by triggers (migration 0018_plan_change_versions). SQLite drops a table's
triggers when a later migration rebuilds that table (Alembic's batch mode "move and copy"): if a
test here fails after a new migration, that migration must create the table's triggers again.
"""

from __future__ import annotations

import importlib.util

import pytest
from sqlalchemy import create_engine, text

from store.db import MIGRATIONS, to_sync_url, upgrade


def watched() -> dict[str, tuple[str, str, str]]:
    spec = importlib.util.spec_from_file_location("m0018", MIGRATIONS / "versions" / "0018_plan_change_versions.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.WATCHED


def triggers(url: str) -> set[str]:
    engine = create_engine(to_sync_url(url))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            else:
                rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
            return {name for (name,) in rows}
    finally:
        engine.dispose()


def expected() -> set[str]:
    return {f"plan_change_{table}_{event}" for table in watched() for event in ("insert", "update", "delete")}


def test_every_watched_table_has_its_triggers_at_head_on_sqlite(db_url: str) -> None:
    upgrade(db_url)
    assert expected() <= triggers(db_url)


@pytest.mark.postgres
def test_every_watched_table_has_its_triggers_at_head_on_postgresql(pg_url: str) -> None:
    upgrade(pg_url)
    assert expected() <= triggers(pg_url)


async def test_a_change_marks_its_colleague_and_nothing_else(demo_app) -> None:
    from store.repos import plan_changes

    before = await plan_changes.versions(demo_app.db)
    sam = await demo_app.repos.people.person_by_email("sam.patel@hillside.example")
    review = await demo_app.repos.reviews.current_review(sam.id)
    meeting = next(m for m in await demo_app.repos.reviews.meetings_for(review.id) if m.status == "scheduled")
    meeting.location = "Room 12"
    await demo_app.repos.reviews.save_meeting(meeting)
    after = await plan_changes.versions(demo_app.db)
    assert {pid for pid in after if after[pid] != before.get(pid)} == {sam.id}


def test_the_lifecycle_tables_mark_changes_for_the_planner_too(db_url: str) -> None:
    """Issue 19's review_exception and moderation_check are read by the reminder rules (0019)."""
    upgrade(db_url)
    assert {f"plan_change_{t}_{e}" for t in ("review_exception", "moderation_check")
            for e in ("insert", "update", "delete")} <= triggers(db_url)


async def test_an_exception_marks_its_colleague(demo_app) -> None:
    from datetime import UTC, datetime

    from store.repos import plan_changes

    before = await plan_changes.versions(demo_app.db)
    jo = await demo_app.repos.people.person_by_email("jo.brown@hillside.example")
    review = await demo_app.repos.reviews.current_review(jo.id)
    await demo_app.repos.lifecycle.record_review_exception(review.id, "mid_year", "Away all Spring term", jo.id,
                                                datetime(2027, 4, 20, tzinfo=UTC))
    after = await plan_changes.versions(demo_app.db)
    assert {pid for pid in after if after[pid] != before.get(pid)} == {jo.id}

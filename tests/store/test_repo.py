"""The same store behaviour on SQLite and PostgreSQL: people, sessions with revisions, the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from store.models import Reminder
from store.repo import StaleRevision


async def _store_scenario(app: App) -> int:
    repo = app.repo
    org = await repo.upsert_organisation("Co-op Academy Test", "academy")
    from store.models import Person

    sam = await repo.save(Person(email="sam@test.example", name="Sam", organisation_id=org.id))
    assert (await repo.person_by_email("SAM@test.example")).id == sam.id

    session = await repo.start_session(sam.id, "checkin", 1, {"answers": {}}, sam.id, "console")
    revision = await repo.save_session(session.id, session.revision, {"answers": {"mood": 4}}, "active")
    assert revision == session.revision + 1
    with pytest.raises(StaleRevision):  # a double click applies nothing twice
        await repo.save_session(session.id, session.revision, {"answers": {"mood": 1}}, "active")
    assert (await repo.dialog_session(session.id)).state == {"answers": {"mood": 4}}

    due = datetime(2026, 11, 23, 9, tzinfo=UTC)
    reminder = Reminder(dedupe_key="k1", kind="meeting_notice", recipient_id=sam.id, due_at=due)
    assert await repo.enqueue(reminder) is True
    assert await repo.enqueue(Reminder(dedupe_key="k1", kind="meeting_notice", recipient_id=sam.id, due_at=due)) is False
    stored = await repo.reminders()
    assert [r.dedupe_key for r in stored] == ["k1"] and stored[0].due_at == due
    return len(stored)


async def test_store_on_sqlite(app: App) -> None:
    assert await _store_scenario(app) == 1


@pytest.mark.postgres
async def test_store_on_postgresql(pg_app: App) -> None:
    assert await _store_scenario(pg_app) == 1

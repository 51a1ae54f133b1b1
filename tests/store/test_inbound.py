"""store/repos/inbound.py: an inbound event id is claimed once, on SQLite and PostgreSQL, and swept later."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.scheduler.jobs import purge_job
from store.models import utcnow
from store.repos import inbound


async def claims_once_and_sweeps(app: App) -> None:
    assert await app.repos.inbound.claim_inbound("slack", "Ev0001") is True
    assert await app.repos.inbound.claim_inbound("slack", "Ev0001") is False  # the retry, on any worker
    assert await app.repos.inbound.claim_inbound("teams", "Ev0001") is True  # another platform's id space
    long_id = "a:" + "x" * 400 + "|1"  # Teams conversation ids can be long: stored as a digest
    assert await app.repos.inbound.claim_inbound("teams", long_id) is True
    assert await app.repos.inbound.claim_inbound("teams", long_id) is False
    async with app.db.transaction() as session:
        assert await inbound.sweep(session, utcnow() + inbound.KEEP_FOR - timedelta(minutes=1)) == 0
    async with app.db.transaction() as session:
        assert await inbound.claim(session, "slack", "Ev0old", utcnow() - inbound.KEEP_FOR - timedelta(hours=1))
    await purge_job(app)  # the nightly job forgets ids older than KEEP_FOR
    assert await app.repos.inbound.claim_inbound("slack", "Ev0old") is True
    assert await app.repos.inbound.claim_inbound("slack", "Ev0001") is False


async def test_an_event_id_is_claimed_once_and_old_ids_are_swept_on_sqlite(app: App) -> None:
    await claims_once_and_sweeps(app)


@pytest.mark.postgres
async def test_an_event_id_is_claimed_once_and_old_ids_are_swept_on_postgresql(pg_app: App) -> None:
    await claims_once_and_sweeps(pg_app)

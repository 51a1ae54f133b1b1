"""store/repos/inbound.py: an inbound event id is claimed once, on SQLite and PostgreSQL, and swept later."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.scheduler.jobs import purge_job
from store.models import utcnow
from store.repos import inbound


async def claims_once_and_sweeps(app: App) -> dict[str, bool | int]:
    """Each claim (and the sweep) in turn, with what it answered: the test compares them with CLAIMED_ONCE."""
    seen: dict[str, bool | int] = {}
    seen["slack Ev0001, first delivery"] = await app.repos.inbound.claim_inbound("slack", "Ev0001")
    seen["slack Ev0001, the retry, on any worker"] = await app.repos.inbound.claim_inbound("slack", "Ev0001")
    seen["teams Ev0001, another platform's id space"] = await app.repos.inbound.claim_inbound("teams", "Ev0001")
    long_id = "a:" + "x" * 400 + "|1"  # Teams conversation ids can be long: stored as a digest
    seen["a long Teams id, first"] = await app.repos.inbound.claim_inbound("teams", long_id)
    seen["a long Teams id, again"] = await app.repos.inbound.claim_inbound("teams", long_id)
    async with app.db.transaction() as session:
        seen["swept a minute before KEEP_FOR"] = await inbound.sweep(
            session, utcnow() + inbound.KEEP_FOR - timedelta(minutes=1))
    async with app.db.transaction() as session:
        seen["Ev0old, claimed more than KEEP_FOR ago"] = await inbound.claim(
            session, "slack", "Ev0old", utcnow() - inbound.KEEP_FOR - timedelta(hours=1))
    await purge_job(app)  # the nightly job forgets ids older than KEEP_FOR
    seen["Ev0old, after the nightly purge"] = await app.repos.inbound.claim_inbound("slack", "Ev0old")
    seen["Ev0001, after the nightly purge"] = await app.repos.inbound.claim_inbound("slack", "Ev0001")
    return seen


CLAIMED_ONCE: dict[str, bool | int] = {
    "slack Ev0001, first delivery": True,
    "slack Ev0001, the retry, on any worker": False,
    "teams Ev0001, another platform's id space": True,
    "a long Teams id, first": True,
    "a long Teams id, again": False,
    "swept a minute before KEEP_FOR": 0,  # nothing is old enough yet
    "Ev0old, claimed more than KEEP_FOR ago": True,
    "Ev0old, after the nightly purge": True,  # forgotten, so taken afresh
    "Ev0001, after the nightly purge": False,  # recent: still remembered
}


async def test_an_event_id_is_claimed_once_and_old_ids_are_swept_on_sqlite(app: App) -> None:
    assert await claims_once_and_sweeps(app) == CLAIMED_ONCE


@pytest.mark.postgres
async def test_an_event_id_is_claimed_once_and_old_ids_are_swept_on_postgresql(pg_app: App) -> None:
    assert await claims_once_and_sweeps(pg_app) == CLAIMED_ONCE

"""The APScheduler jobs of `cadence serve`: dispatch tick, nightly planning and the retention purge hook."""

from __future__ import annotations

import asyncio
import logging
import sys
import types
from datetime import UTC, date, datetime

from bot.scheduler import jobs
from store.models import Reminder


async def test_the_scheduler_has_the_three_jobs_with_coalesced_misfires(demo_app):
    scheduler = jobs.start_scheduler(demo_app, start=False)
    scheduler.start(paused=True)
    found = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert set(found) == {"dispatch", "planning", "replanning", "retention_purge"}
    assert found["dispatch"].trigger.interval.total_seconds() == demo_app.settings.dispatch_interval_seconds == 30
    assert all(job.coalesce and job.max_instances == 1 for job in found.values())
    assert "hour='1'" in str(found["planning"].trigger) and "hour='2'" in str(found["retention_purge"].trigger)


async def test_a_running_scheduler_delivers_a_due_reminder(demo_app, recorder):
    demo_app.channels["slack"] = recorder
    demo_app.settings.dispatch_interval_seconds = 1
    sam = await demo_app.repos.people.person_by_email("sam.patel@hillside.example")
    await demo_app.repos.outbox.enqueue(Reminder(dedupe_key="jobs:1", kind="meeting_notice", recipient_id=sam.id,
                                         due_at=demo_app.clock.now(), clause="5.3", subject="Your meeting",
                                         body="Booked.", action="agenda"))
    scheduler = jobs.start_scheduler(demo_app)
    try:
        for _ in range(50):
            if recorder.delivered:
                break
            await asyncio.sleep(0.1)
    finally:
        await jobs.stop_scheduler(scheduler)
    assert [who for who, _ in recorder.delivered] == [sam.id]


async def test_nightly_planning_enrols_and_plans(demo_app):
    await jobs.planning_job(demo_app)
    kinds = {r.kind for r in await demo_app.repos.outbox.reminders(limit=10000)}
    assert {"prep_nudge", "reviewer_prep", "form_completion"} <= kinds


async def test_the_purge_hook_calls_the_records_helper_or_says_why_not(demo_app, monkeypatch, caplog):
    calls = []

    async def purge_due(app):
        calls.append(app)
        return "0 forms purged"

    fake = types.ModuleType("bot.documents.retention")
    fake.purge_due = purge_due  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.documents.retention", fake)
    await jobs.purge_job(demo_app)
    assert calls == [demo_app]

    monkeypatch.setitem(sys.modules, "bot.documents.retention", types.ModuleType("bot.documents.retention"))
    with caplog.at_level(logging.WARNING):
        await jobs.purge_job(demo_app)
    assert "retention purge skipped" in caplog.text and "Policy 10.3" in caplog.text


async def test_a_moved_meeting_has_its_reminders_moved_by_the_next_replanning_run_not_the_next_night(demo_app):
    await jobs.planning_job(demo_app)
    sam = await demo_app.repos.people.person_by_email("sam.patel@hillside.example")
    review = await demo_app.repos.reviews.current_review(sam.id)
    meeting = next(m for m in await demo_app.repos.reviews.meetings_for(review.id) if m.status == "scheduled")
    meeting.starts_at = datetime(2026, 12, 8, 14, tzinfo=UTC)
    await demo_app.repos.reviews.save_meeting(meeting)
    await jobs.replanning_job(demo_app)
    nudges = {r.due_at.date() for r in await demo_app.repos.outbox.reminders(limit=10000)
              if r.kind == "prep_nudge" and r.recipient_id == sam.id}
    assert date(2026, 12, 7) in nudges  # the working day before the new date

"""The dispatcher marks what it sent together, once a pass: if the database fails at that moment,
nothing already in someone's DM is sent again.

Clock: Mon 23 Nov 2026 10:00 Europe/London. Sam Patel (Hillside) is the recipient.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from bot.scheduler.dispatcher import Dispatcher
from store.models import Reminder
from tests.scheduler.conftest import RecordingChannel


async def test_the_database_failing_just_after_a_send_does_not_send_it_twice(demo_app, monkeypatch) -> None:
    recorder = RecordingChannel()
    demo_app.channels["slack"] = recorder
    sam = await demo_app.repos.people.person_by_email("sam.patel@hillside.example")
    await demo_app.repos.outbox.enqueue(Reminder(
        dedupe_key="outcomes:1", kind="prep_nudge", recipient_id=sam.id, subject_person_id=sam.id,
        due_at=demo_app.clock.now(), deadline=date(2026, 12, 1), clause="5.1",
        subject="Prepare for your review on Tue 1 Dec 2026", body="Your review meeting is on Tue 1 Dec 2026.",
        action="prep"))
    write = demo_app.repos.outbox.finish_claims
    failures = iter([OperationalError("UPDATE reminder", {}, Exception("database is gone"))])

    async def flaky(worker, outcomes):  # noqa: ANN001, ANN202 - the database drops once, right after the send
        error = next(failures, None)
        if error is not None:
            raise error
        return await write(worker, outcomes)

    monkeypatch.setattr(demo_app.repos.outbox, "finish_claims", flaky)
    dispatcher = Dispatcher(demo_app, worker_id="worker-1")
    with pytest.raises(OperationalError):
        await dispatcher.tick()
    assert len(recorder.delivered) == 1  # Sam has it
    [row] = (await demo_app.repos.outbox.reminders_by_keys(["outcomes:1"])).values()
    assert row.status == "claimed"  # still this worker's, not back in the queue

    again = await dispatcher.tick()
    assert again.sent == 1 and len(recorder.delivered) == 1  # marked now, not sent twice
    [row] = (await demo_app.repos.outbox.reminders_by_keys(["outcomes:1"])).values()
    assert (row.status, row.attempts, row.channel) == ("sent", 1, "slack")

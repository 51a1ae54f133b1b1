"""The dispatcher: working hours, absence, retries, failure, a crashed worker, and two workers at once.

Clock: Mon 23 Nov 2026 10:00 Europe/London unless a test moves it. Sam Patel (Hillside) is the
recipient; Harriet Ward is the Trust's HR administrator.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_app
from bot.messages import Reply
from bot.scheduler.dispatcher import MAX_ATTEMPTS, Dispatcher, backoff, render
from store.models import Person, Reminder
from tests.conftest import make_settings
from tests.scheduler.conftest import RecordingChannel

LONDON = ZoneInfo("Europe/London")


def london(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), LONDON)


async def person(app, email: str):
    p = await app.repos.people.person_by_email(email)
    assert p is not None
    return p


async def queue(app, recipient, due: datetime, *, key: str = "test:1", kind: str = "prep_nudge") -> Reminder:
    await app.repos.outbox.enqueue(Reminder(
        dedupe_key=key, kind=kind, recipient_id=recipient.id, subject_person_id=recipient.id, due_at=due,
        deadline=date(2026, 12, 1), clause="5.1", subject="Prepare for your review on Tue 1 Dec 2026",
        body="Your review meeting is on Tue 1 Dec 2026 and 23 of 23 preparation questions are still open.",
        action="prep"))
    row = (await app.repos.outbox.reminders_by_keys([key]))[key]
    return row


async def reload(app, row: Reminder) -> Reminder:
    fresh = await app.repos.outbox.reminder(row.id)
    assert fresh is not None
    return fresh


@pytest.fixture
async def sam(demo_app):
    return await person(demo_app, "sam.patel@hillside.example")


@pytest.fixture
def dispatcher(demo_app, recorder: RecordingChannel) -> Dispatcher:
    demo_app.channels["slack"] = recorder
    return Dispatcher(demo_app, worker_id="worker-1", rng=random.Random(7))


async def test_a_due_reminder_names_the_deadline_and_clause_and_offers_the_action(demo_app, dispatcher, recorder, sam):
    row = await queue(demo_app, sam, demo_app.clock.now())
    stats = await dispatcher.tick()
    assert stats.sent == 1 and len(recorder.delivered) == 1
    who, reply = recorder.delivered[0]
    assert who == sam.id
    assert "Deadline: Tue 1 Dec 2026." in reply.text and "(Policy 5.1)" in reply.text
    assert [c.value for c in reply.choices] == ["prep"] and reply.clause == "5.1"
    sent = await reload(demo_app, row)
    assert (sent.status, sent.channel, sent.attempts) == ("sent", "slack", 1)
    assert await dispatcher.tick() == type(stats)()  # nothing is sent twice


async def test_render_works_for_a_notice_without_deadline():
    reply = render(Reminder(id=1, dedupe_key="k", kind="meeting_notice", recipient_id=1, due_at=datetime.now(UTC),
                            clause="5.3", subject="Your meeting", body="It is booked.", action="agenda"))
    assert reply.text.endswith("(Policy 5.3)") and reply.choices[0].label == "See the agenda"


async def test_before_working_hours_it_waits_for_the_opening(demo_app, dispatcher, recorder, sam, clock):
    clock.set(london(date(2026, 11, 23), 6, 30))
    row = await queue(demo_app, sam, london(date(2026, 11, 23), 6))
    stats = await dispatcher.tick()
    assert (stats.deferred, stats.sent, recorder.delivered) == (1, 0, [])
    assert (await reload(demo_app, row)).due_at == london(date(2026, 11, 23), 8)
    clock.set(london(date(2026, 11, 23), 7, 59))
    assert (await dispatcher.tick()).claimed == 0
    clock.set(london(date(2026, 11, 23), 8))
    assert (await dispatcher.tick()).sent == 1


async def test_after_hours_on_christmas_eve_it_waits_until_after_the_bank_holidays(demo_app, dispatcher, recorder, sam,
                                                                                  clock):
    clock.set(london(date(2026, 12, 24), 17, 30))  # Thu; Fri 25 and Mon 28 Dec are bank holidays
    row = await queue(demo_app, sam, london(date(2026, 12, 24), 17, 15))
    await dispatcher.tick()
    assert (await reload(demo_app, row)).due_at == london(date(2026, 12, 29), 8)
    assert recorder.delivered == []


async def test_the_recipients_own_hours_apply(demo_app, dispatcher, recorder, sam, clock):
    sam.working_hours_start, sam.working_hours_end = 9, 13  # mornings only
    await demo_app.repos.people.save_person(sam)
    clock.set(london(date(2026, 11, 23), 13, 30))
    row = await queue(demo_app, sam, london(date(2026, 11, 23), 13))
    await dispatcher.tick()
    assert (await reload(demo_app, row)).due_at == london(date(2026, 11, 24), 9)


async def test_an_absent_colleagues_reminders_pause_until_they_are_back(demo_app, dispatcher, recorder, sam, clock):
    sam.absent_from, sam.absent_until = date(2026, 11, 16), date(2026, 12, 31)  # Policy 3.7
    await demo_app.repos.people.save_person(sam)
    row = await queue(demo_app, sam, demo_app.clock.now())
    stats = await dispatcher.tick()
    assert (stats.deferred, recorder.delivered) == (1, [])
    paused = await reload(demo_app, row)
    assert paused.due_at == london(date(2027, 1, 4), 8)  # Fri 1 Jan is New Year's Day
    assert "Policy 3.7" in paused.last_error
    clock.set(london(date(2027, 1, 4), 8, 5))
    assert (await dispatcher.tick()).sent == 1


def test_backoff_doubles_with_jitter_and_honours_retry_after():
    rng = random.Random(1)
    for attempt, (lo, hi) in enumerate([(15, 30), (30, 60), (60, 120), (120, 240), (240, 480)], start=1):
        for _ in range(50):
            assert lo <= backoff(attempt, rng) <= hi
    assert backoff(20, rng) <= 3600
    assert backoff(1, rng, retry_after=900) == 900
    assert len({round(backoff(3, rng), 3) for _ in range(20)}) > 10  # jittered, not lock-step


async def test_a_rate_limited_send_is_retried_after_retry_after(demo_app, dispatcher, recorder, sam, clock):
    recorder.fail_next, recorder.retry_after = 1, 120.0
    row = await queue(demo_app, sam, demo_app.clock.now())
    stats = await dispatcher.tick()
    assert (stats.retried, stats.sent) == (1, 0)
    waiting = await reload(demo_app, row)
    assert waiting.status == "pending" and waiting.attempts == 1 and "429" in waiting.last_error
    assert waiting.due_at >= clock.now() + timedelta(seconds=120)
    clock.advance(timedelta(seconds=60))
    assert (await dispatcher.tick()).claimed == 0
    clock.advance(timedelta(seconds=61))
    assert (await dispatcher.tick()).sent == 1 and len(recorder.delivered) == 1


async def test_after_five_failed_attempts_it_is_marked_failed_and_hr_is_told(demo_app, dispatcher, recorder, sam, clock):
    recorder.fail_next = 100
    row = await queue(demo_app, sam, demo_app.clock.now())
    for _ in range(MAX_ATTEMPTS):
        await dispatcher.tick()
        clock.advance(timedelta(minutes=20))
    failed = await reload(demo_app, row)
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    harriet = await person(demo_app, "harriet.ward@central.example")
    notices = [r for r in await demo_app.repos.outbox.reminders(status=None, limit=1000) if r.kind == "delivery_failed"]
    assert [(n.recipient_id, n.subject_person_id) for n in notices] == [(harriet.id, sam.id)]
    assert "Prepare for your review" in notices[0].body


async def test_nobody_reachable_stays_pending_and_hr_is_told_once(demo_app, dispatcher, recorder, sam, clock):
    recorder.reach = set()  # Sam has no Slack or Teams, and no email channel is set up
    row = await queue(demo_app, sam, demo_app.clock.now())
    first = await dispatcher.tick()
    assert first.unreachable == 1
    waiting = await reload(demo_app, row)
    assert waiting.status == "pending" and waiting.due_at == clock.now() + timedelta(days=1)
    clock.advance(timedelta(days=1))
    await dispatcher.tick()
    clock.advance(timedelta(days=1))
    await dispatcher.tick()
    notices = [r for r in await demo_app.repos.outbox.reminders(status=None, limit=1000) if r.kind == "unreachable"]
    assert len(notices) == 1 and sam.name in notices[0].subject


async def test_a_crashed_workers_claim_is_released_when_its_lease_ends(demo_app, dispatcher, recorder, sam, clock):
    row = await queue(demo_app, sam, demo_app.clock.now())
    now = clock.now()
    crashed = await demo_app.repos.outbox.claim_due("crashed-worker", now, now + timedelta(minutes=5), 10)
    assert [r.id for r in crashed] == [row.id]  # ... and the worker dies before sending
    assert (await dispatcher.tick()).claimed == 0  # the lease still holds: nobody else sends it
    clock.advance(timedelta(minutes=5, seconds=1))
    stats = await dispatcher.tick()
    assert (stats.released, stats.sent) == (1, 1)
    assert [who for who, _ in recorder.delivered] == [sam.id]
    # The crashed worker coming back cannot mark it again.
    assert await demo_app.repos.outbox.finish_claim(row.id, "crashed-worker", {"status": "sent"}) is False


async def _many(app, n: int) -> list[int]:
    people = [p for p in await app.repos.people.all_people() if p.active]
    now = app.clock.now()
    rows = [Reminder(dedupe_key=f"bulk:{i}", kind="prep_nudge", recipient_id=people[i % len(people)].id,
                     due_at=now - timedelta(seconds=i), clause="5.1", subject=f"Reminder {i}", body="Body",
                     action="prep").model_dump(exclude={"id"}) for i in range(n)]
    await app.repos.outbox.apply_plan(rows, [], [], [])
    return [r.id for r in await app.repos.outbox.reminders(status="pending", limit=100000)]


async def _run_until_empty(d: Dispatcher) -> None:
    idle = 0
    while idle < 3:
        stats = await d.tick()
        idle = idle + 1 if stats.claimed == 0 else 0
        await asyncio.sleep(0)


@dataclass
class FirstWaitsForTheOther(RecordingChannel):
    """Worker A's first send waits (up to 5 s) until worker B has sent one: on SQLite a writer waiting
    for the lock sleeps in the busy handler, and a worker that never pauses could otherwise claim every
    row before the other wakes; the test is about both claiming at once, not about who wakes first."""

    other: RecordingChannel | None = None

    async def deliver(self, person: Person, reply: Reply) -> None:
        for _ in range(500):
            if self.other is None or self.other.delivered:
                break
            await asyncio.sleep(0.01)
        await super().deliver(person, reply)


async def _two_workers_deliver_once(app_a, app_b, n: int = 200) -> int:
    ids = await _many(app_a, n)
    b = RecordingChannel(delay=0.001)
    a = FirstWaitsForTheOther(delay=0.001, other=b)
    app_a.channels["slack"], app_b.channels["slack"] = a, b
    await asyncio.gather(_run_until_empty(Dispatcher(app_a, worker_id="A", batch=10)),
                         _run_until_empty(Dispatcher(app_b, worker_id="B", batch=10)))
    sent = [reply.meta["reminder_id"] for _, reply in a.delivered + b.delivered]
    assert sorted(sent) == sorted(ids)  # every reminder, none twice
    assert a.delivered and b.delivered  # both workers took part
    rows = await app_a.repos.outbox.reminders(status="sent", limit=100000)
    assert len(rows) == n and {r.attempts for r in rows} == {1}
    return len(sent)


async def test_two_dispatchers_on_one_sqlite_database_deliver_each_reminder_once(demo_app, db_url, clock):
    second = build_app(make_settings(db_url), clock=clock)
    try:
        assert await _two_workers_deliver_once(demo_app, second) > 0
    finally:
        await second.close()


@pytest.mark.postgres
async def test_two_dispatchers_on_one_postgresql_database_deliver_each_reminder_once(pg_app, pg_url, clock):
    from bot.demo import seed_demo

    await seed_demo(pg_app)
    second = build_app(make_settings(pg_url), clock=clock)
    try:
        assert await _two_workers_deliver_once(pg_app, second, n=300) == 300
    finally:
        await second.close()

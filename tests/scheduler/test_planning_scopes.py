"""The planner's scopes read only their own rows, and plan the same on SQLite and PostgreSQL.

Each planning batch cancels the pending planner rows of its scope that the rules no longer
produce: a review batch by review, a people batch by colleague, an organisation by its key prefix
("plan:org:7:"). Organisations' rows are read once per pass for all of them (bench section 3: a
LIKE per organisation scans the outbox on PostgreSQL), so these tests check that the hand-out by
prefix cancels exactly one organisation's stale row, on both databases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler.planner import Planner
from store.models import Reminder

LONDON = ZoneInfo("Europe/London")


def stale(key: str, recipient_id: int) -> Reminder:
    return Reminder(dedupe_key=key, kind="governors_report_due", recipient_id=recipient_id,
                    due_at=datetime(2027, 4, 12, 8, tzinfo=UTC), clause="11.3", subject="An old report reminder",
                    body="From a rule that no longer applies.", action="export")


async def outbox(app) -> dict[str, str]:
    return {r.dedupe_key: r.status for r in await app.repos.outbox.reminders(status=None, limit=100000)}


async def what_is_planned(app) -> set[tuple[str, str, datetime, str, str]]:
    """Everything pending, as a person would read it: kind, recipient, when, subject, status."""
    rows = await app.repos.outbox.reminders(status=None, limit=100000)
    people = await app.repos.people.people({r.recipient_id for r in rows})
    return {(r.kind, people[r.recipient_id].email, r.due_at, r.subject, r.status) for r in rows}


async def organisations_stale_rows_are_cancelled_and_nothing_else(app) -> int:
    await Planner(app).run()
    hillside = await app.repos.people.organisation_by_name("Co-op Academy Hillside")
    assert hillside is not None and hillside.id is not None
    head = (await app.repos.people.role_holders("headteacher", hillside.id))[0]
    oid = hillside.id
    # A row of Hillside's the rules no longer produce; rows of an organisation whose id starts the
    # same digits, of no organisation at all, and a dialog's own notice must all stay as they are.
    await app.repos.outbox.enqueue(stale(f"plan:org:{oid}:governors_report_due:2019:2020-04-12", head.id))
    await app.repos.outbox.enqueue(stale(f"plan:org:{oid}0:governors_report_due:2019:2020-04-12", head.id))
    await app.repos.outbox.enqueue(stale("plan:org:987654:governors_report_due:2019:2020-04-12", head.id))
    await app.repos.outbox.enqueue(stale(f"report:{oid}:2019", head.id))
    before = await outbox(app)

    stats = await Planner(app).run()

    after = await outbox(app)
    assert stats.cancelled == 1 and (stats.inserted, stats.updated) == (0, 0)
    assert after.pop(f"plan:org:{oid}:governors_report_due:2019:2020-04-12") == "cancelled"
    before.pop(f"plan:org:{oid}:governors_report_due:2019:2020-04-12")
    assert after == before
    return (await Planner(app).run()).cancelled  # a pass after that cancels nothing more


async def test_a_report_reminder_hillside_no_longer_needs_is_cancelled_and_no_other_schools(demo_app):
    assert await organisations_stale_rows_are_cancelled_and_nothing_else(demo_app) == 0


async def test_sam_going_into_capability_cancels_his_reminders_and_nobody_elses(demo_app):
    """People and review batches read their own colleagues' rows: Sam going into capability
    cancels his reminders, and only his (Policy 1.2)."""
    await Planner(demo_app).run()
    sam = await demo_app.repos.people.person_by_email("sam.patel@hillside.example")
    assert sam is not None
    before = {r.id: r.status for r in await demo_app.repos.outbox.reminders(status=None, limit=100000)}
    sam.in_capability = True
    await demo_app.repos.people.save_person(sam)
    await Planner(demo_app).run()
    after = await demo_app.repos.outbox.reminders(status=None, limit=100000)
    changed = [r for r in after if before.get(r.id) != r.status]
    assert changed
    assert {(r.subject_person_id, r.status) for r in changed} == {(sam.id, "cancelled")}


@pytest.mark.postgres
async def test_postgresql_plans_what_sqlite_plans_and_a_second_pass_changes_nothing(demo_app, pg_app):
    from bot.demo import seed_demo

    await seed_demo(pg_app)
    first = await Planner(pg_app).run()
    await Planner(demo_app).run()
    assert first.inserted > 100
    assert await what_is_planned(pg_app) == await what_is_planned(demo_app)
    again = await Planner(pg_app).run()
    assert (again.inserted, again.updated, again.cancelled, again.reactivated) == (0, 0, 0, 0)


@pytest.mark.postgres
async def test_on_postgresql_a_moved_meeting_moves_its_reminders_and_a_stale_report_is_cancelled(pg_app):
    from bot.demo import seed_demo

    await seed_demo(pg_app)
    assert await organisations_stale_rows_are_cancelled_and_nothing_else(pg_app) == 0
    sam = await pg_app.repos.people.person_by_email("sam.patel@hillside.example")
    review = await pg_app.repos.reviews.current_review(sam.id)
    meeting = next(m for m in await pg_app.repos.reviews.meetings_for(review.id) if m.status == "scheduled")
    meeting.starts_at = datetime.combine(date(2026, 12, 8), time(14), LONDON).astimezone(UTC)  # Tue 8 Dec
    await pg_app.repos.reviews.save_meeting(meeting)
    await Planner(pg_app).run()
    nudges = [r for r in await pg_app.repos.outbox.reminders(status=None, limit=100000)
              if r.kind == "prep_nudge" and r.recipient_id == sam.id]
    by_status = {(r.due_at.astimezone(LONDON).date(), r.status) for r in nudges}
    assert by_status == {(date(2026, 11, 26), "cancelled"), (date(2026, 11, 30), "cancelled"),
                         (date(2026, 12, 3), "pending"), (date(2026, 12, 7), "pending")}

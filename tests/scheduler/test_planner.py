"""The planner on the demo trust: upsert by dedupe key, cancel what no longer applies, batch by batch.

The demo (today Mon 23 Nov 2026): Sam Patel's planning meeting is booked for Tue 1 Dec 14:00 with
Priya Shah and his preparation not started; Dana White joined on 5 Oct; Fran Gray (induction),
Evan Black (agency) and Kay Dale (capability) are not covered (1.1, 1.2).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.scheduler.planner import Planner
from store.models import Meeting, Reminder

LONDON = ZoneInfo("Europe/London")


async def person(app, email: str):
    p = await app.repos.people.person_by_email(email)
    assert p is not None
    return p


async def rows(app, *, status: str | None = "pending", kind: str | None = None, to=None) -> list[Reminder]:
    out = await app.repos.outbox.reminders(status=status, limit=100000)
    return [r for r in out if (kind is None or r.kind == kind) and (to is None or r.recipient_id == to.id)]


def local_day(r: Reminder) -> date:
    return r.due_at.astimezone(LONDON).date()


async def sams_meeting(app) -> Meeting:
    sam = await person(app, "sam.patel@hillside.example")
    review = await app.repos.reviews.current_review(sam.id)
    return next(m for m in await app.repos.reviews.meetings_for(review.id) if m.status == "scheduled")


async def test_planning_the_demo_trust_queues_sams_meeting_reminders(demo_app):
    stats = await Planner(demo_app).run()
    assert stats.inserted > 0
    sam, priya = await person(demo_app, "sam.patel@hillside.example"), await person(demo_app, "priya.shah@hillside.example")
    assert sorted(local_day(r) for r in await rows(demo_app, kind="prep_nudge", to=sam)) == [
        date(2026, 11, 26), date(2026, 11, 30)]
    assert [local_day(r) for r in await rows(demo_app, kind="reviewer_prep", to=priya)] == [date(2026, 11, 27)]
    assert len(await rows(demo_app, kind="meeting_notice", to=sam)) == 1
    # Nothing from last year is sent afresh: the 2025-26 report's 9.1 window closed on 11 Oct.
    assert await rows(demo_app, kind="informal_resolution") == []


async def test_a_second_pass_changes_nothing(demo_app):
    await Planner(demo_app).run()
    before = {(r.dedupe_key, r.status, r.recipient_id, r.due_at) for r in await rows(demo_app, status=None)}
    again = await Planner(demo_app).run()
    assert (again.inserted, again.updated, again.cancelled, again.reactivated) == (0, 0, 0, 0)
    assert {(r.dedupe_key, r.status, r.recipient_id, r.due_at) for r in await rows(demo_app, status=None)} == before


async def test_small_batches_plan_exactly_what_one_big_batch_does(demo_app, tmp_path):
    await Planner(demo_app, batch_size=3).run()
    small = {(r.dedupe_key, r.recipient_id, r.due_at) for r in await rows(demo_app)}
    await demo_app.repos.outbox.apply_plan([], [], [], [r.id for r in await rows(demo_app)])  # cancel everything
    # no fact changed, so only a full pass looks at every colleague again
    stats = await Planner(demo_app, batch_size=1000).run(full=True)
    assert stats.reactivated == len(small)
    assert {(r.dedupe_key, r.recipient_id, r.due_at) for r in await rows(demo_app)} == small


async def test_rescheduling_the_meeting_moves_its_reminders(demo_app):
    await Planner(demo_app).run()
    sam = await person(demo_app, "sam.patel@hillside.example")
    meeting = await sams_meeting(demo_app)
    meeting.starts_at = datetime.combine(date(2026, 12, 8), time(14), LONDON).astimezone(UTC)  # Tue 8 Dec
    await demo_app.repos.reviews.save_meeting(meeting)
    await Planner(demo_app).run()
    assert sorted(local_day(r) for r in await rows(demo_app, kind="prep_nudge", to=sam)) == [
        date(2026, 12, 3), date(2026, 12, 7)]
    cancelled = await rows(demo_app, status="cancelled", kind="prep_nudge", to=sam)
    assert sorted(local_day(r) for r in cancelled) == [date(2026, 11, 26), date(2026, 11, 30)]
    # Both people hear about the new time: one notice for the old slot (cancelled), one for the new.
    notices = await rows(demo_app, kind="meeting_notice", to=sam)
    assert len(notices) == 1 and "8 Dec" in notices[0].subject


async def test_cancelling_the_meeting_cancels_everything_about_it(demo_app):
    await Planner(demo_app).run()
    meeting = await sams_meeting(demo_app)
    meeting.status = "cancelled"
    await demo_app.repos.reviews.save_meeting(meeting)
    await Planner(demo_app).run()
    sam = await person(demo_app, "sam.patel@hillside.example")
    for kind in ("prep_nudge", "reviewer_prep", "meeting_notice", "form_completion"):
        assert [r for r in await rows(demo_app, kind=kind) if r.subject_person_id == sam.id] == [], kind


async def test_finished_preparation_and_a_submitted_form_stop_their_nudges(demo_app):
    await Planner(demo_app).run()
    sam = await person(demo_app, "sam.patel@hillside.example")
    review = await demo_app.repos.reviews.current_review(sam.id)
    await demo_app.repos.forms.save_preparation(review.id, sam.id, "colleague",
                                         [(f"q{n}", f"Question {n}", "An answer") for n in range(23)])
    await Planner(demo_app).run()
    assert await rows(demo_app, kind="prep_nudge", to=sam) == []
    forms = [r for r in await rows(demo_app, kind="form_completion") if r.subject_person_id == sam.id]
    assert len(forms) == 3  # Wed 2 Dec, Tue 8 Dec, and the escalation on Tue 15 Dec
    review = await demo_app.repos.reviews.current_review(sam.id)
    review.planning_submitted_at = datetime(2026, 12, 1, 16, tzinfo=UTC)
    await demo_app.repos.reviews.save_review(review)
    await Planner(demo_app).run()
    assert [r for r in await rows(demo_app, kind="form_completion") if r.subject_person_id == sam.id] == []


async def test_a_reassigned_reviewer_receives_the_pending_reminders(demo_app):
    await Planner(demo_app).run()
    sam, mark = await person(demo_app, "sam.patel@hillside.example"), await person(demo_app, "mark.lee@hillside.example")
    review = await demo_app.repos.reviews.current_review(sam.id)
    review.reviewer_id, review.delegated = mark.id, True  # Policy 4.2: Priya is away
    await demo_app.repos.reviews.save_review(review)
    stats = await Planner(demo_app).run()
    assert stats.updated >= 2 and stats.inserted == 0
    assert [local_day(r) for r in await rows(demo_app, kind="reviewer_prep", to=mark)] == [date(2026, 11, 27)]
    priya = await person(demo_app, "priya.shah@hillside.example")
    assert [r for r in await rows(demo_app, to=priya) if r.review_id == review.id] == []


async def test_people_the_policy_does_not_cover_get_nothing(demo_app):
    await Planner(demo_app).run()
    all_rows = await rows(demo_app, status=None)
    for email in ("fran.gray@hillside.example", "evan.black@hillside.example", "kay.dale@central.example"):
        p = await person(demo_app, email)
        assert [r for r in all_rows if p.id in (r.recipient_id, r.subject_person_id)] == [], email


async def test_a_colleague_going_into_capability_has_their_reminders_cancelled(demo_app):
    await Planner(demo_app).run()
    sam = await person(demo_app, "sam.patel@hillside.example")
    assert [r for r in await rows(demo_app) if r.subject_person_id == sam.id]
    sam.in_capability = True
    await demo_app.repos.people.save_person(sam)
    await Planner(demo_app).run()
    left = [r for r in await rows(demo_app) if r.subject_person_id == sam.id]
    assert {r.kind for r in left} == {"retention_expiry"}  # HR still hears when last year's form is due for deletion


async def test_the_new_joiner_is_chased_and_the_overdue_appeal_is_caught_up(demo_app):
    from bot.scheduler.demo_state import add_reminder_scenarios

    await add_reminder_scenarios(demo_app, appeal=True)
    await Planner(demo_app).run()
    dana = await person(demo_app, "dana.white@hillside.example")
    joiner = sorted(local_day(r) for r in await rows(demo_app, kind="new_joiner_planning")
                    if r.subject_person_id == dana.id)
    # The 16 Nov nudge is a week old but the 5 Jan deadline is ahead, so it is caught up at once.
    assert joiner == [date(2026, 11, 16), date(2026, 12, 14), date(2027, 1, 5)]
    # Omar's appeal arrived on Thu 19 Nov, before this first run: its hearing deadline is ahead, so the
    # receipt notice is still queued (and goes out at once) rather than skipped.
    appeal = sorted(local_day(r) for r in await rows(demo_app, kind="appeal_hearing_deadline"))
    assert appeal[0] == date(2026, 11, 19) and date(2026, 12, 11) in appeal


async def test_the_clock_moving_on_plans_the_next_checkins(demo_app, clock):
    await Planner(demo_app).run()
    priya = await person(demo_app, "priya.shah@hillside.example")  # leadership role: fortnightly (3.3)
    first = {local_day(r) for r in await rows(demo_app, kind="one_to_one_checkin", to=priya)}
    assert first and max(first) <= date(2026, 11, 23) + timedelta(days=42)
    clock.advance(timedelta(days=60))
    await Planner(demo_app).run()
    later = {local_day(r) for r in await rows(demo_app, kind="one_to_one_checkin", to=priya)}
    assert max(later) > max(first)


async def test_the_booking_dialogs_own_notice_is_not_sent_twice(demo_app):
    sam = await person(demo_app, "sam.patel@hillside.example")
    meeting = await sams_meeting(demo_app)
    start = meeting.starts_at.astimezone(LONDON)
    await demo_app.repos.outbox.enqueue(Reminder(dedupe_key=f"meeting:{meeting.id}:{start.isoformat()}", kind="meeting_notice",
                                         recipient_id=sam.id, review_id=meeting.review_id, due_at=demo_app.clock.now(),
                                         clause="5.3", subject="Planning meeting booked", body="Booked.",
                                         action="agenda"))
    await Planner(demo_app).run()
    notices = await rows(demo_app, kind="meeting_notice")
    assert sorted((r.recipient_id, r.dedupe_key.startswith("plan:")) for r in notices if r.review_id == meeting.review_id) \
        == sorted([(sam.id, False), (meeting.scheduled_by_id, True)])

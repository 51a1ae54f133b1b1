"""Retention (Policy 10.3): HR is told first, the purge removes exactly what is due, a legal hold stops it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bot.documents.retention import NOTICE_KIND, purge_due
from store.models import (
    CheckIn,
    CoopReflection,
    Meeting,
    Milestone,
    Objective,
    ObjectiveProgress,
    PlanAction,
    Reminder,
    Review,
    Signature,
    SupportPlan,
    TrainingNeed,
)
from tests.records.builders import EMAILS, NAMES


async def _old_review(trust, who: str, year: int, *, notice_sent: datetime | None = None,
                      notice_status: str = "sent") -> int:
    """A finished review of cycle ``year`` with a little of everything under it."""
    repo = trust.app.repo
    cycle = await repo.cycle(trust.orgs["hillside"], year, create=True)
    review = await repo.save_review(Review(cycle_id=cycle.id, colleague_id=trust.ids[who], reviewer_id=trust.ids["priya"],
                                    stage="closed", retain_until=date(year + 6, 8, 31),
                                    eoy_comments=f"{who} end of year {year}"))
    objective = await repo.save_objective(Objective(review_id=review.id, number=1, text=f"{who} objective {year}"))
    await repo.save_milestone(Milestone(objective_id=objective.id, description="half way"))
    await repo.save_objective_progress(ObjectiveProgress(objective_id=objective.id, stage="end_of_year", outcome="met"))
    await repo.save_coop_reflection(CoopReflection(review_id=review.id, part="planning", way="Show you care", text="kind"))
    await repo.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role="reviewee",
                              person_id=trust.ids[who]))
    await repo.save_training_need(TrainingNeed(review_id=review.id, category="a", description="first aid"))
    await repo.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=datetime(year, 10, 1, 9, tzinfo=UTC)))
    plan = await repo.save_plan(SupportPlan(colleague_id=trust.ids[who], manager_id=trust.ids["priya"],
                                       review_id=review.id))
    await repo.save_plan_action(PlanAction(plan_id=plan.id, number=1, area="timekeeping"))
    if notice_sent is not None:
        await repo.enqueue(Reminder(dedupe_key=f"retention:{review.id}", kind=NOTICE_KIND,
                                    recipient_id=trust.ids["hana"], review_id=review.id, due_at=notice_sent,
                                    status=notice_status, sent_at=notice_sent if notice_status == "sent" else None,
                                    clause="10.3", subject="Retention"))
    return review.id


async def _count(repo, model, **where) -> int:
    async with repo.db.session() as s:
        q = select(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return len((await s.exec(q)).all())


async def test_the_purge_deletes_a_review_past_retention_after_hrs_notice_and_leaves_an_anonymous_tombstone(trust):
    repo = trust.app.repo
    due = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 10, 1, 9, tzinfo=UTC))  # kept to 31 Aug 2025
    current = trust.reviews["sam"]
    report = await purge_due(trust.app)
    assert [i.review_id for i in report.purged] == [due]
    assert report.purged[0].rows == {"milestone": 1, "objective_progress": 1, "objective": 1, "plan_action": 1,
                                     "support_plan": 1, "signature": 1, "coop_reflection": 1, "training_need": 1,
                                     "meeting": 1, "reminder": 1, "review": 1}
    assert await repo.review(due) is None
    assert await _count(repo, Objective, review_id=due) == 0
    assert await _count(repo, SupportPlan, colleague_id=trust.ids["jo"]) == 1  # Jo's current plan is untouched
    # nothing else moved: Sam's forms and Alex's plans are all there
    assert await repo.review(current) is not None and await repo.review(trust.reviews["sam_2025"]) is not None
    assert len(await repo.objectives(current)) == 2
    (tomb,) = await repo.audit_tombstones()
    assert tomb.subject_person_id is None and tomb.record_id is None
    assert tomb.detail["cycle_year"] == 2019 and tomb.detail["retained_until"] == "2025-08-31"
    text = repr(tomb.model_dump())
    assert NAMES["jo"][0] not in text and EMAILS["jo"] not in text and "Jo" not in text


async def test_jos_check_ins_from_the_purged_year_go_with_her_review_and_this_years_stay(trust):
    repo = trust.app.repo
    due = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 10, 1, 9, tzinfo=UTC))
    jo = trust.ids["jo"]
    for when, note in ((datetime(2019, 11, 5, 9, tzinfo=UTC), "tired in 2019"),
                       (datetime(2020, 7, 20, 9, tzinfo=UTC), "summer 2020"),  # still academic year 2019-20
                       (datetime(2026, 11, 20, 9, tzinfo=UTC), "fine this week")):
        await repo.save_checkin(CheckIn(person_id=jo, mood=3, note=note, created_at=when))
    report = await purge_due(trust.app)
    assert [i.review_id for i in report.purged] == [due] and report.purged[0].rows["check_in"] == 2
    assert [c.note for c in await repo.checkins(jo, None)] == ["fine this week"]


async def test_no_record_goes_without_thirty_days_notice_to_hr(trust):
    repo = trust.app.repo
    recent = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 11, 10, 9, tzinfo=UTC))
    never = await _old_review(trust, "alex", 2019)
    pending = await _old_review(trust, "mark", 2019, notice_sent=datetime(2026, 11, 30, 9, tzinfo=UTC),
                                notice_status="pending")
    report = await purge_due(trust.app)
    assert report.purged == []
    assert sorted(i.review_id for i in report.waiting) == sorted([recent, never, pending])
    assert [i.review_id for i in report.notices_queued] == [never]
    notices = [r for r in await repo.reminders(status=None) if r.kind == NOTICE_KIND and r.review_id == never]
    assert [(n.recipient_id, n.clause) for n in notices] == [(trust.ids["hana"], "10.3")]
    assert "cadence hold alex.green@hillside.example" in notices[0].body
    assert [await repo.review(r) is not None for r in (recent, never, pending)] == [True, True, True]
    again = await purge_due(trust.app)  # the next night: no second notice
    assert again.notices_queued == []


async def test_a_legal_hold_keeps_everything_and_releasing_it_lets_the_next_purge_run(trust):
    repo = trust.app.repo
    held = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 9, 1, 9, tzinfo=UTC))
    await repo.set_legal_hold(trust.ids["jo"], True, "Employment tribunal claim")
    report = await purge_due(trust.app)
    assert [i.review_id for i in report.held] == [held] and report.purged == []
    assert "Employment tribunal claim" in report.held[0].reason
    assert await repo.review(held) is not None and await _count(repo, Objective, review_id=held) == 1
    await repo.set_legal_hold(trust.ids["jo"], False, "")
    assert [i.review_id for i in (await purge_due(trust.app)).purged] == [held]


async def test_a_dry_run_deletes_and_sends_nothing(trust):
    repo = trust.app.repo
    due = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 9, 1, 9, tzinfo=UTC))
    never = await _old_review(trust, "alex", 2018)
    before = len(await repo.reminders(status=None))
    report = await purge_due(trust.app, dry_run=True)
    assert [i.review_id for i in report.purged] == [due]
    assert await repo.review(due) is not None and await repo.review(never) is not None
    assert len(await repo.reminders(status=None)) == before
    assert await repo.audit_tombstones() == []


async def test_a_review_within_retention_is_never_touched_and_the_last_day_counts(trust):
    repo = trust.app.repo
    young = await _old_review(trust, "jo", 2021, notice_sent=datetime(2026, 1, 1, 9, tzinfo=UTC))  # to 31 Aug 2027
    edge = await _old_review(trust, "alex", 2020, notice_sent=datetime(2026, 1, 1, 9, tzinfo=UTC))  # to 31 Aug 2026
    trust.app.clock.set(datetime(2026, 8, 31, 12, tzinfo=UTC))
    assert (await purge_due(trust.app)).purged == []  # 31 August itself is still within retention
    trust.app.clock.set(datetime(2026, 9, 1, 12, tzinfo=UTC))
    assert [i.review_id for i in (await purge_due(trust.app)).purged] == [edge]
    assert await repo.review(young) is not None


async def test_the_nightly_log_line_names_nobody(trust):
    await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 10, 1, 9, tzinfo=UTC))
    report = await purge_due(trust.app, dry_run=True)
    assert "deleted" not in str(report) and "would delete 1 review(s)" in str(report)
    assert NAMES["jo"][0] not in repr(report) and NAMES["jo"][0] not in f"{report}"

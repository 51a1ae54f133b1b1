"""Retention (Policy 10.3): HR is told first, the purge removes exactly what is due, a legal hold stops it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
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
from tests.seeding import seed, seed_all


async def _old_review(trust, who: str, year: int, *, notice_sent: datetime | None = None,
                      notice_status: str = "sent") -> int:
    """A finished review of cycle ``year`` with a little of everything under it."""
    repos = trust.app.repos
    cycle = await repos.reviews.cycle(trust.orgs["hillside"], year, create=True)
    review = await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=trust.ids[who], reviewer_id=trust.ids["priya"],
                                    stage="closed", retain_until=date(year + 6, 8, 31),
                                    eoy_comments=f"{who} end of year {year}"))
    objective = await repos.forms.save_objective(Objective(review_id=review.id, number=1, text=f"{who} objective {year}"))
    await repos.forms.save_milestone(Milestone(objective_id=objective.id, description="half way"))
    await repos.forms.save_objective_progress(ObjectiveProgress(objective_id=objective.id, stage="end_of_year", outcome="met"))
    await repos.forms.save_coop_reflection(CoopReflection(review_id=review.id, part="planning", way="Show you care", text="kind"))
    await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role="reviewee",
                              person_id=trust.ids[who]))
    await repos.forms.save_training_need(TrainingNeed(review_id=review.id, category="a", description="first aid"))
    await repos.reviews.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=datetime(year, 10, 1, 9, tzinfo=UTC)))
    plan = await repos.plans.save_plan(SupportPlan(colleague_id=trust.ids[who], manager_id=trust.ids["priya"],
                                       review_id=review.id))
    await repos.plans.save_plan_action(PlanAction(plan_id=plan.id, number=1, area="timekeeping"))
    if notice_sent is not None:
        await repos.outbox.enqueue(Reminder(dedupe_key=f"retention:{review.id}", kind=NOTICE_KIND,
                                    recipient_id=trust.ids["hana"], review_id=review.id, due_at=notice_sent,
                                    status=notice_status, sent_at=notice_sent if notice_status == "sent" else None,
                                    clause="10.3", subject="Retention"))
    return review.id


async def _count(repos, model, **where) -> int:
    async with repos.db.session() as s:
        q = select(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return len((await s.exec(q)).all())


async def test_the_purge_deletes_a_review_past_retention_after_hrs_notice_and_leaves_an_anonymous_tombstone(trust):
    repos = trust.app.repos
    due = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 10, 1, 9, tzinfo=UTC))  # kept to 31 Aug 2025
    current = trust.reviews["sam"]
    report = await purge_due(trust.app)
    assert [i.review_id for i in report.purged] == [due]
    assert report.purged[0].rows == {"milestone": 1, "objective_progress": 1, "objective": 1, "plan_action": 1,
                                     "support_plan": 1, "signature": 1, "coop_reflection": 1, "training_need": 1,
                                     "meeting": 1, "reminder": 1, "review": 1}
    assert await repos.reviews.review(due) is None
    assert await _count(repos, Objective, review_id=due) == 0
    assert await _count(repos, SupportPlan, colleague_id=trust.ids["jo"]) == 1  # Jo's current plan is untouched
    # nothing else moved: Sam's forms and Alex's plans are all there
    assert await repos.reviews.review(current) is not None and await repos.reviews.review(trust.reviews["sam_2025"]) is not None
    assert len(await repos.forms.objectives(current)) == 2
    (tomb,) = await repos.audit.audit_tombstones()
    assert tomb.subject_person_id is None and tomb.record_id is None
    assert tomb.detail["cycle_year"] == 2019 and tomb.detail["retained_until"] == "2025-08-31"
    text = repr(tomb.model_dump())
    assert NAMES["jo"][0] not in text and EMAILS["jo"] not in text and "Jo" not in text


async def test_jos_check_ins_from_the_purged_year_go_with_her_review_and_this_years_stay(trust):
    repos = trust.app.repos
    due = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 10, 1, 9, tzinfo=UTC))
    jo = trust.ids["jo"]
    for when, note in ((datetime(2019, 11, 5, 9, tzinfo=UTC), "tired in 2019"),
                       (datetime(2020, 7, 20, 9, tzinfo=UTC), "summer 2020"),  # still academic year 2019-20
                       (datetime(2026, 11, 20, 9, tzinfo=UTC), "fine this week")):
        await repos.records.save_checkin(CheckIn(person_id=jo, mood=3, note=note, created_at=when))
    report = await purge_due(trust.app)
    assert [i.review_id for i in report.purged] == [due] and report.purged[0].rows["check_in"] == 2
    assert [c.note for c in await repos.records.checkins(jo, None)] == ["fine this week"]


async def test_no_record_goes_without_thirty_days_notice_to_hr(trust):
    repos = trust.app.repos
    recent = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 11, 10, 9, tzinfo=UTC))
    never = await _old_review(trust, "alex", 2019)
    pending = await _old_review(trust, "mark", 2019, notice_sent=datetime(2026, 11, 30, 9, tzinfo=UTC),
                                notice_status="pending")
    report = await purge_due(trust.app)
    assert report.purged == []
    assert sorted(i.review_id for i in report.waiting) == sorted([recent, never, pending])
    assert [i.review_id for i in report.notices_queued] == [never]
    notices = [r for r in await repos.outbox.reminders(status=None) if r.kind == NOTICE_KIND and r.review_id == never]
    assert [(n.recipient_id, n.clause) for n in notices] == [(trust.ids["hana"], "10.3")]
    assert "cadence hold alex.green@hillside.example" in notices[0].body
    assert [await repos.reviews.review(r) is not None for r in (recent, never, pending)] == [True, True, True]
    again = await purge_due(trust.app)  # the next night: no second notice
    assert again.notices_queued == []


async def test_a_legal_hold_keeps_everything_and_releasing_it_lets_the_next_purge_run(trust):
    repos = trust.app.repos
    held = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 9, 1, 9, tzinfo=UTC))
    await repos.records.set_legal_hold(trust.ids["jo"], True, "Employment tribunal claim")
    report = await purge_due(trust.app)
    assert [i.review_id for i in report.held] == [held] and report.purged == []
    assert "Employment tribunal claim" in report.held[0].reason
    assert await repos.reviews.review(held) is not None and await _count(repos, Objective, review_id=held) == 1
    await repos.records.set_legal_hold(trust.ids["jo"], False, "")
    assert [i.review_id for i in (await purge_due(trust.app)).purged] == [held]


async def test_a_dry_run_deletes_and_sends_nothing(trust):
    repos = trust.app.repos
    due = await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 9, 1, 9, tzinfo=UTC))
    never = await _old_review(trust, "alex", 2018)
    before = len(await repos.outbox.reminders(status=None))
    report = await purge_due(trust.app, dry_run=True)
    assert [i.review_id for i in report.purged] == [due]
    assert await repos.reviews.review(due) is not None and await repos.reviews.review(never) is not None
    assert len(await repos.outbox.reminders(status=None)) == before
    assert await repos.audit.audit_tombstones() == []


async def test_a_review_within_retention_is_never_touched_and_the_last_day_counts(trust):
    repos = trust.app.repos
    young = await _old_review(trust, "jo", 2021, notice_sent=datetime(2026, 1, 1, 9, tzinfo=UTC))  # to 31 Aug 2027
    edge = await _old_review(trust, "alex", 2020, notice_sent=datetime(2026, 1, 1, 9, tzinfo=UTC))  # to 31 Aug 2026
    trust.app.clock.set(datetime(2026, 8, 31, 12, tzinfo=UTC))
    assert (await purge_due(trust.app)).purged == []  # 31 August itself is still within retention
    trust.app.clock.set(datetime(2026, 9, 1, 12, tzinfo=UTC))
    assert [i.review_id for i in (await purge_due(trust.app)).purged] == [edge]
    assert await repos.reviews.review(young) is not None


async def test_the_nightly_log_line_names_nobody(trust):
    await _old_review(trust, "jo", 2019, notice_sent=datetime(2026, 10, 1, 9, tzinfo=UTC))
    report = await purge_due(trust.app, dry_run=True)
    assert "deleted" not in str(report) and "would delete 1 review(s)" in str(report)
    assert NAMES["jo"][0] not in repr(report) and NAMES["jo"][0] not in f"{report}"


async def _everything_else(trust, who: str, when: datetime) -> None:
    """One row of each kind the other rules cover, made at ``when`` by or about ``who``."""
    from store.models import AuditEvent, ConversationReference, DialogSession

    repos, pid = trust.app.repos, trust.ids[who]
    await seed_all(repos.db, [  # seeding keeps updated_at as given
        DialogSession(person_id=pid, dialog_id="checkin", status="done", state={"mood": 2}, created_at=when,
                      updated_at=when),
        DialogSession(person_id=pid, dialog_id="prep", status="paused", state={"q1": "tired"}, created_at=when,
                      updated_at=when)])
    await repos.outbox.enqueue(Reminder(dedupe_key=f"old:{who}", kind="prep_nudge", recipient_id=pid, due_at=when,
                                status="sent", sent_at=when, subject=f"{NAMES[who][0]}, prepare"))
    await seed(repos.db, AuditEvent(at=when, actor_id=pid, action="read", record_type="review", subject_person_id=pid))
    await repos.records.save_checkin(CheckIn(person_id=pid, mood=2, note="hard week", created_at=when))
    await seed(repos.db, ConversationReference(person_id=pid, channel="teams", reference={"user": who}))


async def _left_of(trust, who: str) -> dict[str, int]:
    from store.models import AuditEvent, ConversationReference, DialogSession

    pid = trust.ids[who]
    return {"dialog_session": await _count(trust.app.repos, DialogSession, person_id=pid),
            "reminder": await _count(trust.app.repos, Reminder, recipient_id=pid),
            "audit_event": await _count(trust.app.repos, AuditEvent, subject_person_id=pid),
            "check_in": await _count(trust.app.repos, CheckIn, person_id=pid),
            "conversation_reference": await _count(trust.app.repos, ConversationReference, person_id=pid)}


async def test_every_other_rule_deletes_what_is_past_its_period_and_a_legal_hold_stops_each(trust):
    repos = trust.app.repos
    for who in ("jo", "alex"):
        await _everything_else(trust, who, datetime(2019, 10, 1, 9, tzinfo=UTC))  # 2019-20: kept to 31 Aug 2025
        person = await repos.people.person(trust.ids[who])
        person.last_day = date(2020, 7, 31)  # both left; neither is anyone's reviewer
        await repos.people.save_person(person)
    await repos.records.set_legal_hold(trust.ids["jo"], True, "Employment tribunal claim")
    jo_before = await _left_of(trust, "jo")
    report = await purge_due(trust.app)
    assert await _left_of(trust, "jo") == jo_before  # held: nothing of Jo's went
    assert await _left_of(trust, "alex") == {"dialog_session": 0, "reminder": 0, "audit_event": 0, "check_in": 0,
                                              "conversation_reference": 0}
    assert await repos.people.person(trust.ids["alex"]) is not None  # Alex's plan of this year still names him
    assert await repos.people.person(trust.ids["jo"]) is not None
    assert report.swept["dialog_session"] == 2 and report.swept["conversation_reference"] == 1
    (tomb,) = [t for t in await repos.audit.audit_tombstones() if t.record_type == "personal_data"]
    assert tomb.detail["rows_deleted"] == report.swept and "Alex" not in repr(tomb.model_dump())


async def test_an_unfinished_conversation_waits_a_year_and_a_finished_one_goes_the_next_night(trust):
    from store.models import DialogSession

    repos, sam = trust.app.repos, trust.ids["sam"]
    now = trust.app.clock.now()
    for status, age in (("done", 2), ("cancelled", 2), ("paused", 200), ("active", 400)):
        await seed_all(repos.db, [DialogSession(person_id=sam, dialog_id="prep", status=status, state={"a": status},
                                           created_at=now - timedelta(days=age), updated_at=now - timedelta(days=age))])
    await purge_due(trust.app)
    async with repos.db.session() as s:
        left = (await s.exec(select(DialogSession.status).where(DialogSession.person_id == sam))).all()
    assert sorted(left) == ["paused"]


async def test_a_dry_run_counts_the_other_rules_too_and_says_would(trust):
    repos = trust.app.repos
    await _everything_else(trust, "alex", datetime(2019, 10, 1, 9, tzinfo=UTC))
    never = await _old_review(trust, "mark", 2018)
    before = await _left_of(trust, "alex")
    report = await purge_due(trust.app, dry_run=True)
    assert await _left_of(trust, "alex") == before and await repos.audit.audit_tombstones() == []
    assert report.swept["dialog_session"] == 2 and report.swept["audit_event"] >= 1
    assert [i.review_id for i in report.notices_queued] == [never]
    text = report.summary()
    assert "(1 notice(s) would be queued)" in text and "queued now" not in text
    assert "past its period (would delete): audit_event" in text
    assert not [r for r in await repos.outbox.reminders(status=None) if r.kind == NOTICE_KIND]


def test_the_readme_lists_every_rule_and_every_table_has_one():
    from pathlib import Path

    from sqlmodel import SQLModel

    from bot.policy.retention import NOT_PERSONAL, RULES

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| `{rule.table}`" in readme and rule.how_long in readme, rule.table
    tables = {t.name for t in SQLModel.metadata.sorted_tables}
    assert tables <= {r.table for r in RULES} | set(NOT_PERSONAL)


@pytest.mark.postgres
async def test_the_whole_purge_runs_on_postgresql_too(pg_app, clock):
    """Every rule's SQL on PostgreSQL: the demo trust, years later, HR told, then the purge."""
    from sqlalchemy import update

    from bot.demo import seed_demo
    from store.models import DialogSession, Person

    await seed_demo(pg_app)
    clock.set(datetime(2034, 10, 1, 10, tzinfo=UTC))
    dry = await purge_due(pg_app, dry_run=True)
    assert dry.notices_queued and dry.swept and not await pg_app.repos.audit.audit_tombstones()
    first = await purge_due(pg_app)
    assert first.notices_queued and first.purged == []
    async with pg_app.db.transaction() as s:  # HR's notices delivered
        await s.execute(update(Reminder).where(Reminder.kind == NOTICE_KIND)
                        .values(status="sent", sent_at=datetime(2034, 10, 1, 11, tzinfo=UTC)))
    clock.set(datetime(2034, 11, 5, 10, tzinfo=UTC))
    second = await purge_due(pg_app)
    assert second.purged and await _count(pg_app.repos, Review) == 0
    assert await _count(pg_app.repos, DialogSession) == 0 and await _count(pg_app.repos, CheckIn) == 0
    async with pg_app.db.session() as s:
        people = (await s.execute(select(Person))).scalars().all()
    assert people  # nobody has left the demo roster: their roster rows stay


async def test_a_leaver_named_on_others_forms_keeps_only_their_name(trust):
    """Priya leaves; Sam's forms, which she reviewed, are kept (10.3) and still name her, but nothing
    else of hers is: no email, platform ids, job title, roles or line management."""
    from bot.documents.form import build_form, load_form
    from store.models import LineManagement, RoleGrant
    from store.repos.retention import FORMER

    repos, priya = trust.app.repos, trust.ids["priya"]
    person = await repos.people.person(priya)
    person.last_day, person.slack_user_id, person.adjustments = date(2026, 10, 31), "U0PRIYA", "Works from home Fridays"
    await repos.people.save_person(person)
    dry = await purge_due(trust.app, dry_run=True)
    assert dry.swept.get("person (name only kept)") == 1 and (await repos.people.person(priya)).email == EMAILS["priya"]
    report = await purge_due(trust.app)
    assert report.swept["person (name only kept)"] == 1
    kept = await repos.people.person(priya)
    assert kept.name == "Priya Shah" and kept.email.endswith(FORMER) and EMAILS["priya"] not in kept.email
    assert (kept.slack_user_id, kept.job_title, kept.adjustments, kept.active) == (None, "", "", False)
    assert await _count(repos, RoleGrant, person_id=priya) == 0
    assert await _count(repos, LineManagement, manager_id=priya) == 0
    form = build_form(await load_form(repos, trust.reviews["sam"])).text()
    assert "Reviewer name: Priya Shah" in form
    again = await purge_due(trust.app)  # the next night: nothing more to do
    assert "person (name only kept)" not in again.swept

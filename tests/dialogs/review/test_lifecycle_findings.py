"""Issue 19's findings, each as the person who met it: a double booking, a plan review on Christmas Day,
two notices for one appeal, SMART gaps hidden from the colleague signing, a stage that said "signed"
too early, and the head's moderation sample that could not be read."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from bot.cli.reminders import simulate_lines
from bot.clock import FixedClock
from bot.dialogs.base import Ctx
from bot.dialogs.plans.common import review_dates_valid
from bot.messages import Channel
from bot.scheduler.planner import Planner
from tests.dialogs.review.conftest import ALEX, PRIYA, SAM, Say, person_id, text_of
from tests.dialogs.support.conftest import Trust
from tests.dialogs.support.test_appeals import written_appeal

LONDON = ZoneInfo("Europe/London")
DANA = "dana.white@hillside.example"
HELEN = "helen.hart@hillside.example"
RAVI = "ravi.singh@riverside.example"


async def test_5_3_priya_cannot_double_book_herself_and_is_offered_the_next_free_slot(demo_app: App, say: Say):
    # finding 2: Priya has Sam's planning meeting on Tue 1 Dec 14:00-15:00; Dana's is asked for 14:00
    sam_review = await demo_app.repos.reviews.current_review(await person_id(demo_app, SAM))
    [sams] = await demo_app.repos.reviews.meetings_for(sam_review.id)  # type: ignore[union-attr,arg-type]
    assert sams.starts_at.astimezone(LONDON) == datetime(2026, 12, 1, 14, tzinfo=LONDON)
    await say(PRIYA, "schedule dana")
    for answer in ("planning", "60", "Inclusion office"):
        await say(PRIYA, answer)
    refused = await say(PRIYA, "01/12/2026 14:30")
    assert refused[0].clause == "5.3" and "You have another Cadence meeting" in refused[0].text
    assert "Sam" not in refused[0].text  # whose meeting it is stays confidential (10.1)
    assert "Tuesday 1 December at 08:00" in refused[0].text and refused[1].step == "when"
    done = await say(PRIYA, "01/12/2026 15:00")  # back to back is fine
    assert "booked for Tue 1 Dec 2026, 15:00" in text_of(done)


async def test_3_4_an_improvement_plan_review_on_christmas_day_is_refused(demo_app: App):
    # finding 3: the review date must be a working day
    person = await demo_app.repos.people.context(await person_id(demo_app, PRIYA))
    ctx = Ctx({}, {"closed": []}, person, person, date(2026, 11, 23), datetime(2026, 11, 23, 10, tzinfo=LONDON),
              Channel.CONSOLE)
    problem = review_dates_valid("14/12/2026, 25/12/2026", ctx)
    assert problem is not None and "Fri 25 Dec 2026 is a bank holiday (Christmas Day)" in problem
    assert "Policy 3.4" in problem and "Tue 29 Dec 2026" in problem
    assert review_dates_valid("14/12/2026", ctx) is None
    closed = Ctx({}, {"closed": ["2026-12-14"]}, person, person, date(2026, 11, 23),
                 datetime(2026, 11, 23, 10, tzinfo=LONDON), Channel.CONSOLE)
    assert "closure day" in (review_dates_valid("14/12/2026", closed) or "")


async def test_one_written_appeal_gives_the_headteacher_one_notice_naming_appeal(demo_app: App, clock: FixedClock):
    trust = Trust(demo_app, clock, {p.email: p.id for p in await demo_app.repos.people.all_people() if p.id is not None})
    # finding 5: the dialog and the planner each told Helen, the planner's saying "Type schedule"
    await trust.deliver_report(SAM, date(2026, 11, 2))
    await written_appeal(trust, SAM)
    await Planner(trust.app).run()
    helen = trust.ids[HELEN]
    notices = [r for r in await trust.app.repos.outbox.reminders(status=None)
               if r.recipient_id == helen and r.kind == "appeal_hearing_deadline"]
    on_receipt = [r for r in notices if r.due_at.astimezone(LONDON).date() == date(2026, 11, 23)]
    assert len(on_receipt) == 1, [r.dedupe_key for r in on_receipt]
    assert all("type schedule" not in r.body.lower() and r.action == "appeal" for r in notices)


async def test_6_3_the_colleague_signing_sees_the_smart_gaps_and_the_stage_says_it_waits(demo_app: App, say: Say):
    # finding 6: Mark was told objective 1 may not be measurable; Alex, signing it, was not
    alex = await person_id(demo_app, ALEX)
    review = await demo_app.repos.reviews.current_review(alex)
    [objective] = (await demo_app.repos.forms.objectives(review.id))[:1]  # type: ignore[union-attr,arg-type]
    objective.smart_gaps = ["Measurable"]
    await demo_app.repos.forms.save_objective(objective)
    status = text_of(await say(ALEX, "status"))
    assert "Stage: Objectives recorded; waiting for signatures (Annex 1)" in status
    assert "Objectives agreed and signed" not in status
    shown = text_of(await say(ALEX, "signoff"))
    assert "SMART check: may not yet be measurable" in shown and "talk to your reviewer before signing" in shown


async def test_4_4_the_head_reads_the_sample_and_records_the_check_which_closes_the_reminder(demo_app: App,
                                                                                          say: Say):
    from bot.scheduler.demo_state import add_reminder_scenarios

    await add_reminder_scenarios(demo_app)
    year = (date(2026, 9, 1), date(2027, 8, 31))
    before = [x for x in await simulate_lines(demo_app, *year) if x.kind == "moderation_sample" and x.to == RAVI]
    assert before and "Check" in before[0].subject
    out = text_of(await say(RAVI, "moderation"))
    assert "sampled planning statement" in out and "Success criteria:" in out and "Support:" in out
    await say(RAVI, "Consistent with the others; one objective could be stretched")
    done = text_of(await say(RAVI, "confirm"))
    assert "the moderation sample is checked (Policy 4.4)" in done
    after = [x for x in await simulate_lines(demo_app, *year) if x.kind == "moderation_sample" and x.to == RAVI]
    assert after == []  # the reminder is closed
    assert "headteacher" in text_of(await say(SAM, "moderation")).lower()  # not for a colleague


async def test_9_5_an_appeal_hearing_is_not_booked_over_the_colleagues_review_meeting(demo_app: App,
                                                                                     clock: FixedClock):
    trust = Trust(demo_app, clock, {p.email: p.id for p in await demo_app.repos.people.all_people() if p.id is not None})
    await trust.deliver_report(SAM, date(2026, 11, 2))
    await written_appeal(trust, SAM)
    await trust.say(HELEN, "appeal")
    await trust.say(HELEN, "01/12/2026 14:30")  # Sam's planning meeting with Priya is 14:00-15:00
    await trust.say(HELEN, "Headteacher's office")
    refused = await trust.say(HELEN, "confirm")
    assert "Sam has another Cadence meeting" in refused[0].text and refused[0].clause == "9.5"
    [appeal] = await demo_app.repos.appeals.appeals_of(trust.ids[SAM])
    assert appeal.stage == "written" and appeal.hearing_at is None  # nothing changed


async def test_3_8_hr_may_record_an_exception_a_reviewer_may_not(demo_app: App, say: Say):
    refused = text_of(await say(PRIYA, "exception Jo"))
    assert "Only the headteacher or HR" in refused
    jo = await person_id(demo_app, "jo.brown@hillside.example")
    review = await demo_app.repos.reviews.current_review(jo)
    assert not (await demo_app.repos.lifecycle.review_exceptions([review.id])).get(review.id)  # type: ignore[union-attr,list-item]
    harriet = "harriet.ward@central.example"
    await say(harriet, "exception Jo")
    assert "Please give the reason" in text_of(await say(harriet, "3") + await say(harriet, "leaving"))
    await say(harriet, "Leaves on 26 February 2027 for another post; end of year review held before then")
    done = text_of(await say(harriet, "confirm"))
    assert "Recorded: hold the end of year review early" in done and "say endyear Jo" in done
    [row] = (await demo_app.repos.lifecycle.review_exceptions([review.id]))[review.id]  # type: ignore[union-attr,index]
    assert row.step == "end_of_year" and "another post" in row.reason
    assert any(e.record_type == "review_exception" for e in await demo_app.repos.audit.audit_events(jo))
    shown = text_of(await say(PRIYA, "status Jo"))  # the reviewer sees why the step may happen early
    assert "Exception: the end of year review out of the usual order: Leaves on 26 February 2027" in shown


async def test_4_2_the_headteacher_taking_over_keeps_the_cycle_where_it_was(demo_app: App, clock: FixedClock,
                                                                          say: Say):
    """Priya is away in the Spring term: Helen records Jo's mid-year; nothing restarts (4.2-4.3)."""
    from tests.dialogs.review.conftest import JO, held_meeting

    clock.set(datetime(2027, 2, 10, 15, tzinfo=LONDON))
    await held_meeting(demo_app, JO, "mid_year", datetime(2027, 2, 10, 10, tzinfo=LONDON))
    first = text_of(await say(HELEN, "midyear jo"))
    assert "Objective 1" in first  # the objectives agreed with Priya are still there
    for answer in ("On track", "Running well", "yes", "yes", "skip", "Talked it through", "skip", "skip"):
        await say(HELEN, answer)
    assert "Saved the mid-year review for Jo Brown" in text_of(await say(HELEN, "confirm"))
    status = text_of(await say(PRIYA, "status"))
    assert "Jo Brown" in status and "mid-year" in status.lower()

"""Priya records Jo's mid-year and end of year reviews; Jo signs each; the report is then delivered (9.1, 10.3)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from bot.clock import FixedClock
from store.models import ReviewStage
from tests.dialogs.review.conftest import (
    JO,
    MARK,
    PRIYA,
    SAM,
    Say,
    held_meeting,
    mid_year_signed,
    person_id,
    text_of,
)

LONDON = ZoneInfo("Europe/London")


async def test_mid_year_review_then_jo_signs(demo_app: App, clock: FixedClock, say: Say) -> None:
    clock.set(datetime(2027, 2, 10, 15, tzinfo=LONDON))  # Spring term (3.2), after the meeting
    await held_meeting(demo_app, JO, "mid_year", datetime(2027, 2, 10, 10, tzinfo=LONDON))
    first = text_of(await say(PRIYA, "midyear jo"))
    assert "Use this space to document progress made towards achieving your objectives." in first
    assert "Objective 1: Lead phonics" in first
    await say(PRIYA, "Five of the six pupils are on track for the screening check")
    on_track = text_of(await say(PRIYA, "Nurture club running twice a week, good attendance"))
    assert "Are all objectives on track to be met?" in on_track
    assert "Please answer yes or no" in text_of(await say(PRIYA, "mostly"))
    assert "performing their job role to the level expected" in text_of(await say(PRIYA, "yes"))
    await say(PRIYA, "yes")
    await say(PRIYA, "skip")
    assert "can't be skipped" in text_of(await say(PRIYA, "skip"))  # the notes of the dialogue are the record
    await say(PRIYA, "Talked about the phonics training and the spring timetable")
    await say(PRIYA, "Jo shows care for the nurture group every week")
    summary = text_of(await say(PRIYA, "skip"))
    assert "Here's the mid-year review" in summary and "Are all objectives on track to be met?: Yes" in summary
    done = text_of(await say(PRIYA, "confirm"))
    assert "signed it as reviewer" in done and "asked Jo" in done

    jo = await person_id(demo_app, JO)
    review = await demo_app.repos.reviews.current_review(jo)
    assert review is not None and review.id is not None
    assert (review.midyear_all_on_track, review.midyear_performing_expected) == (True, True)
    assert review.midyear_coop_dialogue == "Jo shows care for the nurture group every week"
    objectives = await demo_app.repos.forms.objectives(review.id)
    progress = await demo_app.repos.forms.progress([o.id for o in objectives])  # type: ignore[misc]
    assert sorted(p.comment for p in progress if p.stage == "mid_year")[0].startswith("Five of the six")
    assert "please read it and sign" in [r for r in await demo_app.repos.outbox.reminders()
                                         if r.recipient_id == jo][-1].body.lower()
    shown = text_of(await say(JO, "signoff"))
    assert "Mid-year interim review" in shown and "Five of the six pupils" in shown and "Reviewee comments" in shown
    assert "notes of meeting are agreed" in text_of(await say(JO, "I'd like more time to plan the phonics sessions"))
    assert "by you both" in text_of(await say(JO, "confirm"))
    review = await demo_app.repos.reviews.review(review.id)
    assert review is not None and review.midyear_reviewee_comments == "I'd like more time to plan the phonics sessions"
    assert (await demo_app.repos.reviews.review(review.id)).stage == ReviewStage.MID_YEAR_DONE  # type: ignore[union-attr]


async def test_end_of_year_review_with_training_needs_then_the_report_is_delivered(demo_app: App, clock: FixedClock,
                                                                                  say: Say) -> None:
    await mid_year_signed(demo_app, JO, datetime(2027, 2, 10, 15, tzinfo=LONDON))
    clock.set(datetime(2027, 7, 7, 15, tzinfo=LONDON))  # 2nd half of the Summer term (3.2, 7.1)
    await held_meeting(demo_app, JO, "end_of_year", datetime(2027, 7, 7, 10, tzinfo=LONDON))
    await say(PRIYA, "endyear jo")
    bad = text_of(await say(PRIYA, "Smashed it"))
    assert "Please pick one of: 1. Met, 2. Partially Met, 3. Not Met" in bad
    await say(PRIYA, "Met")
    await say(PRIYA, "All six pupils passed the screening check")
    await say(PRIYA, "partially")
    await say(PRIYA, "Club ran all year; attendance dipped in the summer term")
    for answer in ("yes", "skip", "Open conversation about next year", "Works with the class teachers daily",
                   "skip", "skip", "skip", "A strong year"):  # no reviewee comments: Jo adds hers when she signs
        await say(PRIYA, answer)
    await say(PRIYA, "Phonics refresher\nSEN training")
    bad_yes_no = text_of(await say(PRIYA, "perhaps"))
    assert "Please answer yes or no" in bad_yes_no and "essential" in bad_yes_no
    await say(PRIYA, "yes")
    await say(PRIYA, "skip")
    await say(PRIYA, "Level 3 TA qualification")
    summary = text_of(await say(PRIYA, "no"))
    assert "Here's the end of year review" in summary
    done = text_of(await say(PRIYA, "confirm"))
    assert "3 training need(s) recorded, 2 essential" in done

    jo = await person_id(demo_app, JO)
    review = await demo_app.repos.reviews.current_review(jo)
    assert review is not None and review.id is not None
    objectives = await demo_app.repos.forms.objectives(review.id)
    outcomes = {p.objective_id: p.outcome for p in await demo_app.repos.forms.progress([o.id for o in objectives])  # type: ignore[misc]
                if p.stage == "end_of_year"}
    assert [outcomes[o.id] for o in objectives] == ["met", "partially_met"]  # type: ignore[index]
    needs = sorted((n.category, n.description, n.essential) for n in await demo_app.repos.forms.training_needs(review.id))
    assert needs == [("a", "Phonics refresher", True), ("a", "SEN training", True),
                     ("c", "Level 3 TA qualification", False)]
    reflections = {r.way: r.text for r in await demo_app.repos.forms.coop_reflections(review.id) if r.part == "end_of_year"}
    assert reflections["Succeed together"] == "Works with the class teachers daily"
    assert review.eoy_reviewer_comments == "A strong year" and review.eoy_performing_expected is True
    assert review.report_delivered_on is None  # not until both have signed

    assert "End of year review" in text_of(await say(JO, "signoff"))
    await say(JO, "skip")
    final = text_of(await say(JO, "confirm"))
    assert "report is final" in final and "Policy 9.1" in final
    review = await demo_app.repos.reviews.review(review.id)
    assert review is not None and review.stage == ReviewStage.END_OF_YEAR_DONE
    assert review.report_delivered_on == date(2027, 7, 7)
    assert review.retain_until == date(2032, 8, 31)  # 10.3: end of the 2026-27 review year plus 5 years
    [notice] = [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == jo and r.clause == "9.1"]
    assert "Saturday 17 July 2027" in notice.body


async def test_reviews_need_objectives_and_the_reviewer(demo_app: App, say: Say) -> None:
    refused = text_of(await say(PRIYA, "midyear sam"))  # 3.2: the objectives come first
    assert "objectives must be agreed and signed by you both first" in refused
    assert "First: the planning meeting, booked for Tue 1 Dec 2026" in refused
    assert "Priya Shah is Jo Brown's reviewer" in text_of(await say(MARK, "endyear jo"))
    assert "no colleagues to review" in text_of(await say(SAM, "midyear"))

"""bot.policy.lifecycle: one test per transition and per refusal, named by the clause it enacts.

The 2026-27 cycle on the shipped England calendar: Meeting 1 window to Fri 23 Oct 2026, the Spring
term (mid-year) Mon 4 Jan to Thu 25 Mar 2027, the end of year window from the Summer half term 2027.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.policy import lifecycle
from bot.policy.calendar import SchoolCalendar
from bot.policy.lifecycle import AppealFact, MeetingFact, ReviewState, Status, StepName

LONDON = ZoneInfo("Europe/London")
S = StepName
BOTH = ("reviewer", "reviewee")


def at(y: int, m: int, d: int, hh: int = 12) -> datetime:
    return datetime(y, m, d, hh, tzinfo=LONDON)


@pytest.fixture
def fresh(england: SchoolCalendar) -> ReviewState:
    return ReviewState(cycle_year=2026, calendar=england)


def signed(*parts: str) -> frozenset[tuple[str, str]]:
    return frozenset((p, r) for p in parts for r in BOTH)


def planned(state: ReviewState) -> ReviewState:
    """Planning meeting held on 14 Oct 2026, objectives recorded and signed by both."""
    return replace(state, meetings=(MeetingFact("planning", at(2026, 10, 14, 10), "held"),),
                   planning_submitted=at(2026, 10, 15), signatures=signed("planning"))


def mid_done(state: ReviewState) -> ReviewState:
    s = planned(state)
    return replace(s, meetings=(*s.meetings, MeetingFact("mid_year", at(2027, 2, 10, 10))),
                   midyear_submitted=at(2027, 2, 10, 15), signatures=signed("planning", "mid_year"))


def status(state: ReviewState, step: StepName, now: datetime) -> Status:
    return lifecycle.step_of(lifecycle.assess(state, now), step).status


# --- 3.2 Meeting 1 and its administration ---------------------------------------------------------


def test_3_2_the_planning_meeting_is_the_first_step_and_open_in_its_window(fresh):
    step = lifecycle.next_step(fresh, at(2026, 10, 1))
    assert step is not None and step.step == S.PLANNING_MEETING and step.status == Status.OPEN
    assert step.due == date(2026, 10, 23) and step.who == "reviewer"


def test_3_2_a_late_planning_meeting_is_still_open_never_refused(fresh):
    assert status(fresh, S.PLANNING_MEETING, at(2026, 12, 1)) == Status.OPEN
    assert lifecycle.may_book(fresh, "planning", at(2026, 12, 14, 10), at(2026, 12, 1)).ok


def test_3_2_objectives_are_refused_before_the_planning_meeting_is_held(fresh):
    booked = replace(fresh, meetings=(MeetingFact("planning", at(2026, 12, 11, 10)),))
    verdict = lifecycle.may(booked, S.OBJECTIVES, at(2026, 12, 3))  # issue 19 finding 6: eight days early
    assert not verdict.ok and verdict.clause == "3.2" and verdict.first == S.PLANNING_MEETING
    assert "booked for Fri 11 Dec 2026" in verdict.message
    assert lifecycle.may(booked, S.OBJECTIVES, at(2026, 12, 11, 11)).ok  # the meeting has been held


def test_3_2_the_day_a_meeting_falls_on_is_the_trusts_own_in_its_time_zone(fresh):
    """Settings.timezone reaches the lifecycle: 01:00 on Fri 11 Dec in London is still Thu 10 Dec in
    New York, so a New York trust reads the planning meeting as booked for the Thursday."""
    meeting = (MeetingFact("planning", datetime(2026, 12, 11, 1, tzinfo=LONDON)),)
    for zone, day in (("Europe/London", "Fri 11 Dec 2026"), ("America/New_York", "Thu 10 Dec 2026")):
        booked = replace(fresh, meetings=meeting, timezone=zone)
        assert f"booked for {day}" in lifecycle.may(booked, S.OBJECTIVES, at(2026, 12, 3)).message, zone

def test_3_2_objectives_move_the_review_to_signing_the_planning_part(fresh):
    s = replace(fresh, meetings=(MeetingFact("planning", at(2026, 10, 14, 10), "held"),),
                planning_submitted=at(2026, 10, 15), signatures=frozenset({("planning", "reviewer")}))
    step = lifecycle.next_step(s, at(2026, 10, 16))
    assert step is not None and step.step == S.SIGN_PLANNING and step.who == "colleague"


def test_annex_1_signing_by_both_opens_the_mid_year_not_before_the_spring_term(fresh):
    s = planned(fresh)
    assert status(s, S.SIGN_PLANNING, at(2026, 12, 1)) == Status.DONE
    assert status(s, S.MID_YEAR, at(2026, 12, 1)) == Status.NOT_YET
    assert status(s, S.MID_YEAR, at(2027, 1, 4)) == Status.OPEN


# --- 3.2 Meeting 2 ---------------------------------------------------------------------------------


def test_3_2_the_mid_year_is_refused_in_december(fresh):
    verdict = lifecycle.may(planned(fresh), S.MID_YEAR, at(2026, 12, 7))  # issue 19 finding 1
    assert not verdict.ok and verdict.clause == "3.2" and "opens on Mon 4 Jan 2027" in verdict.message


def test_3_2_the_mid_year_is_refused_before_the_objectives_are_signed(fresh):
    s = replace(planned(fresh), signatures=frozenset({("planning", "reviewer")}))
    verdict = lifecycle.may(s, S.MID_YEAR, at(2027, 2, 10))
    assert not verdict.ok and verdict.first == S.SIGN_PLANNING and verdict.who == "colleague"


def test_3_2_the_mid_year_is_recorded_only_after_its_meeting(fresh):
    s = planned(fresh)
    verdict = lifecycle.may(s, S.MID_YEAR, at(2027, 2, 1))
    assert not verdict.ok and "book it first" in verdict.message
    booked = replace(s, meetings=(*s.meetings, MeetingFact("mid_year", at(2027, 2, 10, 10))))
    assert "booked for Wed 10 Feb 2027" in lifecycle.may(booked, S.MID_YEAR, at(2027, 2, 1)).message
    assert lifecycle.may(booked, S.MID_YEAR, at(2027, 2, 10, 11)).ok


def test_3_2_the_mid_year_is_refused_after_the_spring_term(fresh):
    s = planned(fresh)
    late = replace(s, meetings=(*s.meetings, MeetingFact("mid_year", at(2027, 3, 20, 10), "held")))
    verdict = lifecycle.may(late, S.MID_YEAR, at(2027, 4, 20))
    assert not verdict.ok and "closed on Thu 25 Mar 2027" in verdict.message and "exception" in verdict.message


def test_3_2_a_mid_year_meeting_can_only_be_booked_in_the_spring_term(fresh):
    s = planned(fresh)
    assert not lifecycle.may_book(s, "mid_year", at(2026, 12, 14, 10), at(2026, 12, 1)).ok
    assert lifecycle.may_book(s, "mid_year", at(2027, 1, 12, 10), at(2026, 12, 1)).ok


def test_3_2_a_recorded_mid_year_may_be_revised_until_the_end_of_year_is_recorded(england):
    s = mid_done(ReviewState(cycle_year=2026, calendar=england))
    assert lifecycle.may(s, S.MID_YEAR, at(2027, 3, 1)).ok
    after = replace(s, meetings=(*s.meetings, MeetingFact("end_of_year", at(2027, 7, 7, 10))),
                    eoy_submitted=at(2027, 7, 7, 15))
    assert not lifecycle.may(after, S.MID_YEAR, at(2027, 7, 8)).ok


# --- 7.1 the end of year ---------------------------------------------------------------------------


def test_7_1_the_end_of_year_is_refused_before_the_mid_year(fresh):
    verdict = lifecycle.may(planned(fresh), S.END_OF_YEAR, at(2026, 12, 7))  # issue 19 finding 1
    assert not verdict.ok and verdict.first == S.MID_YEAR


def test_7_1_the_end_of_year_is_refused_before_its_window(england):
    s = mid_done(ReviewState(cycle_year=2026, calendar=england))
    verdict = lifecycle.may(s, S.END_OF_YEAR, at(2027, 3, 1))
    assert not verdict.ok and verdict.clause == "7.1" and "opens on" in verdict.message


def test_7_1_the_end_of_year_is_recorded_after_its_meeting_in_its_window(england):
    s = mid_done(ReviewState(cycle_year=2026, calendar=england))
    held = replace(s, meetings=(*s.meetings, MeetingFact("end_of_year", at(2027, 7, 7, 10))))
    assert lifecycle.may(held, S.END_OF_YEAR, at(2027, 7, 7, 11)).ok


def test_3_2_a_missed_mid_year_does_not_hold_up_the_end_of_year(fresh):
    s = planned(fresh)
    assert status(s, S.MID_YEAR, at(2027, 7, 1)) == Status.MISSED
    step = lifecycle.next_step(s, at(2027, 7, 1))
    assert step is not None and step.step == S.END_OF_YEAR and step.status == Status.OPEN


# --- 9.1-9.5 -------------------------------------------------------------------------------------------


def test_9_1_the_report_opens_ten_days_to_settle_with_the_reviewer(england):
    s = replace(mid_done(ReviewState(cycle_year=2026, calendar=england)), eoy_submitted=at(2027, 7, 7),
                signatures=signed("planning", "mid_year", "end_of_year"), report_delivered_on=date(2027, 7, 7))
    step = lifecycle.next_step(s, at(2027, 7, 8))
    assert step is not None and step.step == S.INFORMAL_RESOLUTION and step.due == date(2027, 7, 17)
    assert lifecycle.next_step(s, at(2027, 7, 20)) is None  # the cycle is complete


def test_9_5_a_written_appeal_puts_the_hearing_first(england):
    s = replace(mid_done(ReviewState(cycle_year=2026, calendar=england)), eoy_submitted=at(2027, 7, 7),
                signatures=signed("planning", "mid_year", "end_of_year"), report_delivered_on=date(2027, 7, 7),
                appeals=(AppealFact("written", date(2027, 7, 19)),))
    step = lifecycle.next_step(s, at(2027, 7, 20))
    assert step is not None and step.step == S.APPEAL_HEARING and step.due == date(2027, 8, 9)
    heard = replace(s, appeals=(AppealFact("hearing_scheduled", date(2027, 7, 19), at(2027, 7, 26, 10)),))
    assert status(heard, S.APPEAL_HEARING, at(2027, 7, 20)) == Status.DONE


# --- joiners, absence, leavers, exceptions -------------------------------------------------------------


def test_3_5_a_joiner_plans_within_three_months_and_the_mid_year_waits_for_it(fresh):
    dana = replace(fresh, start_date=date(2026, 10, 5))
    step = lifecycle.next_step(dana, at(2027, 1, 4))
    assert step is not None and step.step == S.PLANNING_MEETING and step.clause == "3.5"
    assert step.due == date(2027, 1, 5)
    assert status(dana, S.MID_YEAR, at(2027, 1, 4)) == Status.BLOCKED  # issue 19 finding 8


def test_3_5_a_joiner_after_the_spring_term_began_has_no_mid_year(fresh):
    late = replace(fresh, start_date=date(2027, 2, 1))
    assert status(late, S.MID_YEAR, at(2027, 3, 1)) == Status.SKIPPED


def test_3_7_the_colleagues_steps_wait_during_extended_absence(england):
    s = replace(mid_done(ReviewState(cycle_year=2026, calendar=england)),
                signatures=signed("planning") | {("mid_year", "reviewer")}, absent_from=date(2027, 2, 12))
    assert status(s, S.SIGN_MID_YEAR, at(2027, 3, 1)) == Status.PAUSED


def test_3_8_an_exception_lets_the_end_of_year_be_held_early_for_a_leaver(fresh):
    s = replace(planned(fresh), last_day=date(2027, 2, 26),
                meetings=(*planned(fresh).meetings, MeetingFact("end_of_year", at(2027, 2, 12, 10))))
    assert not lifecycle.may(s, S.END_OF_YEAR, at(2027, 2, 12, 11)).ok
    excepted = replace(s, exceptions=frozenset({S.END_OF_YEAR.value}))
    assert lifecycle.may(excepted, S.END_OF_YEAR, at(2027, 2, 12, 11)).ok
    assert lifecycle.may_book(excepted, "end_of_year", at(2027, 2, 19, 10), at(2027, 2, 12)).ok


def test_4_2_a_change_of_reviewer_does_not_restart_the_cycle(fresh):
    # the lifecycle has no reviewer in it: the same facts give the same answer whoever reviews
    s = planned(fresh)
    assert lifecycle.assess(s, at(2027, 1, 10)) == lifecycle.assess(replace(s), at(2027, 1, 10))


def test_3_8_a_leaver_has_their_objectives_reviewed_before_the_last_day(fresh):
    s = replace(planned(fresh), last_day=date(2027, 2, 26))
    early = lifecycle.next_step(s, at(2027, 1, 11))
    assert early is not None and early.step == S.MID_YEAR  # the cycle goes on until the leaver's review is due
    due = lifecycle.next_step(s, at(2027, 2, 10))
    assert due is not None and due.step == S.LEAVER_REVIEW and due.clause == "3.8"
    assert due.due == date(2027, 2, 5) and "Leaves on Fri 26 Feb 2027" in due.why


def test_7_1_the_end_of_year_is_refused_after_its_window_unless_excepted(england):
    s = mid_done(ReviewState(cycle_year=2026, calendar=england))
    late = replace(s, meetings=(*s.meetings, MeetingFact("end_of_year", at(2027, 11, 10, 10))))
    verdict = lifecycle.may(late, S.END_OF_YEAR, at(2027, 11, 10, 11))
    assert not verdict.ok and "closed on" in verdict.message and "exception" in verdict.message
    assert lifecycle.may(replace(late, exceptions=frozenset({"end_of_year"})), S.END_OF_YEAR, at(2027, 11, 10, 11)).ok


def test_annex_1_a_signature_is_asked_of_whoever_has_not_signed(england):
    s = replace(mid_done(ReviewState(cycle_year=2026, calendar=england)),
                signatures=signed("planning") | {("mid_year", "reviewer")})
    step = lifecycle.next_step(s, at(2027, 2, 11))
    assert step is not None and step.step == S.SIGN_MID_YEAR and step.who == "colleague"

from __future__ import annotations

from datetime import date, timedelta

from bot.policy.deadlines import (
    POLICY_DATE,
    POLICY_VERSION,
    Deadline,
    add_months,
    agenda_date,
    appeal_hearing_deadline,
    appeal_reminder_dates,
    form_completion_escalation,
    informal_resolution_deadline,
    joiner_nudge_dates,
    joiner_planning_deadline,
    leaver_review_date,
    policy_review_due,
    prep_nudge_dates,
    retain_until,
    reviewer_prep_date,
)


def test_3_5_a_joiner_is_planned_within_three_calendar_months():
    deadline = joiner_planning_deadline(date(2026, 9, 14))
    assert deadline == Deadline(date(2026, 12, 14), "3.5", deadline.label)
    assert deadline.label


def test_3_5_three_months_from_30_november_clamps_to_the_end_of_february():
    assert joiner_planning_deadline(date(2026, 11, 30)).due == date(2027, 2, 28)
    assert joiner_planning_deadline(date(2027, 11, 30)).due == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_3_5_joiner_nudges_go_at_six_and_ten_weeks():
    start = date(2026, 9, 14)
    assert joiner_nudge_dates(start) == (start + timedelta(weeks=6), start + timedelta(weeks=10))
    assert joiner_nudge_dates(start)[1] < joiner_planning_deadline(start).due


def test_9_1_informal_resolution_is_ten_calendar_days_after_the_report():
    deadline = informal_resolution_deadline(date(2026, 12, 18))
    assert (deadline.due, deadline.clause) == (date(2026, 12, 28), "9.1")


def test_9_5_appeal_hearing_is_within_15_working_days_across_christmas_2026(workdays):
    # Received Friday 18 Dec: Dec 21-24 (4), 29-31 (7), Jan 4-8 (12), Jan 11-13 (15).
    deadline = appeal_hearing_deadline(date(2026, 12, 18), workdays)
    assert deadline.due == date(2027, 1, 13)
    assert deadline.clause == "9.5"


def test_9_5_appeal_hearing_is_within_15_working_days_across_easter_2027(workdays):
    # Received Monday 22 Mar: Mar 23-25 (3), Mar 30-Apr 2 (7), Apr 5-9 (12), Apr 12-14 (15).
    assert appeal_hearing_deadline(date(2027, 3, 22), workdays).due == date(2027, 4, 14)
    assert workdays.between(date(2027, 3, 22), date(2027, 4, 14)) == 15


def test_9_5_appeal_reminders_come_five_and_two_working_days_before_the_deadline(workdays):
    assert appeal_reminder_dates(date(2027, 3, 22), workdays) == (date(2027, 4, 7), date(2027, 4, 12))


def test_10_3_forms_are_kept_for_the_review_year_and_then_five_years():
    assert retain_until(2026) == date(2032, 8, 31)
    assert retain_until(2019) == date(2025, 8, 31)


def test_3_8_a_leaver_review_is_due_15_working_days_before_the_last_day_across_easter(workdays):
    # Back from Friday 9 Apr 2027: Apr 8-5 (4), Apr 2-Mar 30 (8), Mar 25-22 (12), Mar 19-17 (15).
    deadline = leaver_review_date(date(2027, 4, 9), workdays)
    assert (deadline.due, deadline.clause) == (date(2027, 3, 17), "3.8")


def test_11_1_the_policy_is_reviewed_three_years_after_approval():
    assert POLICY_DATE == date(2019, 7, 25)
    assert POLICY_VERSION == "2019-07-25"
    deadline = policy_review_due(POLICY_DATE)
    assert (deadline.due, deadline.clause) == (date(2022, 7, 25), "11.1")


def test_3_2_an_unfinished_form_escalates_ten_working_days_after_the_meeting_over_christmas(workdays):
    # Monday 14 Dec 2026: Dec 15-18 (4), 21-24 (8), 29-30 (10).
    deadline = form_completion_escalation(date(2026, 12, 14), workdays)
    assert (deadline.due, deadline.clause) == (date(2026, 12, 30), "3.2")


def test_5_1_preparation_reminders_count_back_in_working_days(workdays):
    monday = date(2026, 11, 30)
    assert prep_nudge_dates(monday, workdays) == (date(2026, 11, 25), date(2026, 11, 27))
    assert reviewer_prep_date(monday, workdays) == date(2026, 11, 26)
    assert agenda_date(monday, workdays) == date(2026, 11, 27)


def test_5_1_preparation_reminders_skip_good_friday_and_easter_monday(workdays):
    tuesday = date(2027, 3, 30)
    assert agenda_date(tuesday, workdays) == date(2027, 3, 25)
    assert reviewer_prep_date(tuesday, workdays) == date(2027, 3, 24)
    assert prep_nudge_dates(tuesday, workdays) == (date(2027, 3, 23), date(2027, 3, 25))

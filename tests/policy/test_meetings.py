from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.policy.meetings import (
    MEETING_KIND_LABELS,
    MEETING_KINDS,
    MIN_MEETING_MINUTES,
    MIN_NOTICE_DAYS,
    check_meeting,
    meeting_kind_label,
)
from bot.policy.workdays import WorkingDays, WorkingHours

LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


NOW = at(2026, 11, 23, 10)  # Monday


def test_5_3_and_5_4_the_policy_numbers_are_five_days_and_sixty_minutes():
    assert MIN_NOTICE_DAYS == 5
    assert MIN_MEETING_MINUTES == 60


def test_5_3_a_meeting_with_five_days_notice_in_working_hours_is_accepted(workdays):
    result = check_meeting(NOW, at(2026, 11, 30, 10), 60, workdays)
    assert result.ok
    assert result.problems == ()
    assert result.earliest_valid == at(2026, 11, 30, 10)


def test_5_3_a_meeting_booked_four_days_ahead_is_refused_with_the_earliest_valid_date(workdays):
    result = check_meeting(NOW, at(2026, 11, 27, 10), 60, workdays)
    assert not result.ok
    assert [p.clause for p in result.problems] == ["5.3"]
    # 5 days after Monday 10:00 is Saturday: the next working day, from opening time (truly the earliest).
    assert result.earliest_valid == at(2026, 11, 30, 8)
    assert "The earliest you can book is Monday 30 November at 08:00." in result.problems[0].message
    assert "5 days' notice" in result.problems[0].message


def test_5_3_notice_is_measured_to_the_minute_on_the_fifth_day(workdays):
    now = at(2026, 11, 23, 14)
    result = check_meeting(now, at(2026, 11, 27, 10), 60, workdays)  # Friday 10:00: 4 days 20 hours
    assert not result.ok
    # Saturday 14:00 is the first moment 5 full days later; Saturday and Sunday are not working days,
    # so the next working day from its opening.
    assert result.earliest_valid == at(2026, 11, 30, 8)

    wednesday = at(2026, 11, 25, 14)
    late = check_meeting(wednesday, at(2026, 11, 27, 10), 60, workdays)
    # Five days after Wednesday 14:00 is Monday 14:00; 10:00 that day is too early, so 14:00.
    assert late.earliest_valid == at(2026, 11, 30, 14)


def test_5_3_a_meeting_in_the_past_is_refused_with_the_earliest_valid_date(workdays):
    result = check_meeting(NOW, at(2026, 11, 20, 10), 60, workdays)
    assert not result.ok
    assert result.problems[0].clause == "5.3"
    assert "already passed" in result.problems[0].message
    assert result.earliest_valid == at(2026, 11, 30, 8)


def test_5_3_earliest_valid_skips_christmas_2026_bank_holidays(workdays):
    now = at(2026, 12, 22, 9)  # Tuesday; +5 days = Sunday 27 Dec; Monday 28 Dec is Boxing Day (substitute)
    result = check_meeting(now, at(2026, 12, 23, 9), 60, workdays)
    assert result.earliest_valid == at(2026, 12, 29, 8)
    assert "Tuesday 29 December at 08:00" in result.problems[0].message


def test_5_3_earliest_valid_skips_easter_2027(workdays):
    now = at(2027, 3, 21, 11)  # Sunday; +5 days = Good Friday
    result = check_meeting(now, at(2027, 3, 24, 11), 60, workdays)
    assert result.earliest_valid == at(2027, 3, 30, 8)


def test_5_3_notice_counts_wall_clock_days_across_the_october_clock_change(workdays):
    now = at(2026, 10, 21, 9)  # BST
    result = check_meeting(now, at(2026, 10, 26, 9), 60, workdays)  # GMT, five calendar days later
    assert result.ok


def test_5_4_a_meeting_shorter_than_an_hour_is_refused(workdays):
    result = check_meeting(NOW, at(2026, 11, 30, 10), 45, workdays)
    assert not result.ok
    assert [p.clause for p in result.problems] == ["5.4"]
    assert "at least one hour" in result.problems[0].message
    assert "60 minutes" in result.problems[0].message


def test_3_4_a_meeting_on_a_saturday_is_refused_and_moved_to_monday(workdays):
    result = check_meeting(NOW, at(2026, 12, 5, 10), 60, workdays)
    assert not result.ok
    assert [p.clause for p in result.problems] == ["3.4"]
    assert "Saturday 5 December is a weekend" in result.problems[0].message
    assert result.earliest_valid == at(2026, 12, 7, 8)


def test_3_4_a_meeting_on_good_friday_is_refused_naming_the_bank_holiday(workdays):
    result = check_meeting(at(2027, 3, 1), at(2027, 3, 26, 10), 60, workdays)
    assert not result.ok
    assert "bank holiday (Good Friday)" in result.problems[0].message
    assert result.earliest_valid == at(2027, 3, 30, 8)


def test_3_4_a_meeting_running_past_five_is_refused_with_the_earliest_slot_that_same_day(workdays):
    # Issue 19 finding 7: 16:30 for an hour does not fit, but the same day from 08:00 was free and valid.
    result = check_meeting(NOW, at(2026, 12, 1, 16, 30), 60, workdays)
    assert not result.ok
    assert [p.clause for p in result.problems] == ["3.4"]
    assert "08:00-17:00" in result.problems[0].message
    assert result.earliest_valid == at(2026, 12, 1, 8)


def test_5_3_the_earliest_slot_on_the_notice_day_is_searched_in_quarter_hours(workdays):
    now = at(2026, 12, 6, 10, 7)  # Sunday: notice runs out on Friday 11 December at 10:07
    result = check_meeting(now, at(2026, 12, 11, 16, 30), 60, workdays)
    assert result.earliest_valid == at(2026, 12, 11, 10, 15)
    assert "Friday 11 December at 10:15" in result.problems[0].message


def test_5_3_a_clash_with_either_persons_other_meeting_is_refused_with_the_next_free_slot(workdays):
    from bot.policy.meetings import Busy

    busy = (Busy(at(2026, 12, 14, 14), at(2026, 12, 14, 15), "Priya Shah has Sam Patel's planning meeting"),
            Busy(at(2026, 12, 14, 8), at(2026, 12, 14, 13, 50), "Dana Cole has an appeal hearing"))
    result = check_meeting(NOW, at(2026, 12, 14, 14, 30), 60, workdays, busy=busy)
    assert not result.ok
    assert [p.clause for p in result.problems] == ["5.3"]
    assert "Priya Shah has Sam Patel's planning meeting from 14:00 to 15:00" in result.problems[0].message
    assert result.earliest_valid == at(2026, 12, 14, 15)  # 13:50-14:00 is too short; 15:00 is free
    assert check_meeting(NOW, at(2026, 12, 14, 15), 60, workdays, busy=busy).ok  # back to back is fine


def test_3_4_a_meeting_ending_exactly_at_five_is_accepted(workdays):
    assert check_meeting(NOW, at(2026, 12, 1, 16), 60, workdays).ok


def test_3_4_a_meeting_before_eight_is_moved_to_opening_time(workdays):
    result = check_meeting(NOW, at(2026, 12, 1, 7, 30), 60, workdays)
    assert not result.ok
    assert result.earliest_valid == at(2026, 12, 1, 8)


def test_3_4_a_closure_day_is_refused(workdays):
    closed = WorkingDays(frozenset({date(2026, 12, 1)}))
    result = check_meeting(NOW, at(2026, 12, 1, 10), 60, closed)
    assert "closure day" in result.problems[0].message
    assert result.earliest_valid == at(2026, 12, 2, 8)


def test_3_4_a_meeting_longer_than_the_working_day_is_told_to_split(workdays):
    result = check_meeting(NOW, at(2026, 12, 1, 8), 600, workdays)
    assert not result.ok
    assert "split it in two" in result.problems[0].message


def test_3_4_custom_working_hours_are_respected(workdays):
    hours = WorkingHours(start=time(9), end=time(15))
    result = check_meeting(NOW, at(2026, 12, 1, 14, 30), 60, workdays, hours)
    assert not result.ok
    assert result.earliest_valid == at(2026, 12, 1, 9)


def test_5_3_several_problems_are_all_reported(workdays):
    result = check_meeting(NOW, at(2026, 11, 27, 18), 30, workdays)  # Friday 18:00, 4 days ahead
    assert {p.clause for p in result.problems} == {"5.3", "5.4", "3.4"}
    # 18:00 never fits, so the first working day after the notice period opens at 08:00.
    assert result.earliest_valid == at(2026, 11, 30, 8)
    assert all(p.message for p in result.problems)


def test_5_7_meeting_kinds_have_readable_labels():
    assert MEETING_KINDS == ("planning", "mid_year", "end_of_year", "one_to_one", "split_second_half")
    assert set(MEETING_KIND_LABELS) == set(MEETING_KINDS)
    assert meeting_kind_label("mid_year") == "Mid-year review"

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.policy.workdays import WorkingDays, WorkingHours

LONDON = ZoneInfo("Europe/London")


def test_9_5_weekends_and_bank_holidays_are_not_working_days(workdays):
    assert workdays.is_working_day(date(2026, 11, 23))  # Monday
    assert not workdays.is_working_day(date(2026, 11, 28))  # Saturday
    assert not workdays.is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not workdays.is_working_day(date(2026, 12, 28))  # Boxing Day (substitute)
    assert not workdays.is_working_day(date(2027, 3, 26))  # Good Friday
    assert not workdays.is_working_day(date(2027, 3, 29))  # Easter Monday
    assert workdays.is_working_day(date(2027, 3, 30))


def test_9_5_working_days_across_christmas_2026_skip_three_bank_holidays(workdays):
    # Dec 21-24 (4), 29-31 (3), Jan 4-8 (5): 25 Dec, 28 Dec and 1 Jan are bank holidays.
    assert workdays.between(date(2026, 12, 18), date(2027, 1, 8)) == 12


def test_9_5_working_days_across_easter_2027_skip_good_friday_and_easter_monday(workdays):
    # Mar 23-25 (3), Mar 30-Apr 2 (4)
    assert workdays.between(date(2027, 3, 22), date(2027, 4, 2)) == 7
    assert workdays.add(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert workdays.subtract(date(2027, 3, 30), 1) == date(2027, 3, 25)


def test_9_5_between_counts_after_start_up_to_and_including_end(workdays):
    assert workdays.between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert workdays.between(date(2026, 11, 23), date(2026, 11, 24)) == 1
    assert workdays.between(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert workdays.between(date(2026, 11, 30), date(2026, 11, 27)) == -1


def test_9_5_add_does_not_count_the_start_day_and_add_zero_is_the_same_day(workdays):
    assert workdays.add(date(2026, 11, 27), 1) == date(2026, 11, 30)
    assert workdays.add(date(2026, 11, 23), 0) == date(2026, 11, 23)
    assert workdays.add(date(2026, 11, 30), -1) == date(2026, 11, 27)


def test_9_5_next_working_day_is_the_day_itself_when_working(workdays):
    assert workdays.next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert workdays.next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)


def test_3_2_closure_days_are_not_working_days():
    closed = WorkingDays(frozenset({date(2026, 11, 24)}))
    assert not closed.is_working_day(date(2026, 11, 24))
    assert closed.add(date(2026, 11, 23), 1) == date(2026, 11, 25)
    assert closed.why_not_working(date(2026, 11, 24)) == "a school closure day"


def test_3_4_reasons_name_the_bank_holiday(workdays):
    assert workdays.why_not_working(date(2027, 3, 26)) == "a bank holiday (Good Friday)"
    assert workdays.why_not_working(date(2026, 11, 28)) == "a weekend"
    assert workdays.why_not_working(date(2026, 11, 23)) is None


def test_3_4_working_hours_are_eight_to_five_london_on_working_days(workdays):
    hours = WorkingHours()
    assert hours.is_within(datetime(2026, 11, 23, 8, 0, tzinfo=LONDON), workdays)
    assert hours.is_within(datetime(2026, 11, 23, 16, 59, tzinfo=LONDON), workdays)
    assert not hours.is_within(datetime(2026, 11, 23, 17, 0, tzinfo=LONDON), workdays)
    assert not hours.is_within(datetime(2026, 11, 23, 7, 59, tzinfo=LONDON), workdays)
    assert not hours.is_within(datetime(2026, 11, 28, 10, 0, tzinfo=LONDON), workdays)


def test_3_4_working_hours_compare_in_local_time_during_british_summer_time(workdays):
    hours = WorkingHours()
    # 07:30 UTC on 1 July is 08:30 BST: inside working hours.
    assert hours.is_within(datetime(2027, 7, 1, 7, 30, tzinfo=ZoneInfo("UTC")), workdays)


def test_3_4_next_opening_is_the_same_instant_when_already_open(workdays):
    hours = WorkingHours()
    now = datetime(2026, 11, 23, 10, 15, tzinfo=LONDON)
    assert hours.next_opening(now, workdays) == now


def test_3_4_next_opening_before_eight_is_eight_the_same_day(workdays):
    hours = WorkingHours()
    early = datetime(2026, 11, 23, 6, 0, tzinfo=LONDON)
    assert hours.next_opening(early, workdays) == datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)


def test_3_4_next_opening_on_friday_evening_is_monday_eight(workdays):
    hours = WorkingHours()
    result = hours.next_opening(datetime(2026, 11, 27, 17, 30, tzinfo=LONDON), workdays)
    assert result == datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
    assert result.tzinfo is not None


def test_3_4_next_opening_on_christmas_eve_evening_skips_to_29_december(workdays):
    hours = WorkingHours()
    result = hours.next_opening(datetime(2026, 12, 24, 18, 0, tzinfo=LONDON), workdays)
    assert result == datetime(2026, 12, 29, 8, 0, tzinfo=LONDON)


def test_3_4_next_opening_before_easter_skips_the_long_weekend(workdays):
    hours = WorkingHours()
    result = hours.next_opening(datetime(2027, 3, 25, 17, 0, tzinfo=LONDON), workdays)
    assert result == datetime(2027, 3, 30, 8, 0, tzinfo=LONDON)


def test_3_4_naive_datetimes_are_refused_with_a_clear_message(workdays):
    with pytest.raises(ValueError, match="timezone-aware"):
        WorkingHours().is_within(datetime(2026, 11, 23, 10, 0), workdays)


def test_3_4_custom_hours_must_start_before_they_end():
    with pytest.raises(ValueError, match="start before"):
        WorkingHours(start=time(17), end=time(9))

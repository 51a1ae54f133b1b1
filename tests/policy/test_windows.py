from __future__ import annotations

from datetime import date

import pytest

from bot.policy.calendar import CalendarError
from bot.policy.windows import (
    Window,
    governors_report_window,
    meeting1_window,
    midyear_escalation_date,
    midyear_window,
    stage_for,
)


def test_3_2_meeting_1_runs_from_second_half_of_summer_to_first_half_of_autumn(england):
    window = meeting1_window(england, 2026)
    assert window == Window(date(2026, 6, 1), date(2026, 10, 23), "3.2")


def test_3_2_meeting_1_starts_in_autumn_when_the_previous_year_is_unknown(england):
    window = meeting1_window(england, 2025)
    assert window.start == date(2025, 9, 3)
    assert window.end == date(2025, 10, 24)


def test_3_2_meeting_2_is_the_spring_term_with_escalation_at_half_term(england):
    window = midyear_window(england, 2026)
    assert (window.start, window.end, window.clause) == (date(2027, 1, 4), date(2027, 3, 25), "3.2")
    assert midyear_escalation_date(england, 2026) == date(2027, 2, 15)


def test_11_3_governors_report_is_due_in_the_summer_term(england):
    window = governors_report_window(england, 2026)
    assert (window.start, window.end, window.clause) == (date(2027, 4, 12), date(2027, 7, 21), "11.3")
    assert window.contains(date(2027, 6, 1))
    assert not window.contains(date(2027, 7, 22))


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (date(2026, 5, 1), "preparation"),
        (date(2026, 6, 1), "meeting_1"),
        (date(2026, 10, 23), "meeting_1"),
        (date(2026, 11, 23), "administration"),
        (date(2027, 1, 4), "meeting_2"),
        (date(2027, 3, 25), "meeting_2"),
        (date(2027, 5, 1), "administration"),
    ],
)
def test_3_2_stage_for_names_where_in_the_cycle_a_date_falls(england, day, stage):
    assert stage_for(day, england, 2026) == stage


def test_3_2_a_cycle_year_missing_from_the_calendar_is_a_clear_error(england):
    with pytest.raises(CalendarError, match="2030-31"):
        midyear_window(england, 2030)

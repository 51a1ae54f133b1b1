from __future__ import annotations

from datetime import date

import pytest

from bot.policy.calendar import (
    DEFAULT_CALENDAR_RESOURCE,
    AcademicYear,
    CalendarError,
    academic_year_of,
    parse_calendars,
)
from bot.policy.workdays import WorkingDays

from .conftest import DEFAULT_YAML


def test_3_2_academic_year_runs_september_to_august():
    assert academic_year_of(date(2026, 11, 23)) == 2026
    assert academic_year_of(date(2027, 3, 1)) == 2026
    assert academic_year_of(date(2027, 8, 31)) == 2026
    assert academic_year_of(date(2027, 9, 1)) == 2027


def test_3_2_default_calendar_has_three_english_academic_years(england):
    assert sorted(england.years) == [2025, 2026, 2027]
    assert DEFAULT_CALENDAR_RESOURCE == "data/england.yaml"
    year = england.year(2026)
    assert isinstance(year, AcademicYear)
    assert year.start == date(2026, 9, 1)
    assert year.end == date(2027, 8, 31)
    assert year.autumn.start == date(2026, 9, 3)
    assert year.spring.half_term_start == date(2027, 2, 15)
    assert year.summer.end == date(2027, 7, 21)


def test_3_2_default_terms_have_the_typical_english_shape(england):
    for year in england.years.values():
        autumn, spring, summer = year.autumn, year.spring, year.summer
        assert (autumn.start.month, autumn.half_term_start.month, autumn.end.month) == (9, 10, 12)
        assert spring.start.month == 1 and spring.half_term_start.month == 2
        assert spring.end.month in (3, 4) and summer.start.month == 4
        assert summer.half_term_start.month in (5, 6) and summer.end.month == 7
        assert [t.name for t in year.terms] == ["autumn", "spring", "summer"]


def test_3_2_halves_of_a_term_end_and_start_on_weekdays(england):
    autumn = england.year(2026).autumn
    assert autumn.first_half_end == date(2026, 10, 23)  # Friday before half term
    summer = england.year(2025).summer
    assert summer.second_half_start == date(2026, 6, 1)  # Monday after half term


def test_3_2_term_on_finds_the_term_including_half_term_and_none_in_holidays(england):
    assert england.term_on(date(2026, 11, 23)).name == "autumn"
    assert england.term_on(date(2026, 10, 28)).name == "autumn"
    assert not england.term_on(date(2026, 10, 28)).in_session(date(2026, 10, 28))
    assert england.term_on(date(2027, 2, 1)).name == "spring"
    assert england.term_on(date(2026, 12, 25)) is None
    assert england.term_on(date(2030, 1, 10)) is None


def test_3_2_a_missing_year_raises_a_calendar_error_naming_it(england):
    with pytest.raises(CalendarError, match="2031-32"):
        england.year(2031)


def test_3_2_an_academy_overrides_one_year_and_inherits_the_rest_with_extends():
    text = DEFAULT_YAML + """
Riverside Academy:
  extends: default
  2026-27:
    summer: {end: 2027-07-16}
    closure_days: [2027-05-06]
"""
    calendars = parse_calendars(text)
    riverside, default = calendars["Riverside Academy"], calendars["default"]
    assert riverside.organisation == "Riverside Academy"
    assert riverside.year(2026).summer.end == date(2027, 7, 16)
    assert riverside.year(2026).summer.start == default.year(2026).summer.start
    assert riverside.year(2026).autumn == default.year(2026).autumn
    assert riverside.year(2025) == default.year(2025)
    assert default.year(2026).summer.end == date(2027, 7, 21)
    assert riverside.closure_days == frozenset({date(2027, 5, 6)})
    assert not WorkingDays(riverside.closure_days).is_working_day(date(2027, 5, 6))


def test_3_2_an_academy_may_add_a_year_the_default_does_not_have():
    text = DEFAULT_YAML + """
Hilltop Academy:
  extends: default
  2028:
    autumn: {start: 2028-09-04, half_term_start: 2028-10-23, half_term_end: 2028-10-27, end: 2028-12-20}
    spring: {start: 2029-01-07, half_term_start: 2029-02-18, half_term_end: 2029-02-22, end: 2029-03-29}
    summer: {start: 2029-04-16, half_term_start: 2029-05-28, half_term_end: 2029-06-01, end: 2029-07-20}
"""
    hilltop = parse_calendars(text)["Hilltop Academy"]
    assert sorted(hilltop.years) == [2025, 2026, 2027, 2028]
    assert hilltop.year(2028).autumn.start == date(2028, 9, 4)


def test_3_2_a_bad_date_names_organisation_year_and_field():
    text = """
Oak Academy:
  2026:
    autumn: {start: 2026-09-03, half_term_start: not-a-date, half_term_end: 2026-10-30, end: 2026-12-18}
    spring: {start: 2027-01-04, half_term_start: 2027-02-15, half_term_end: 2027-02-19, end: 2027-03-25}
    summer: {start: 2027-04-12, half_term_start: 2027-05-31, half_term_end: 2027-06-04, end: 2027-07-21}
"""
    with pytest.raises(CalendarError) as err:
        parse_calendars(text)
    assert "Oak Academy" in str(err.value)
    assert "2026-27" in str(err.value)
    assert "autumn.half_term_start" in str(err.value)


def test_3_2_a_missing_field_names_it():
    text = """
default:
  2026:
    autumn: {start: 2026-09-03, half_term_start: 2026-10-26, half_term_end: 2026-10-30}
"""
    with pytest.raises(CalendarError, match=r"default 2026-27 autumn\.end: missing"):
        parse_calendars(text)


def test_3_2_half_term_before_the_term_starts_is_refused():
    text = DEFAULT_YAML + """
Elm Academy:
  extends: default
  2026:
    spring: {half_term_start: 2027-01-01}
"""
    with pytest.raises(CalendarError, match=r"Elm Academy 2026-27 spring\.half_term_start"):
        parse_calendars(text)


def test_3_2_terms_out_of_order_are_refused():
    text = DEFAULT_YAML + """
Ash Academy:
  extends: default
  2026:
    spring: {start: 2026-12-01}
"""
    with pytest.raises(CalendarError, match=r"Ash Academy 2026-27 spring\.start"):
        parse_calendars(text)


def test_3_2_a_date_outside_the_academic_year_is_refused():
    text = DEFAULT_YAML + """
Birch Academy:
  extends: default
  2026:
    summer: {end: 2027-09-05}
"""
    with pytest.raises(CalendarError, match=r"Birch Academy 2026-27 summer\.end.*outside"):
        parse_calendars(text)


def test_3_2_extends_an_unknown_or_circular_organisation_is_refused():
    with pytest.raises(CalendarError, match="no organisation"):
        parse_calendars("A Academy:\n  extends: Nowhere\n")
    with pytest.raises(CalendarError, match="circle"):
        parse_calendars("A:\n  extends: B\nB:\n  extends: A\n")


def test_3_2_a_bad_year_key_or_broken_yaml_is_refused():
    with pytest.raises(CalendarError, match="2026-28"):
        parse_calendars("default:\n  2026-28: {}\n")
    with pytest.raises(CalendarError, match="not valid YAML"):
        parse_calendars("default: [unclosed\n")
    with pytest.raises(CalendarError, match="unknown field"):
        parse_calendars(DEFAULT_YAML + "X:\n  extends: default\n  2026:\n    winter: {}\n")


def test_3_2_year_keys_may_be_written_as_2026_27():
    text = DEFAULT_YAML.replace("\n  2026:", "\n  2026-27:")
    assert "2026-27:" in text
    assert sorted(parse_calendars(text)["default"].years) == [2025, 2026, 2027]

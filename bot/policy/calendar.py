"""Term dates per organisation (Policy 3.2: "each academy will determine locally the exact timing").

A calendar file (YAML) maps an organisation name, or ``default``, to academic years::

    default:
      2026:                      # the 2026-27 academic year; "2026-27" works too
        autumn: {start: 2026-09-03, half_term_start: 2026-10-26, half_term_end: 2026-10-30, end: 2026-12-18}
        spring: {...}
        summer: {...}
        closure_days: [2027-05-04]   # optional: days the school is shut (non-working days)
    Riverside Academy:
      extends: default            # optional: start from another organisation's years
      2026:
        summer: {end: 2027-07-16}  # override just what differs; the rest is inherited

``half_term_start`` and ``half_term_end`` are the first and last days of the half-term holiday
(inclusive), so the first half of a term ends on the last weekday before ``half_term_start`` and
the second half begins on the first weekday after ``half_term_end``. A term's span (``start``..``end``) includes its
half-term week.

This module never reads files: the app reads ``DEFAULT_CALENDAR_RESOURCE`` (a path relative to
this package) or ``CADENCE_CALENDAR_FILE`` and passes the text to :func:`parse_calendars`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import yaml

CLAUSE = "3.2"  # Policy 3.2: the cycle runs September to August; academies set exact timing
DEFAULT_CALENDAR_RESOURCE = "data/england.yaml"
DEFAULT_ORGANISATION = "default"
TERM_NAMES: tuple[str, str, str] = ("autumn", "spring", "summer")
TERM_FIELDS: tuple[str, str, str, str] = ("start", "half_term_start", "half_term_end", "end")
ACADEMIC_YEAR_START_MONTH = 9  # Policy 3.2: September to August


class CalendarError(ValueError):
    """A calendar is missing or malformed; the message names organisation, year and field."""


def academic_year_of(d: date) -> int:
    """The academic year (Sep-Aug, Policy 3.2) a date falls in, named by its starting calendar year."""
    return d.year if d.month >= ACADEMIC_YEAR_START_MONTH else d.year - 1


def academic_year_label(start_year: int) -> str:
    """2026 -> '2026-27'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class Term:
    name: str  # "autumn" | "spring" | "summer"
    start: date
    half_term_start: date  # first day of the half-term holiday
    half_term_end: date  # last day of the half-term holiday
    end: date

    @property
    def first_half_end(self) -> date:
        """The last weekday before the half-term holiday (usually a Friday)."""
        d = self.half_term_start - timedelta(days=1)
        while d.weekday() >= 5:
            d -= timedelta(days=1)
        return d

    @property
    def second_half_start(self) -> date:
        """The first weekday after the half-term holiday (usually a Monday)."""
        d = self.half_term_end + timedelta(days=1)
        while d.weekday() >= 5:
            d += timedelta(days=1)
        return d

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term"

    def contains(self, d: date) -> bool:
        """True from the first to the last day of term, half term included."""
        return self.start <= d <= self.end

    def in_session(self, d: date) -> bool:
        """True on days of term outside the half-term holiday."""
        return self.contains(d) and not (self.half_term_start <= d <= self.half_term_end)


@dataclass(frozen=True)
class AcademicYear:
    start_year: int
    terms: tuple[Term, Term, Term]
    closure_days: frozenset[date] = field(default_factory=frozenset)

    @property
    def autumn(self) -> Term:
        return self.terms[0]

    @property
    def spring(self) -> Term:
        return self.terms[1]

    @property
    def summer(self) -> Term:
        return self.terms[2]

    @property
    def start(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        return academic_year_label(self.start_year)

    def term(self, name: str) -> Term:
        try:
            return self.terms[TERM_NAMES.index(name)]
        except ValueError:
            raise CalendarError(f"Unknown term {name!r}; use one of {', '.join(TERM_NAMES)}.") from None


@dataclass(frozen=True)
class SchoolCalendar:
    years: dict[int, AcademicYear]
    organisation: str = DEFAULT_ORGANISATION

    def year(self, start_year: int) -> AcademicYear:
        try:
            return self.years[start_year]
        except KeyError:
            known = ", ".join(academic_year_label(y) for y in sorted(self.years)) or "none"
            raise CalendarError(
                f"The calendar for {self.organisation!r} has no term dates for "
                f"{academic_year_label(start_year)} (it has: {known}). "
                "Add that year to the calendar file."
            ) from None

    def has_year(self, start_year: int) -> bool:
        return start_year in self.years

    def term_on(self, d: date) -> Term | None:
        """The term whose span (half term included) contains ``d``, or None in the holidays."""
        year = self.years.get(academic_year_of(d))
        if year is None:
            return None
        for term in year.terms:
            if term.contains(d):
                return term
        return None

    @property
    def closure_days(self) -> frozenset[date]:
        days: set[date] = set()
        for year in self.years.values():
            days |= year.closure_days
        return frozenset(days)


# --- parsing -----------------------------------------------------------------------------------

_YEAR_KEY = re.compile(r"^\s*(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?\s*$")


def _year_key(org: str, key: Any) -> int:
    match = _YEAR_KEY.match(str(key))
    if not match or isinstance(key, bool):
        raise CalendarError(
            f"{org}: {key!r} is not an academic year; write the year it starts in, e.g. 2026 or 2026-27."
        )
    start = int(match.group(1))
    if match.group(2):
        second = int(match.group(2))
        expected = start + 1 if len(match.group(2)) == 4 else (start + 1) % 100
        if second != expected:
            raise CalendarError(
                f"{org}: {key!r} is not a single academic year; write it as {academic_year_label(start)}."
            )
    return start


def _as_date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarError(f"{where}: {value!r} is not a date; write it as YYYY-MM-DD.")


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve(name: str, raw: Mapping[str, Any], seen: tuple[str, ...] = ()) -> dict[int, dict[str, Any]]:
    """Year dicts for ``name`` after following ``extends`` chains."""
    if name in seen:
        chain = " -> ".join((*seen, name))
        raise CalendarError(f"{name}: 'extends' goes round in a circle ({chain}).")
    body = raw[name]
    if body is None:
        body = {}
    if not isinstance(body, Mapping):
        raise CalendarError(f"{name}: expected academic years under the organisation name.")
    years: dict[int, dict[str, Any]] = {}
    parent = body.get("extends")
    if parent is not None:
        parent = str(parent)
        if parent not in raw:
            raise CalendarError(f"{name}: extends {parent!r}, but no organisation of that name is in the file.")
        years = {y: dict(v) for y, v in _resolve(parent, raw, (*seen, name)).items()}
    for key, value in body.items():
        if key == "extends":
            continue
        start_year = _year_key(name, key)
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            raise CalendarError(f"{name} {academic_year_label(start_year)}: expected autumn, spring and summer.")
        years[start_year] = _merge(years.get(start_year, {}), value)
    return years


def _build_term(org: str, start_year: int, name: str, raw: Any) -> Term:
    where = f"{org} {academic_year_label(start_year)} {name}"
    if raw is None:
        raise CalendarError(f"{where}: missing; give start, half_term_start, half_term_end and end.")
    if not isinstance(raw, Mapping):
        raise CalendarError(f"{where}: expected start, half_term_start, half_term_end and end.")
    unknown = set(raw) - set(TERM_FIELDS)
    if unknown:
        raise CalendarError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                            f"use {', '.join(TERM_FIELDS)}.")
    values: dict[str, date] = {}
    for fname in TERM_FIELDS:
        if fname not in raw:
            raise CalendarError(f"{where}.{fname}: missing.")
        values[fname] = _as_date(raw[fname], f"{where}.{fname}")
    first, last = date(start_year, 9, 1), date(start_year + 1, 8, 31)
    for fname, value in values.items():
        if not first <= value <= last:
            raise CalendarError(
                f"{where}.{fname}: {value.isoformat()} is outside the {academic_year_label(start_year)} "
                f"academic year ({first.isoformat()} to {last.isoformat()})."
            )
    if not values["start"] < values["half_term_start"]:
        raise CalendarError(f"{where}.half_term_start: must come after the term starts.")
    if not values["half_term_start"] <= values["half_term_end"]:
        raise CalendarError(f"{where}.half_term_end: must not come before half_term_start.")
    if not values["half_term_end"] < values["end"]:
        raise CalendarError(f"{where}.end: must come after half term ends.")
    return Term(name=name, **values)


def _build_year(org: str, start_year: int, raw: Mapping[str, Any]) -> AcademicYear:
    label = f"{org} {academic_year_label(start_year)}"
    unknown = set(raw) - {*TERM_NAMES, "closure_days"}
    if unknown:
        raise CalendarError(f"{label}: unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                            "use autumn, spring, summer and closure_days.")
    autumn, spring, summer = (_build_term(org, start_year, n, raw.get(n)) for n in TERM_NAMES)
    if not autumn.end < spring.start:
        raise CalendarError(f"{label} spring.start: must come after the autumn term ends.")
    if not spring.end < summer.start:
        raise CalendarError(f"{label} summer.start: must come after the spring term ends.")
    closures_raw = raw.get("closure_days") or []
    if not isinstance(closures_raw, list | tuple):
        raise CalendarError(f"{label} closure_days: expected a list of dates.")
    closures = frozenset(_as_date(v, f"{label} closure_days") for v in closures_raw)
    return AcademicYear(start_year=start_year, terms=(autumn, spring, summer), closure_days=closures)


def parse_calendars(yaml_text: str) -> dict[str, SchoolCalendar]:
    """Parse a calendar file into one :class:`SchoolCalendar` per organisation (see module doc)."""
    try:
        raw = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise CalendarError(f"The calendar file is not valid YAML: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise CalendarError("The calendar file must map organisation names (or 'default') to years.")
    raw = {str(k): v for k, v in raw.items()}
    calendars: dict[str, SchoolCalendar] = {}
    for name in raw:
        years = {y: _build_year(name, y, body) for y, body in sorted(_resolve(name, raw).items())}
        calendars[name] = SchoolCalendar(years=years, organisation=name)
    return calendars

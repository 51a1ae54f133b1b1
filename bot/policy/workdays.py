"""Working days and working hours (Policy 3.4, 5.4, 8.6, 9.5).

A working day is Monday to Friday, not an England & Wales bank holiday (the ``holidays``
package, ``GB`` subdivision ``ENG``) and not one of the organisation's closure days.
School holidays are *not* excluded: support staff contracts differ, and the policy's
"working days" (9.5) are ordinary working days. An academy that wants holiday weeks excluded
lists them as closure days in its calendar.

Working hours default to 08:00-17:00 Europe/London (DESIGN.md); the end time is exclusive
for "is within" and inclusive for "a meeting may end at".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BANK_HOLIDAY_COUNTRY = "GB"
BANK_HOLIDAY_SUBDIVISION = "ENG"  # England & Wales bank holidays (POLICY.md, 9.5)
WORKING_HOURS_CLAUSE = "3.4"  # Policy 3.4 (and 5.4, 8.6): within normal working hours
DEFAULT_TIMEZONE = "Europe/London"

_MAX_SEARCH_DAYS = 3660  # ten years of consecutive closures would be a data error


class WorkingDays:
    """Counts working days: weekends, England & Wales bank holidays and closure days are off."""

    __slots__ = ("closure_days", "_bank_holidays")

    def __init__(self, closure_days: frozenset[date] = frozenset()) -> None:
        import holidays  # on first use, not at start: the package loads every country's calendar code

        self.closure_days: frozenset[date] = frozenset(closure_days)
        self._bank_holidays = holidays.country_holidays(BANK_HOLIDAY_COUNTRY, subdiv=BANK_HOLIDAY_SUBDIVISION)

    def __repr__(self) -> str:
        return f"WorkingDays(closure_days={len(self.closure_days)} days)"

    def is_bank_holiday(self, d: date) -> bool:
        return d in self._bank_holidays

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.closure_days and d not in self._bank_holidays

    def why_not_working(self, d: date) -> str | None:
        """A short reason ('a weekend', 'a bank holiday (Good Friday)', 'a closure day') or None."""
        if d.weekday() >= 5:
            return "a weekend"
        name = self._bank_holidays.get(d)
        if name:
            return f"a bank holiday ({name})"
        if d in self.closure_days:
            return "a school closure day"
        return None

    def add(self, d: date, n: int) -> date:
        """The date ``n`` working days after ``d`` (``d`` itself is not counted).

        ``add(d, 0)`` is ``d``; a negative ``n`` counts backwards like :meth:`subtract`.
        """
        if n < 0:
            return self.subtract(d, -n)
        current = d
        remaining = n
        steps = 0
        while remaining:
            current += timedelta(days=1)
            steps += 1
            if self.is_working_day(current):
                remaining -= 1
            elif steps > _MAX_SEARCH_DAYS + n:
                raise ValueError(f"No working days found after {d.isoformat()}; check the closure days.")
        return current

    def subtract(self, d: date, n: int) -> date:
        """The date ``n`` working days before ``d`` (``d`` itself is not counted)."""
        if n < 0:
            return self.add(d, -n)
        current = d
        remaining = n
        steps = 0
        while remaining:
            current -= timedelta(days=1)
            steps += 1
            if self.is_working_day(current):
                remaining -= 1
            elif steps > _MAX_SEARCH_DAYS + n:
                raise ValueError(f"No working days found before {d.isoformat()}; check the closure days.")
        return current

    def between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``."""
        if b < a:
            return -self.between(b, a)
        count = 0
        current = a
        while current < b:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the next one."""
        return d if self.is_working_day(d) else self.add(d, 1)

    def previous_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the one before."""
        return d if self.is_working_day(d) else self.subtract(d, 1)


def _require_aware(dt: datetime, name: str = "datetime") -> None:
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError(f"{name} must be timezone-aware (got {dt.isoformat()}); attach the tz first.")


@dataclass(frozen=True)
class WorkingHours:
    """Normal working hours (Policy 3.4): default Mon-Fri 08:00-17:00 Europe/London."""

    start: time = time(8)
    end: time = time(17)
    tz: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"Working hours must start before they end (got {self.start}-{self.end}).")
        ZoneInfo(self.tz)  # raises for an unknown zone name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def minutes_per_day(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def local(self, dt: datetime) -> datetime:
        _require_aware(dt)
        return dt.astimezone(self.zone)

    def opening(self, d: date) -> datetime:
        """The start of working hours on ``d``, tz-aware local time."""
        return datetime.combine(d, self.start, tzinfo=self.zone)

    def closing(self, d: date) -> datetime:
        """The end of working hours on ``d``, tz-aware local time."""
        return datetime.combine(d, self.end, tzinfo=self.zone)

    def is_within(self, dt: datetime, workdays: WorkingDays) -> bool:
        """True when ``dt`` falls on a working day between start (inclusive) and end (exclusive)."""
        local = self.local(dt)
        return workdays.is_working_day(local.date()) and self.start <= local.time() < self.end

    def fits(self, start: datetime, minutes: int, workdays: WorkingDays) -> bool:
        """True when a ``minutes``-long slot from ``start`` lies wholly inside one working day's hours."""
        local = self.local(start)
        if not self.is_within(local, workdays):
            return False
        return local + timedelta(minutes=minutes) <= self.closing(local.date())

    def next_opening(self, dt: datetime, workdays: WorkingDays) -> datetime:
        """``dt`` itself when within working hours, else the next working day's opening (tz-aware)."""
        local = self.local(dt)
        if self.is_within(local, workdays):
            return dt
        d = local.date()
        if workdays.is_working_day(d) and local.time() < self.start:
            return self.opening(d)
        return self.opening(workdays.add(d, 1))

"""Retention of Planning & Review Forms (Policy 10.3).

Forms of the cycle that starts in academic year Y are kept until 31 August Y+6: the current
review year (to 31 August Y+1) and then 5 years. A legal hold stops a purge.
"""

from __future__ import annotations

from datetime import date

from bot.policy.deadlines import RETENTION_YEARS, cycle_year_end, retain_until

RETENTION_CLAUSE = "10.3"

__all__ = ["RETENTION_CLAUSE", "RETENTION_YEARS", "cycle_year_end", "is_due_for_purge", "retain_until"]


def is_due_for_purge(retain_until_date: date, today: date, legal_hold: bool = False) -> bool:
    """True the day after ``retain_until_date`` unless a legal hold applies (10.3)."""
    return not legal_hold and today > retain_until_date

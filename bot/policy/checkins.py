"""Informal one-to-one check-ins (Policy 3.3).

Check-ins are by mutual agreement, so they are opt-in; the Trust expects regular one-to-ones
for leadership roles, so those default to fortnightly. A "monthly" cadence is every 28 days so
that it always lands on the same weekday.
"""

from __future__ import annotations

from datetime import date, timedelta

CLAUSE = "3.3"  # Policy 3.3: informal one-to-ones; expected for leadership roles
CHECKIN_CADENCES: dict[str, int | None] = {"off": None, "weekly": 7, "fortnightly": 14, "monthly": 28}
CADENCE_LABELS: dict[str, str] = {
    "off": "No scheduled check-ins",
    "weekly": "Weekly",
    "fortnightly": "Every two weeks",
    "monthly": "Every four weeks",
}
LEADERSHIP_DEFAULT = "fortnightly"  # Policy 3.3: "regular one-to-ones" in leadership roles


def default_cadence(leadership_role: bool) -> str:
    """Fortnightly for leadership roles, off otherwise (3.3)."""
    return LEADERSHIP_DEFAULT if leadership_role else "off"


def next_checkin(last: date | None, cadence: str, today: date) -> date | None:
    """The date the next check-in is due; None when check-ins are off.

    With no previous check-in, or when one is overdue, the answer is ``today``.
    """
    if cadence not in CHECKIN_CADENCES:
        raise ValueError(f"Unknown check-in cadence {cadence!r}; use one of {', '.join(CHECKIN_CADENCES)}.")
    interval = CHECKIN_CADENCES[cadence]
    if interval is None:
        return None
    if last is None:
        return today
    return max(last + timedelta(days=interval), today)

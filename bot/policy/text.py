"""Small, shared wording helpers so every message spells dates the same way."""

from __future__ import annotations

from datetime import date, datetime


def day_label(d: date, reference: date | None = None) -> str:
    """'Monday 30 November', with the year added when it differs from ``reference``'s year."""
    text = f"{d:%A} {d.day} {d:%B}"
    if reference is not None and reference.year != d.year:
        text += f" {d.year}"
    return text


def moment_label(dt: datetime, reference: date | None = None) -> str:
    """'Monday 30 November at 10:00' (the clock time as given, usually local)."""
    return f"{day_label(dt.date(), reference)} at {dt:%H:%M}"


def uk_date(d: date) -> str:
    """A date as people in the UK write it in full: 6 December 2026."""
    return f"{d.day} {d:%B %Y}"

"""Where in the Policy 3.2 cycle a date falls, from an organisation's term dates.

A cycle "starting in academic year Y" runs September Y to August Y+1 (3.2). Its Meeting 1
(annual review + plan) is held in the second half of the Summer term of Y-1 or the first half
of the Autumn term of Y; Meeting 2 (mid-year review) in the Spring term of Y (January-April of
Y+1). The annual report to governors (11.3) is due in the Summer term of Y.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.policy.calendar import SchoolCalendar

CYCLE_CLAUSE = "3.2"  # Policy 3.2: cycle stages and meeting timing
GOVERNORS_REPORT_CLAUSE = "11.3"  # Policy 11.3: annual written report to the LGB

Stage = Literal["preparation", "meeting_1", "administration", "meeting_2"]
STAGES: tuple[str, ...] = ("preparation", "meeting_1", "administration", "meeting_2")
STAGE_LABELS: dict[str, str] = {
    "preparation": "Preparation",
    "meeting_1": "Meeting 1: annual review and planning",
    "administration": "Administration: completing the Planning & Review Form",
    "meeting_2": "Meeting 2: mid-year review",
}


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    clause: str = CYCLE_CLAUSE

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def meeting1_window(cal: SchoolCalendar, cycle_year: int) -> Window:
    """Second half of Summer term of Y-1 through the end of the first half of Autumn term of Y.

    When Y-1 is not in the calendar the window starts on the first day of the Autumn term of Y.
    """
    autumn = cal.year(cycle_year).autumn
    if cal.has_year(cycle_year - 1):
        start = cal.year(cycle_year - 1).summer.second_half_start
    else:
        start = autumn.start
    return Window(start=start, end=autumn.first_half_end, clause=CYCLE_CLAUSE)


def midyear_window(cal: SchoolCalendar, cycle_year: int) -> Window:
    """The Spring term of academic year Y (3.2: Meeting 2)."""
    spring = cal.year(cycle_year).spring
    return Window(start=spring.start, end=spring.end, clause=CYCLE_CLAUSE)


def midyear_escalation_date(cal: SchoolCalendar, cycle_year: int) -> date:
    """The Spring half-term start: a mid-year review not booked by then is escalated (3.2)."""
    return cal.year(cycle_year).spring.half_term_start


def governors_report_window(cal: SchoolCalendar, cycle_year: int) -> Window:
    """The Summer term of academic year Y, when the annual report to governors is due (11.3)."""
    summer = cal.year(cycle_year).summer
    return Window(start=summer.start, end=summer.end, clause=GOVERNORS_REPORT_CLAUSE)


def stage_for(d: date, cal: SchoolCalendar, cycle_year: int) -> str:
    """The 3.2 stage of cycle ``cycle_year`` on date ``d``.

    Before the Meeting 1 window: "preparation"; inside it: "meeting_1"; between it and the
    Spring term: "administration"; during the Spring term: "meeting_2"; after it (to the end of
    the cycle and beyond): "administration".
    """
    m1 = meeting1_window(cal, cycle_year)
    m2 = midyear_window(cal, cycle_year)
    if d < m1.start:
        return "preparation"
    if m1.contains(d):
        return "meeting_1"
    if d < m2.start:
        return "administration"
    if m2.contains(d):
        return "meeting_2"
    return "administration"

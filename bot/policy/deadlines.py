"""Every dated rule of the policy, computed from the dates it starts from.

Decisions where the policy is silent (each marked "our reading" below):

* 3.5: "three months" are calendar months; 30 November + 3 months is 28/29 February.
  Nudges go to the reviewer at 6 and 10 weeks after the start date.
* 3.8: "prior to the last day" becomes a review due 15 working days before the last day.
* 9.1: "within 10 days" are calendar days from the day the report is received.
* 9.5: working days exclude weekends, England & Wales bank holidays and closure days; the
  day of receipt is not counted. Reminders go 5 and 2 working days before the deadline.
* 10.3: "the current review year and then 5 years": the cycle's year ends 31 August Y+1, so
  forms of cycle Y are kept until 31 August Y+6.
* Administration after a meeting (3.2) is escalated 10 working days after the meeting.
* Preparation (5.1, Annex 2): the colleague is nudged 3 and 1 working days before, the reviewer
  2 working days before; the agenda goes out 1 working day before.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

from bot.policy.workdays import WorkingDays

JOINER_PLANNING_MONTHS = 3  # Policy 3.5 (2nd): initial planning within three months of start
JOINER_NUDGE_WEEKS = (6, 10)  # our reading of 3.5: reminders before the 3-month deadline
INFORMAL_RESOLUTION_DAYS = 10  # Policy 9.1: within 10 days of receiving the report
APPEAL_HEARING_WORKING_DAYS = 15  # Policy 9.5: within 15 working days of the written appeal
APPEAL_REMINDER_WORKING_DAYS = (5, 2)  # our reading of 9.5: reminders before the deadline
RETENTION_YEARS = 5  # Policy 10.3: the current review year and then 5 years
LEAVER_REVIEW_WORKING_DAYS = 15  # our reading of 3.8: review before the last day
POLICY_REVIEW_YEARS = 3  # Policy 11.1: reviewed at least every three years
FORM_COMPLETION_WORKING_DAYS = 10  # our reading of 3.2 "Administration" after a meeting
PREP_NUDGE_WORKING_DAYS = (3, 1)  # Policy 5.1 / Annex 2: colleague prepares
REVIEWER_PREP_WORKING_DAYS = 2  # Policy 5.1 / Annex 2: reviewer's checklist
AGENDA_WORKING_DAYS = 1  # Policy 5.5-5.6: the agenda for both parts of the meeting

POLICY_DATE = date(2019, 7, 25)  # approved by Trust Board on 25 July 2019
POLICY_VERSION = "2019-07-25"


@dataclass(frozen=True)
class Deadline:
    due: date
    clause: str
    label: str


def add_months(d: date, months: int) -> date:
    """``d`` plus calendar months, clamped to the last day of the target month."""
    month_index = d.month - 1 + months
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    day = min(d.day, _calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_years(d: date, years: int) -> date:
    """``d`` plus calendar years; 29 February becomes 28 February in a common year."""
    return add_months(d, 12 * years)


def joiner_planning_deadline(start: date) -> Deadline:
    """Policy 3.5 (2nd): initial performance planning within three months of the start date."""
    return Deadline(
        add_months(start, JOINER_PLANNING_MONTHS),
        "3.5",
        "Initial performance planning for a new colleague",
    )


def joiner_nudge_dates(start: date) -> tuple[date, date]:
    """Reminders to plan with a new joiner: 6 and 10 weeks after the start date (3.5)."""
    first, second = JOINER_NUDGE_WEEKS
    return (start + timedelta(weeks=first), start + timedelta(weeks=second))


def informal_resolution_deadline(report_received: date) -> Deadline:
    """Policy 9.1: raise concerns with the reviewer within 10 days of receiving the report."""
    return Deadline(
        report_received + timedelta(days=INFORMAL_RESOLUTION_DAYS),
        "9.1",
        "Talk to your reviewer about any disagreement with your report",
    )


def appeal_hearing_deadline(appeal_received: date, workdays: WorkingDays) -> Deadline:
    """Policy 9.5: the hearing within 15 working days of receipt of the written appeal."""
    return Deadline(
        workdays.add(appeal_received, APPEAL_HEARING_WORKING_DAYS),
        "9.5",
        "Appeal hearing",
    )


def appeal_reminder_dates(appeal_received: date, workdays: WorkingDays) -> tuple[date, date]:
    """Reminders 5 and 2 working days before the 9.5 hearing deadline."""
    due = appeal_hearing_deadline(appeal_received, workdays).due
    first, second = APPEAL_REMINDER_WORKING_DAYS
    return (workdays.subtract(due, first), workdays.subtract(due, second))


def cycle_year_end(cycle_year: int) -> date:
    """The last day of the cycle's academic year (3.2: September to August)."""
    return date(cycle_year + 1, 8, 31)


def retain_until(cycle_year: int) -> date:
    """Policy 10.3: the end of the cycle's review year (31 Aug Y+1) plus 5 years."""
    return add_years(cycle_year_end(cycle_year), RETENTION_YEARS)


def leaver_review_date(last_day: date, workdays: WorkingDays) -> Deadline:
    """Policy 3.8: review objectives before maternity leave or the last day of service."""
    return Deadline(
        workdays.subtract(last_day, LEAVER_REVIEW_WORKING_DAYS),
        "3.8",
        "Review objectives before leave or the last day of service",
    )


def policy_review_due(policy_date: date = POLICY_DATE) -> Deadline:
    """Policy 11.1: the policy is reviewed at least every three years."""
    return Deadline(add_years(policy_date, POLICY_REVIEW_YEARS), "11.1", "Review the policy")


def form_completion_escalation(meeting_day: date, workdays: WorkingDays) -> Deadline:
    """Policy 3.2 Administration: an unfinished form escalates 10 working days after the meeting."""
    return Deadline(
        workdays.add(meeting_day, FORM_COMPLETION_WORKING_DAYS),
        "3.2",
        "Complete the Planning & Review Form",
    )


def prep_nudge_dates(meeting_day: date, workdays: WorkingDays) -> tuple[date, date]:
    """Colleague preparation nudges 3 and 1 working days before the meeting (5.1, Annex 2)."""
    first, second = PREP_NUDGE_WORKING_DAYS
    return (workdays.subtract(meeting_day, first), workdays.subtract(meeting_day, second))


def reviewer_prep_date(meeting_day: date, workdays: WorkingDays) -> date:
    """The reviewer's preparation reminder, 2 working days before the meeting (5.1, Annex 2)."""
    return workdays.subtract(meeting_day, REVIEWER_PREP_WORKING_DAYS)


def agenda_date(meeting_day: date, workdays: WorkingDays) -> date:
    """The agenda goes to both parties 1 working day before the meeting (5.5-5.6)."""
    return workdays.subtract(meeting_day, AGENDA_WORKING_DAYS)

"""Retention of everything personal Cadence stores (Policy 10.1, 10.3; UK GDPR Art. 5(1)(e)).

Planning & Review Forms of the cycle that starts in academic year Y are kept until 31 August
Y+6: the current review year (to 31 August Y+1) and then 5 years. A legal hold stops a purge.

Every other table that holds personal data has its own rule, listed in ``RULES`` (one row per
table: what it holds, why it is kept, how long, the clause). The README's retention table is
checked against this list by a test, and a test asserts that every table of the schema is either
in it or named in ``NOT_PERSONAL``. The nightly purge (bot.documents.retention) applies each rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.policy.calendar import academic_year_of
from bot.policy.deadlines import RETENTION_YEARS, cycle_year_end, retain_until

RETENTION_CLAUSE = "10.3"

# Periods where the policy leaves the number to us (our reading; written in the README too).
SENT_NOTICE_DAYS = 90  # a sent (or cancelled, failed) notice: long enough to answer "did I get it?"
FINISHED_DIALOG_DAYS = 1  # a finished conversation's answers: the night after the record was saved
UNFINISHED_DIALOG_DAYS = 365  # a conversation nobody touched for a year is abandoned
FILE_OFFER_HOURS = 24  # a document offered in Teams and not accepted

__all__ = ["FILE_OFFER_HOURS", "FINISHED_DIALOG_DAYS", "NOT_PERSONAL", "RETENTION_CLAUSE", "RETENTION_YEARS",
           "RULES", "SENT_NOTICE_DAYS", "UNFINISHED_DIALOG_DAYS", "RetentionRule", "cycle_year_end",
           "is_due_for_purge", "record_cutoff", "retain_until"]


@dataclass(frozen=True)
class RetentionRule:
    table: str
    what: str
    why: str
    how_long: str
    clause: str
    owner: str = ""  # the issue / helper that owns the table, when it is not the records code


_WITH_FORM = "with the form"
RULES: tuple[RetentionRule, ...] = (
    RetentionRule("review", "the Planning & Review Form (Annex 1)", "the record the policy requires",
                  "31 August of the sixth year after the cycle began (the review year + 5 years), once HR was "
                  "told 30 days before", "10.3"),
    RetentionRule("meeting", "meetings of a review (time, place)", "part of the form's record", _WITH_FORM, "10.3"),
    RetentionRule("preparation_answer", "Annex 2 preparation answers, both sides", "brought to the meeting",
                  _WITH_FORM, "10.3"),
    RetentionRule("objective", "objectives and success criteria", "part of the form", _WITH_FORM, "10.3"),
    RetentionRule("milestone", "milestones of an objective", "part of the form (7.3)", _WITH_FORM, "10.3"),
    RetentionRule("objective_progress", "mid-year comments and end-of-year outcomes", "part of the form",
                  _WITH_FORM, "10.3"),
    RetentionRule("coop_reflection", "Ways of Being Co-op reflections", "part of the form (Annex 3)",
                  _WITH_FORM, "10.3"),
    RetentionRule("training_need", "training and development needs", "part of the form (8.1)", _WITH_FORM, "10.3"),
    RetentionRule("input_request", "other line managers' input", "part of the review (4.1)", _WITH_FORM, "10.3"),
    RetentionRule("review_exception", "an exception to the cycle's order, its reason and who recorded it",
                  "printed on the form (3.2, 3.8)", _WITH_FORM, "10.3"),
    RetentionRule("moderation_check", "the head's record that the 4.4 sample was checked, with their note",
                  "moderation of delegated reviewing (4.4)",
                  "as long as the forms of that cycle: 31 August of the sixth year after it began", "4.4, 10.3"),
    RetentionRule("signature", "who signed which part, when, on which channel", "the form's sign-off",
                  _WITH_FORM + " (a plan's with the plan)", "10.3"),
    RetentionRule("appeal", "appeals against a review", "part of the review's record (9)", _WITH_FORM, "10.3"),
    RetentionRule("support_plan", "support plans and Improvement Action Plans", "the informal route (7.4, "
                  "Annex 4)", "with the form of their cycle; a plan with no form: 31 August of the sixth year "
                  "after the academic year it was written in", "10.3"),
    RetentionRule("plan_action", "a plan's actions", "part of the plan", "with the plan", "10.3"),
    RetentionRule("plan_action_review", "a plan's action reviews", "part of the plan", "with the plan", "10.3"),
    RetentionRule("check_in", "wellbeing check-ins", "the colleague's one-to-ones (3.3)",
                  "with the form of that academic year; at the latest 31 August of the sixth year after it", "3.3, 10.3"),
    RetentionRule("dialog_session", "a conversation's answers while it runs", "so nothing typed is lost",
                  f"finished: the night after (the answers are in the record by then); unfinished: "
                  f"{UNFINISHED_DIALOG_DAYS} days after the last answer", "10.1"),
    RetentionRule("reminder", "notices sent, due or cancelled (the outbox)", "to deliver them and answer "
                  "\"was I told?\"", f"pending until sent; then {SENT_NOTICE_DAYS} days (a review's go with it if sooner); "
                  "HR's notice that a form will be deleted stays until the form goes",
                  "10.1"),
    RetentionRule("audit_event", "who read, exported or changed a record", "the access log the colleague may see "
                  "(10.1)", "31 August of the sixth year after the academic year of the event (as long as the "
                  "form it is about); the purge's tombstones, which name nobody, are kept", "10.1, 10.3"),
    RetentionRule("conversation_reference", "how to reach a person in Slack or Teams", "to deliver reminders",
                  "until the person leaves the roster (last day passed or marked inactive)", "10.1"),
    RetentionRule("file_offer", "a document offered in Teams, not yet accepted", "so any worker can upload it",
                  f"{FILE_OFFER_HOURS} hours, or until accepted or declined", "10.1"),
    RetentionRule("person", "roster details (name, email, job, platform ids, adjustments)", "to run the cycle",
                  "while employed; after leaving, while a record of their own is kept; then only their name, while others' "
                  "kept records name them (a form they reviewed); then nothing",
                  "10.3"),
    RetentionRule("line_management", "who manages whom", "routing and access (4.1, 10.2)", "with the person",
                  "10.2"),
    RetentionRule("role_grant", "who is headteacher, HR, governor", "access (10.4)", "with the person", "10.4"),
    RetentionRule("inbound_event", "platform ids of Slack events / Teams activities already handled (no "
                  "names or text)", "so a retry is applied once", "2 days, swept nightly by its owner "
                  "(store/repos/inbound.py)", "10.1", owner="issue 15"),
)

NOT_PERSONAL: dict[str, str] = {
    "organisation": "the trust's academies and teams",
    "cycle": "an organisation's cycle year and policy version",
    "alembic_version": "the schema's version",
    "plan_change": "the planner's change counters per person id (numbers and a date, no name or text; a row "
                   "whose person is gone identifies nobody)",
    "planning_pass": "the last planning pass's fingerprint",
}


def is_due_for_purge(retain_until_date: date, today: date, legal_hold: bool = False) -> bool:
    """True the day after ``retain_until_date`` unless a legal hold applies (10.3)."""
    return not legal_hold and today > retain_until_date


def record_cutoff(today: date) -> date:
    """The first day whose records are still kept: anything dated before it belongs to an
    academic year whose retention (31 August of the sixth year after it, 10.3) has passed."""
    last_purgeable = academic_year_of(today) - (RETENTION_YEARS + 1)
    return date(last_purgeable + 1, 9, 1)


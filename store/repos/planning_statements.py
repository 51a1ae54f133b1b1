"""The planner's SELECTs, built once, with bind parameters for what changes (as store/repos/statements.py
does for a turn's reads).

A replan of one colleague after an answer runs about seventeen small queries; building each statement
again (its columns, comparisons and cache key) cost as much CPU as SQLite took to run it (bench
section 3, "one answer's replan", bench/causes.py). A full pass runs the same statements once per batch
of 500. Each function builds its statement on first use; ``:ids`` is an expanding parameter.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, or_
from sqlmodel import select

from store.models import (
    Appeal,
    CheckIn,
    Cycle,
    LineManagement,
    Meeting,
    Person,
    PlanAction,
    PlanActionReview,
    PlanChange,
    PreparationAnswer,
    Reminder,
    Review,
    Signature,
    SupportPlan,
)
from store.repos.base import _PLANNER_COLUMNS, _PLANNING_PERSON_COLUMNS, _PLANNING_REVIEW_COLUMNS


def _ids(name: str = "ids") -> Any:
    return bindparam(name, expanding=True)


@cache
def review_page() -> Any:
    """The next ``:limit`` reviews after ``:after`` (keyset), light, with their cycle years."""
    return (select(*_PLANNING_REVIEW_COLUMNS, Cycle.year.label("cycle_year"))  # type: ignore[call-overload]
            .join(Cycle, Cycle.id == Review.cycle_id)
            .where(Review.id > bindparam("after")).order_by(Review.id).limit(bindparam("limit")))  # type: ignore[operator]


@cache
def reviews_of_colleagues() -> Any:
    """The reviews of ``:ids`` colleagues, light, with their cycle years."""
    return (select(*_PLANNING_REVIEW_COLUMNS, Cycle.year.label("cycle_year"))  # type: ignore[call-overload]
            .join(Cycle, Cycle.id == Review.cycle_id)
            .where(Review.colleague_id.in_(_ids())).order_by(Review.id))  # type: ignore[attr-defined]


@cache
def person_page() -> Any:
    return (select(*_PLANNING_PERSON_COLUMNS).where(Person.id > bindparam("after"))  # type: ignore[call-overload, operator]
            .order_by(Person.id).limit(bindparam("limit")))


@cache
def people() -> Any:
    return select(*_PLANNING_PERSON_COLUMNS).where(Person.id.in_(_ids()))  # type: ignore[call-overload, union-attr]


@cache
def lead_managers() -> Any:
    """The line managers of ``:ids`` reports, the lead first (Policy 4.1)."""
    return (select(LineManagement.report_id, LineManagement.manager_id)  # type: ignore[call-overload]
            .where(LineManagement.report_id.in_(_ids()))  # type: ignore[attr-defined]
            .order_by(LineManagement.is_lead.desc(), LineManagement.id))  # type: ignore[attr-defined]


@cache
def meetings() -> Any:
    return (select(Meeting.id, Meeting.review_id, Meeting.kind, Meeting.starts_at, Meeting.status,  # type: ignore[call-overload]
                   Meeting.scheduled_at)
            .where(Meeting.review_id.in_(_ids())).order_by(Meeting.starts_at))  # type: ignore[attr-defined]


@cache
def live_meeting_kinds() -> Any:
    return select(Meeting.review_id, Meeting.kind).where(
        Meeting.review_id.in_(_ids()), Meeting.status.in_(("scheduled", "held")))  # type: ignore[attr-defined]


@cache
def answer_counts() -> Any:
    """How many non-empty preparation answers ``:side`` gave on each of ``:ids`` reviews."""
    return (select(PreparationAnswer.review_id, func.count())
            .where(PreparationAnswer.review_id.in_(_ids()), PreparationAnswer.side == bindparam("side"),  # type: ignore[attr-defined]
                   PreparationAnswer.answer != "")
            .group_by(PreparationAnswer.review_id))


@cache
def signature_parts() -> Any:
    return select(Signature.subject_id, Signature.part, Signature.role).where(
        Signature.subject_type == "review", Signature.subject_id.in_(_ids()))  # type: ignore[attr-defined]


@cache
def appeals() -> Any:
    return select(Appeal).where(Appeal.review_id.in_(_ids()))  # type: ignore[attr-defined]


@cache
def dialog_meeting_notices() -> Any:
    """(review, recipient, key) of the meeting notices the booking dialog wrote for ``:ids`` reviews."""
    return select(Reminder.review_id, Reminder.recipient_id, Reminder.dedupe_key).where(
        Reminder.kind == "meeting_notice", Reminder.review_id.in_(_ids()),  # type: ignore[union-attr]
        Reminder.dedupe_key.like("meeting:%"))  # type: ignore[attr-defined]


@cache
def appeals_told() -> Any:
    """The written-appeal dialog's own notices to the handler (Policy 9.5) for ``:ids`` reviews."""
    return select(Reminder.dedupe_key).where(Reminder.kind == "appeal_hearing_deadline",  # type: ignore[call-overload]
                                             Reminder.review_id.in_(_ids()),  # type: ignore[union-attr]
                                             Reminder.dedupe_key.like("appeal:%:written:%"))  # type: ignore[attr-defined]


@cache
def cycle_rows() -> Any:
    return (select(Review.id, Review.colleague_id, Review.reviewer_id, Review.planning_submitted_at,  # type: ignore[call-overload]
                   Review.midyear_submitted_at, Review.eoy_submitted_at, Review.stage, Cycle.year)
            .join(Cycle, Cycle.id == Review.cycle_id).where(Review.colleague_id.in_(_ids())))  # type: ignore[attr-defined]


@cache
def last_checkins() -> Any:
    return (select(CheckIn.person_id, func.max(CheckIn.created_at))
            .where(CheckIn.person_id.in_(_ids())).group_by(CheckIn.person_id))  # type: ignore[attr-defined]


@cache
def support_plans() -> Any:
    return select(SupportPlan).where(SupportPlan.colleague_id.in_(_ids()))  # type: ignore[attr-defined]


@cache
def plan_actions() -> Any:
    return select(PlanAction).where(PlanAction.plan_id.in_(_ids()))  # type: ignore[attr-defined]


@cache
def plan_action_reviews() -> Any:
    return select(PlanActionReview).where(PlanActionReview.action_id.in_(_ids()))  # type: ignore[attr-defined]


@cache
def plan_change_versions() -> Any:
    return select(PlanChange.person_id, PlanChange.version).where(PlanChange.person_id.in_(_ids()))  # type: ignore[attr-defined]


@cache
def planner_rows_by_keys() -> Any:
    """The planner's light rows of ``:keys`` (SQLite; PostgreSQL binds one array instead)."""
    return select(*_PLANNER_COLUMNS).where(Reminder.dedupe_key.in_(_ids("keys")))  # type: ignore[call-overload, attr-defined]


_SCOPES = {
    "reviews": lambda: and_(Reminder.review_id.in_(_ids("review_ids")),  # type: ignore[union-attr]
                            Reminder.dedupe_key.like("plan:review:%")),  # type: ignore[attr-defined]
    "people": lambda: and_(Reminder.subject_person_id.in_(_ids("person_ids")),  # type: ignore[union-attr]
                           Reminder.dedupe_key.like("plan:person:%")),  # type: ignore[attr-defined]
}


@cache
def scope_rows(of_reviews: bool, of_people: bool) -> Any:
    """Planner rows (id, key, status) of ``:review_ids`` reviews' scope, ``:person_ids`` people's, or both."""
    scopes = [make() for name, make in _SCOPES.items() if (of_reviews if name == "reviews" else of_people)]
    return select(Reminder.id, Reminder.dedupe_key, Reminder.status).where(or_(*scopes))

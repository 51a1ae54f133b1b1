"""The SELECTs every turn runs, built once, with bind parameters for what changes.

Building a statement (its columns, joins and comparisons) cost more CPU than SQLite took to run it:
a ``status`` answer spent half its Python time constructing its ten SELECTs again (bench section 6,
bench/causes.py). Each function here builds its statement on first use and gives the same object
back after; callers pass the values as parameters (``s.exec(statement, params={...})``). A list is
an expanding parameter (``IN (...)`` of any length, empty included).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import select

from store.models import (
    Appeal,
    Cycle,
    DialogSession,
    LineManagement,
    Meeting,
    Objective,
    Organisation,
    Person,
    PreparationAnswer,
    Review,
    ReviewException,
    RoleGrant,
    Signature,
)

REVIEWER, REVIEWER_ORG = aliased(Person, name="reviewer"), aliased(Organisation, name="reviewer_org")


def _ids(name: str = "ids") -> Any:
    return bindparam(name, expanding=True)


def platform_key(channel: str, platform_user_id: str) -> tuple[str, str]:
    """Which column a platform's user id is matched on, and the value to match: Slack and Teams ids
    as given, any other channel's (the console, email) an email, case-blind."""
    if channel in ("slack", "teams"):
        return channel, platform_user_id
    return "email", platform_user_id.strip().lower()


@cache
def context(match: str, with_session: bool) -> Any:
    """One person (``:key`` on ``match``: id, slack, teams or email) with organisation, roles and line
    managers (a row per role and line manager), and with ``with_session`` their newest active session."""
    key = bindparam("key")
    where = {"id": Person.id == key, "slack": Person.slack_user_id == key, "teams": Person.teams_user_id == key,
             "email": func.lower(Person.email) == key}[match]
    entities: list[Any] = [Person, Organisation, RoleGrant.role, LineManagement]
    q = select(*entities)
    if with_session:
        newest = (select(DialogSession.id)
                  .where(DialogSession.person_id == Person.id, DialogSession.status == "active")
                  .order_by(DialogSession.updated_at.desc())  # type: ignore[attr-defined]
                  .limit(1).correlate(Person).scalar_subquery())
        q = select(*entities, DialogSession).outerjoin(DialogSession, DialogSession.id == newest)  # type: ignore[arg-type]
    return (q.join(Organisation, Organisation.id == Person.organisation_id)  # type: ignore[arg-type]
            .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)  # type: ignore[arg-type]
            .outerjoin(LineManagement, LineManagement.report_id == Person.id)  # type: ignore[arg-type]
            .where(where).order_by(Person.id, LineManagement.id))  # type: ignore[arg-type]


@cache
def people_with_organisations() -> Any:
    """``:ids`` people with their organisations."""
    return (select(Person, Organisation).join(Organisation, Organisation.id == Person.organisation_id)  # type: ignore[arg-type]
            .where(Person.id.in_(_ids())))  # type: ignore[union-attr]


@cache
def appeals_of_reviews() -> Any:
    return select(Appeal).where(Appeal.review_id.in_(_ids())).order_by(Appeal.id)  # type: ignore[attr-defined]


@cache
def review_signatures() -> Any:
    return select(Signature).where(Signature.subject_type == "review",
                                   Signature.subject_id.in_(_ids()))  # type: ignore[attr-defined]


@cache
def meetings_of_reviews() -> Any:
    return (select(Meeting).where(Meeting.review_id.in_(_ids()))  # type: ignore[attr-defined]
            .order_by(Meeting.starts_at, Meeting.id))


@cache
def exceptions_of_reviews() -> Any:
    return (select(ReviewException).where(ReviewException.review_id.in_(_ids()))  # type: ignore[attr-defined]
            .order_by(ReviewException.recorded_at, ReviewException.id))  # type: ignore[arg-type]


@cache
def objectives_of_reviews() -> Any:
    return (select(Objective).where(Objective.review_id.in_(_ids()))  # type: ignore[attr-defined]
            .order_by(Objective.number))


@cache
def preparation_answers_of_reviews() -> Any:
    return (select(PreparationAnswer).where(PreparationAnswer.review_id.in_(_ids()))  # type: ignore[attr-defined]
            .order_by(PreparationAnswer.id))


@cache
def open_sessions_of_people() -> Any:
    """The active or paused dialog sessions of ``:ids`` people, newest first."""
    return (select(DialogSession)
            .where(DialogSession.person_id.in_(_ids()),  # type: ignore[attr-defined]
                   DialogSession.status.in_(("active", "paused")))  # type: ignore[attr-defined]
            .order_by(DialogSession.updated_at.desc()))  # type: ignore[attr-defined]


@cache
def reviews_of_or_by() -> Any:
    """Every review ``:person`` is the colleague or the reviewer of, newest year first, with the year,
    the reviewer and their organisation, and how many objectives each has."""
    person = bindparam("person")
    objective_count = (select(func.count(Objective.id)).where(Objective.review_id == Review.id)  # type: ignore[arg-type]
                       .correlate(Review).scalar_subquery())
    return (select(Review, Cycle.year, REVIEWER, REVIEWER_ORG, objective_count)
            .join(Cycle, Cycle.id == Review.cycle_id)  # type: ignore[arg-type]
            .outerjoin(REVIEWER, REVIEWER.id == Review.reviewer_id)  # type: ignore[arg-type]
            .outerjoin(REVIEWER_ORG, REVIEWER_ORG.id == REVIEWER.organisation_id)  # type: ignore[arg-type]
            .where(or_(Review.colleague_id == person, Review.reviewer_id == person))
            .order_by(Cycle.year.desc(), Review.id))  # type: ignore[attr-defined]


@cache
def direct_reports() -> Any:
    """The people ``:manager`` line-manages, by name."""
    return (select(Person).join(LineManagement, LineManagement.report_id == Person.id)  # type: ignore[arg-type]
            .where(LineManagement.manager_id == bindparam("manager")).order_by(Person.name))


@cache
def reviews_of_colleagues() -> Any:
    """The reviews of ``:ids`` colleagues with their years, newest year first."""
    return (select(Review, Cycle.year).join(Cycle, Cycle.id == Review.cycle_id)  # type: ignore[arg-type]
            .where(Review.colleague_id.in_(_ids()))  # type: ignore[attr-defined]
            .order_by(Cycle.year.desc(), Review.id))  # type: ignore[attr-defined]


@cache
def appeals_for_status(of_reviews: bool) -> Any:
    """The appeals ``:person`` handles or hears at ``:stages``, and with ``of_reviews`` those of ``:ids``
    reviews too."""
    person = bindparam("person")
    handled = and_(or_(Appeal.handler_id == person, Appeal.hearing_by_id == person),
                   Appeal.stage.in_(_ids("stages")))  # type: ignore[attr-defined]
    where = or_(Appeal.review_id.in_(_ids()), handled) if of_reviews else handled  # type: ignore[attr-defined]
    return select(Appeal).where(where).order_by(Appeal.id)

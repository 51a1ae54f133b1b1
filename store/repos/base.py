"""What every repository shares: the database handle, the insert-or-update behind each typed
``save_<thing>`` and the query helpers several repositories use."""


from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy.orm import aliased
from sqlmodel import SQLModel, select

from store.db import Database
from store.models import (
    Cycle,
    LineManagement,
    Organisation,
    Person,
    Reminder,
    Review,
)
from store.repos import statements
from store.repos.values import (
    PersonContext,
    ReviewSnapshot,
)

Row = TypeVar("Row", bound=SQLModel)


class RepoBase:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _save(self, row: Row) -> Row:
        """Insert or update one row and give back the stored copy. Private: each repository offers a
        typed ``save_<thing>`` for the rows of its aggregate."""
        async with self.db.transaction() as s:
            if hasattr(row, "updated_at"):
                row.updated_at = _now()
            merged = await s.merge(row)
            await s.flush()
            await s.refresh(merged)
            return merged


def _now() -> datetime:
    return datetime.now(UTC)


_PLANNER_COLUMNS = (Reminder.id, Reminder.dedupe_key, Reminder.status, Reminder.kind, Reminder.recipient_id,
                    Reminder.subject, Reminder.body, Reminder.deadline, Reminder.clause, Reminder.action,
                    Reminder.escalation_level, Reminder.subject_person_id, Reminder.review_id)


_PLANNING_REVIEW_COLUMNS = (Review.id, Review.colleague_id, Review.reviewer_id, Review.delegated,
                            Review.planning_submitted_at, Review.midyear_submitted_at, Review.eoy_submitted_at,
                            Review.report_delivered_on, Review.retain_until)


_PLANNING_PERSON_COLUMNS = (Person.id, Person.name, Person.organisation_id, Person.active, Person.employment_type,
                            Person.extended_agency, Person.on_induction, Person.in_capability, Person.start_date,
                            Person.contract_end, Person.last_day, Person.leave_start, Person.leadership_role,
                            Person.checkin_cadence, Person.legal_hold)


async def _fill_snapshot(s: Any, snap: ReviewSnapshot, person_ids: Iterable[int], *,
                         objectives_for: Sequence[int] = (), sessions_for: Sequence[int] = (),
                         appeals_read: bool = False) -> None:
    """The rows about ``snap.reviews``, one query per kind and only where a row could matter: their
    appeals (unless read already); the people named (colleagues, reviewers, appeal handlers and
    ``person_ids``, but not those in ``snap.people`` already) with their organisations; signatures, for
    a review with a part submitted (only those are signed, Annex 1); meetings; the objectives of
    ``objectives_for``; and for a review still in preparation its Annex 2 answers and, for
    ``sessions_for``, the colleague's open or paused dialog sessions (answers not yet saved)."""
    ids = sorted(snap.reviews)
    if ids and not appeals_read:
        for appeal in (await s.exec(statements.appeals_of_reviews(), params={"ids": ids})).all():
            snap.appeals.setdefault(appeal.review_id, []).append(appeal)
    wanted = set(person_ids)
    for review in snap.reviews.values():
        wanted.add(review.colleague_id)
        if review.reviewer_id:
            wanted.add(review.reviewer_id)
    for appeals in snap.appeals.values():
        wanted.update(i for a in appeals for i in (a.hearing_by_id, a.handler_id) if i)
    snap.people.update(await _people_with_organisations(s, sorted(wanted - set(snap.people))))
    if not ids:
        return
    submitted = [r.id for r in snap.reviews.values()
                 if r.planning_submitted_at or r.midyear_submitted_at or r.eoy_submitted_at]
    if submitted:
        for signature in (await s.exec(statements.review_signatures(), params={"ids": submitted})).all():
            snap.signatures.setdefault(signature.subject_id, []).append(signature)
    for meeting in (await s.exec(statements.meetings_of_reviews(), params={"ids": ids})).all():
        snap.meetings.setdefault(meeting.review_id, []).append(meeting)
    for row in (await s.exec(statements.exceptions_of_reviews(), params={"ids": ids})).all():
        snap.exceptions.setdefault(row.review_id, []).append(row)
    if objectives_for:
        for objective in (await s.exec(statements.objectives_of_reviews(), params={"ids": list(objectives_for)})).all():
            snap.objectives.setdefault(objective.review_id, []).append(objective)
    preparing = [r for r in snap.reviews.values()
                 if r.stage in ("preparation", "planning") and r.planning_submitted_at is None]
    if not preparing:
        return
    q_answers = statements.preparation_answers_of_reviews()
    for answer in (await s.exec(q_answers, params={"ids": [r.id for r in preparing]})).all():
        snap.answers.setdefault(answer.review_id, []).append(answer)
    colleagues = {r.colleague_id for r in preparing if r.id in set(sessions_for)}
    if not colleagues:
        return
    active: set[int] = set()
    for session in (await s.exec(statements.open_sessions_of_people(), params={"ids": sorted(colleagues)})).all():
        if session.status == "active":
            if session.person_id in active:
                continue  # as active_session: only the newest active one
            active.add(session.person_id)
            snap.sessions.setdefault(session.person_id, []).insert(0, session)
        else:
            snap.sessions.setdefault(session.person_id, []).append(session)


async def _context_of(s: Any, match: str, key: Any, *, with_session: bool = False) -> tuple[PersonContext | None, Any]:
    """One person (``match``: id, slack, teams or email equal to ``key``) with organisation, roles and
    line managers in one query (a row per role and line manager), and with ``with_session`` their
    newest active dialog session."""
    rows = (await s.exec(statements.context(match, with_session), params={"key": key})).all()
    if not rows:
        return None, None
    person, org = rows[0][0], rows[0][1]
    mine = [row for row in rows if row[0].id == person.id]
    roles = frozenset(row[2] for row in mine if row[2] is not None)
    lms: dict[int, LineManagement] = {}
    for row in mine:
        if row[3] is not None:
            lms.setdefault(row[3].id, row[3])
    managers = list(lms.values())
    lead = next((lm.manager_id for lm in managers if lm.is_lead), managers[0].manager_id if managers else None)
    context = PersonContext(person, org, roles, tuple(lm.manager_id for lm in managers), lead)
    return context, (rows[0][4] if with_session else None)


async def _people_with_organisations(s: Any, ids: list[int]) -> dict[int, tuple[Person, Organisation]]:
    if not ids:
        return {}
    return {p.id: (p, o) for p, o in (await s.exec(statements.people_with_organisations(), params={"ids": ids})).all()}


@lru_cache(maxsize=1)
def _delegated_statements_query() -> Any:
    from sqlalchemy import bindparam

    colleague, reviewer = aliased(Person), aliased(Person)
    return (select(Cycle.year, Review.id, colleague.name, reviewer.name)  # type: ignore[call-overload]
            .join(Cycle, Cycle.id == Review.cycle_id)
            .join(colleague, colleague.id == Review.colleague_id)
            .join(reviewer, reviewer.id == Review.reviewer_id)
            .where(Cycle.organisation_id == bindparam("organisation_id"), Review.delegated == True,  # noqa: E712
                   Review.planning_submitted_at.is_not(None)))  # type: ignore[union-attr]


@lru_cache(maxsize=4)
def _pg_unnest_insert(names: tuple[str, ...]) -> Any:
    """INSERT INTO reminder (...) SELECT * FROM unnest(one array per column) ON CONFLICT DO NOTHING:
    one statement per planning batch on PostgreSQL, its text the same for every batch."""
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    columns = Reminder.__table__.c  # type: ignore[attr-defined]
    dialect = postgresql.dialect()
    arrays = ", ".join(f"CAST(:{n} AS {columns[n].type.compile(dialect=dialect)}[])" for n in names)
    return text(f"INSERT INTO reminder ({', '.join(names)}) SELECT * FROM unnest({arrays}) "
                "ON CONFLICT (dedupe_key) DO NOTHING")


def _dialect_insert(db: Database) -> Any:
    if db.is_postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert

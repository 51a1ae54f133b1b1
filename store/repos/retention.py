"""The SQL of the retention sweep: every personal table but the forms (store.repos.records.Records.purge_review).

One function, ``sweep``, counts (dry run) or deletes, in the caller's transaction, what each rule
of ``bot.policy.retention.RULES`` says has gone past its time. The rules' numbers come in as
``Cutoffs``; the policy's reasons live there, the SQL here. A person under a legal hold keeps
everything: every statement excludes rows that belong to (or are about) someone held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, Table, and_, cast, delete, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from store.models import (
    AuditEvent,
    CheckIn,
    ConversationReference,
    DialogSession,
    FileOffer,
    Person,
    PlanAction,
    PlanActionReview,
    Reminder,
    Signature,
    SupportPlan,
)

FINISHED = ("done", "cancelled")
UNFINISHED = ("active", "paused")
SETTLED_NOTICES = ("sent", "cancelled", "failed")
RETENTION_NOTICE = "retention_expiry"

# Tables whose rows about a person go with the person's roster row; any other table that names
# the person (a review they conducted, a plan they wrote, a signature) keeps the row alive.
GOES_WITH_PERSON = ("line_management", "role_grant", "conversation_reference", "dialog_session", "reminder",
                    "check_in", "file_offer")
# A leaver's own records: while one is kept, so is their whole roster row (the form shows it).
OWN_RECORDS = (("review", "colleague_id"), ("support_plan", "colleague_id"), ("appeal", "colleague_id"))
FORMER = "@former.cadence.invalid"  # the email of a leaver kept only as a name on others' records


@dataclass(frozen=True)
class Cutoffs:
    """Everything dated before these goes (each from a rule in bot.policy.retention)."""

    today: date  # a person whose last day is before today has left
    records: datetime  # 10.3: the academic years whose retention is over
    finished_dialogs: datetime
    unfinished_dialogs: datetime
    settled_notices: datetime
    file_offers: datetime


def _held() -> Any:
    return select(Person.id).where(Person.legal_hold == True)  # noqa: E712


def _free(column: Any) -> Any:
    """The row is about nobody under a legal hold (or about nobody at all)."""
    return or_(column.is_(None), column.not_in(_held()))


def _left(today: date) -> Any:
    return select(Person.id).where(or_(Person.active == False, Person.last_day < today),  # noqa: E712
                                   Person.legal_hold == False)  # noqa: E712


def _rules(c: Cutoffs) -> list[tuple[str, Any, Any]]:
    """(table, model, where) for each simple rule, in an order that respects foreign keys."""
    return [
        ("dialog_session", DialogSession, and_(
            or_(and_(DialogSession.status.in_(FINISHED), DialogSession.updated_at < c.finished_dialogs),
                and_(DialogSession.status.in_(UNFINISHED), DialogSession.updated_at < c.unfinished_dialogs)),
            _free(DialogSession.person_id), _free(DialogSession.subject_person_id))),
        ("reminder", Reminder, and_(
            Reminder.status.in_(SETTLED_NOTICES),
            func.coalesce(Reminder.sent_at, Reminder.due_at) < c.settled_notices,
            # HR's notice that a form will go is the purge's evidence: it goes with the form
            or_(Reminder.kind != RETENTION_NOTICE, Reminder.review_id.is_(None)),
            _free(Reminder.recipient_id), _free(Reminder.subject_person_id))),
        ("audit_event", AuditEvent, and_(
            AuditEvent.at < c.records,
            ~and_(AuditEvent.action == "purge", AuditEvent.subject_person_id.is_(None)),  # the tombstones stay
            _free(AuditEvent.subject_person_id), _free(AuditEvent.actor_id))),
        ("check_in", CheckIn, and_(CheckIn.created_at < c.records, _free(CheckIn.person_id))),
        ("conversation_reference", ConversationReference, ConversationReference.person_id.in_(_left(c.today))),
        ("file_offer", FileOffer, FileOffer.created_at < c.file_offers),
    ]


async def _apply(s: AsyncSession, counts: dict[str, int], table: str, target: Any, where: Any,
                 dry_run: bool) -> None:
    if dry_run:
        n = (await s.execute(select(func.count()).select_from(target).where(where))).scalar_one()
    else:
        n = (await s.execute(delete(target).where(where))).rowcount or 0
    if n:
        counts[table] = counts.get(table, 0) + int(n)


async def sweep(s: AsyncSession, c: Cutoffs, *, dry_run: bool) -> dict[str, int]:
    """Count or delete what every rule says is due; the number of rows per table."""
    counts: dict[str, int] = {}
    for table, model, where in _rules(c):
        await _apply(s, counts, table, model, where, dry_run)
    await _orphan_plans(s, c, counts, dry_run)
    await _leavers(s, c, counts, dry_run)
    return counts


async def _orphan_plans(s: AsyncSession, c: Cutoffs, counts: dict[str, int], dry_run: bool) -> None:
    """Plans made outside any review (a form's own go with it) whose academic year is over."""
    ids = list((await s.execute(select(SupportPlan.id).where(
        SupportPlan.review_id.is_(None), SupportPlan.created_at < c.records,
        _free(SupportPlan.colleague_id)))).scalars())
    if not ids:
        return
    actions = select(PlanAction.id).where(PlanAction.plan_id.in_(ids))
    await _apply(s, counts, "plan_action_review", PlanActionReview, PlanActionReview.action_id.in_(actions), dry_run)
    await _apply(s, counts, "plan_action", PlanAction, PlanAction.plan_id.in_(ids), dry_run)
    await _apply(s, counts, "signature", Signature, and_(Signature.subject_type == "support_plan",
                                                         Signature.subject_id.in_(ids)), dry_run)
    if not dry_run:
        await s.execute(update(SupportPlan).where(SupportPlan.revision_of_id.in_(ids)).values(revision_of_id=None))
    await _apply(s, counts, "support_plan", SupportPlan, SupportPlan.id.in_(ids), dry_run)


def _person_columns() -> Iterable[tuple[Table, Any]]:
    """Every column of every table that points at person.id (read from the schema, so a new table
    that names a person is never forgotten)."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "person" for fk in column.foreign_keys):
                yield table, column


async def _leavers(s: AsyncSession, c: Cutoffs, counts: dict[str, int], dry_run: bool) -> None:
    """A person who has left goes once no retained record of theirs, or naming them, is left."""
    ids = set((await s.execute(_left(c.today))).scalars())
    if not ids:
        return
    cascade: dict[str, tuple[Table, list[Any]]] = {}
    own: set[int] = set()
    named: set[int] = set()
    for table, column in _person_columns():
        if table.name in GOES_WITH_PERSON:
            cascade.setdefault(table.name, (table, []))[1].append(column)
            continue
        found = set((await s.execute(select(column).where(column.in_(ids)).distinct())).scalars())
        (own if (table.name, column.name) in OWN_RECORDS else named).update(found)
    gone, minimise = ids - own - named, named - own
    for name, (table, columns) in cascade.items():
        await _apply(s, counts, name, table, or_(*(column.in_(gone | minimise) for column in columns)), dry_run)
    await _apply(s, counts, "person", Person, Person.id.in_(gone), dry_run)
    await _minimise(s, minimise, counts, dry_run)


async def _minimise(s: AsyncSession, ids: set[int], counts: dict[str, int], dry_run: bool) -> None:
    """A leaver whose own records are gone but whose name is still on others' (a form they reviewed, a
    plan they wrote): only the name stays; email, platform ids, job, dates and adjustments go."""
    where = and_(Person.id.in_(ids), Person.email.not_like(f"%{FORMER}"))
    if dry_run:
        n = (await s.execute(select(func.count()).select_from(Person).where(where))).scalar_one()
    else:
        n = (await s.execute(update(Person).where(where).values(
            email=literal("person-").concat(cast(Person.id, String)).concat(FORMER), slack_user_id=None, teams_user_id=None, job_title="",
            start_date=None, contract_end=None, leave_start=None, absent_from=None, absent_until=None,
            adjustments="", checkin_cadence="", active=False))).rowcount or 0
    if n:
        counts["person (name only kept)"] = counts.get("person (name only kept)", 0) + int(n)


async def sweep_and_record(db: Any, c: Cutoffs, *, dry_run: bool, tombstone: dict[str, Any],
                           actor_id: int | None, channel: str, actor_identity: str) -> dict[str, int]:
    """``sweep`` in one transaction; when rows went, an anonymous tombstone says how many per table."""
    async with db.transaction() as s:
        counts = await sweep(s, c, dry_run=dry_run)
        if counts and not dry_run:
            s.add(AuditEvent(actor_id=actor_id, action="purge", record_type="personal_data", record_id=None,
                             subject_person_id=None, channel=channel, actor_identity=actor_identity,
                             detail={**tombstone, "rows_deleted": counts}))
    return counts

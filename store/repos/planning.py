"""Planning reads, one batch at a time (keyset pagination: no whole-table loads)."""


from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
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
    PreparationAnswer,
    Reminder,
    Review,
    RoleGrant,
    Signature,
    SupportPlan,
)
from store.repos.base import (
    _PLANNING_PERSON_COLUMNS,
    _PLANNING_REVIEW_COLUMNS,
    RepoBase,
    _delegated_statements_query,
)


class Planning(RepoBase):
    async def dialog_meeting_notices(self, review_ids: Sequence[int]) -> list[tuple[int, int, str]]:
        """(review id, recipient id, dedupe key) of meeting notices the booking dialog wrote."""
        if not review_ids:
            return []
        async with self.db.session() as s:
            q = select(Reminder.review_id, Reminder.recipient_id, Reminder.dedupe_key).where(
                Reminder.kind == "meeting_notice", Reminder.review_id.in_(list(review_ids)),  # type: ignore[union-attr]
                Reminder.dedupe_key.like("meeting:%"))  # type: ignore[attr-defined]
            return [(rid, to, key) for rid, to, key in (await s.exec(q)).all()]

    async def review_batch(self, after_id: int, limit: int) -> list[Any]:
        """The next reviews after ``after_id`` as light rows (the columns planning reads, each review's
        cycle year as ``cycle_year``): no ORM objects, no form text."""
        async with self.db.session() as s:
            q = (select(*_PLANNING_REVIEW_COLUMNS, Cycle.year.label("cycle_year"))  # type: ignore[call-overload]
                 .join(Cycle, Cycle.id == Review.cycle_id)
                 .where(Review.id > after_id).order_by(Review.id).limit(limit))  # type: ignore[operator]
            return list((await s.execute(q)).all())

    async def person_batch(self, after_id: int, limit: int) -> list[Any]:
        """The next people after ``after_id`` as light rows (the columns planning reads)."""
        async with self.db.session() as s:
            q = select(*_PLANNING_PERSON_COLUMNS).where(Person.id > after_id).order_by(Person.id).limit(limit)  # type: ignore[call-overload, operator]
            return list((await s.execute(q)).all())

    async def planning_people(self, ids: Iterable[int]) -> dict[int, Any]:
        """These people as light rows (the columns planning reads), by id."""
        wanted = list(set(ids))
        if not wanted:
            return {}
        async with self.db.session() as s:
            q = select(*_PLANNING_PERSON_COLUMNS).where(Person.id.in_(wanted))  # type: ignore[call-overload, union-attr]
            return {r.id: r for r in (await s.execute(q)).all()}

    async def meetings_of_reviews(self, review_ids: Sequence[int]) -> dict[int, list[Any]]:
        """Light rows (id, review_id, kind, starts_at, status, scheduled_at) of these reviews' meetings."""
        out: dict[int, list[Meeting]] = {}
        if review_ids:
            async with self.db.session() as s:
                q = (select(Meeting.id, Meeting.review_id, Meeting.kind, Meeting.starts_at, Meeting.status,  # type: ignore[call-overload]
                            Meeting.scheduled_at)
                     .where(Meeting.review_id.in_(list(review_ids))).order_by(Meeting.starts_at))  # type: ignore[attr-defined]
                for m in (await s.execute(q)).all():
                    out.setdefault(m.review_id, []).append(m)
        return out

    async def answer_counts(self, review_ids: Sequence[int], side: str) -> dict[int, int]:
        if not review_ids:
            return {}
        async with self.db.session() as s:
            q = (select(PreparationAnswer.review_id, func.count())
                 .where(PreparationAnswer.review_id.in_(list(review_ids)), PreparationAnswer.side == side,  # type: ignore[attr-defined]
                        PreparationAnswer.answer != "")
                 .group_by(PreparationAnswer.review_id))
            return {rid: int(n) for rid, n in (await s.exec(q)).all()}

    async def review_signature_parts(self, review_ids: Sequence[int]) -> dict[int, set[tuple[str, str]]]:
        out: dict[int, set[tuple[str, str]]] = {}
        if review_ids:
            async with self.db.session() as s:
                q = select(Signature.subject_id, Signature.part, Signature.role).where(
                    Signature.subject_type == "review", Signature.subject_id.in_(list(review_ids)))  # type: ignore[attr-defined]
                for sid, part, role in (await s.exec(q)).all():
                    out.setdefault(sid, set()).add((part, role))
        return out

    async def appeals_of_reviews(self, review_ids: Sequence[int]) -> dict[int, list[Appeal]]:
        out: dict[int, list[Appeal]] = {}
        if review_ids:
            async with self.db.session() as s:
                for a in (await s.exec(select(Appeal).where(Appeal.review_id.in_(list(review_ids))))).all():  # type: ignore[attr-defined]
                    out.setdefault(a.review_id, []).append(a)
        return out

    async def lead_managers_of(self, person_ids: Sequence[int]) -> dict[int, int]:
        """report id -> lead line manager id (the lead, else any manager: 4.1), for these people only."""
        out: dict[int, int] = {}
        if person_ids:
            async with self.db.session() as s:
                q = (select(LineManagement.report_id, LineManagement.manager_id)  # type: ignore[call-overload]
                     .where(LineManagement.report_id.in_(list(person_ids)))  # type: ignore[attr-defined]
                     .order_by(LineManagement.is_lead.desc(), LineManagement.id))  # type: ignore[attr-defined]
                for lm in (await s.execute(q)).all():
                    out.setdefault(lm.report_id, lm.manager_id)
        return out

    async def cycle_rows_of(self, person_ids: Sequence[int]) -> list[tuple[Any, int, list[str]]]:
        """(review, cycle year, kinds of live meetings) for each review of these colleagues; the review
        is a light row (id, colleague_id, reviewer_id, planning_submitted_at, midyear_submitted_at,
        eoy_submitted_at, stage)."""
        if not person_ids:
            return []
        async with self.db.session() as s:
            q = (select(Review.id, Review.colleague_id, Review.reviewer_id, Review.planning_submitted_at,  # type: ignore[call-overload]
                        Review.midyear_submitted_at, Review.eoy_submitted_at, Review.stage, Cycle.year).join(Cycle, Cycle.id == Review.cycle_id)
                 .where(Review.colleague_id.in_(list(person_ids))))  # type: ignore[attr-defined]
            rows = [(r, r.year) for r in (await s.execute(q)).all()]
            ids = [r.id for r, _ in rows]
            kinds: dict[int, list[str]] = {}
            if ids:
                mq = select(Meeting.review_id, Meeting.kind).where(
                    Meeting.review_id.in_(ids), Meeting.status.in_(["scheduled", "held"]))  # type: ignore[attr-defined]
                for rid, kind in (await s.exec(mq)).all():
                    kinds.setdefault(rid, []).append(kind)
            return [(r, y, kinds.get(r.id or 0, [])) for r, y in rows]

    async def last_checkins(self, person_ids: Sequence[int]) -> dict[int, datetime]:
        if not person_ids:
            return {}
        async with self.db.session() as s:
            q = (select(CheckIn.person_id, func.max(CheckIn.created_at))
                 .where(CheckIn.person_id.in_(list(person_ids))).group_by(CheckIn.person_id))  # type: ignore[attr-defined]
            out: dict[int, datetime] = {}
            for pid, at in (await s.exec(q)).all():
                if isinstance(at, str):
                    at = datetime.fromisoformat(at)
                if at is not None:
                    out[pid] = at if at.tzinfo else at.replace(tzinfo=UTC)
            return out

    async def plans_of(self, person_ids: Sequence[int]) -> list[tuple[SupportPlan, list[PlanAction], list[PlanActionReview]]]:
        if not person_ids:
            return []
        async with self.db.session() as s:
            plans = (await s.exec(select(SupportPlan).where(SupportPlan.colleague_id.in_(list(person_ids))))).all()  # type: ignore[attr-defined]
            if not plans:
                return []
            actions = (await s.exec(select(PlanAction).where(
                PlanAction.plan_id.in_([p.id for p in plans])))).all()  # type: ignore[attr-defined]
            reviews = (await s.exec(select(PlanActionReview).where(
                PlanActionReview.action_id.in_([a.id for a in actions])))).all() if actions else []  # type: ignore[attr-defined]
            return [(p, [a for a in actions if a.plan_id == p.id],
                     [r for r in reviews if any(a.id == r.action_id and a.plan_id == p.id for a in actions)])
                    for p in plans]

    async def role_grants(self) -> list[RoleGrant]:
        """Every role grant (a few per organisation, not per colleague)."""
        async with self.db.session() as s:
            return list((await s.exec(select(RoleGrant))).all())

    async def delegated_statements(self, organisation_id: int) -> list[tuple[int, int, str, str]]:
        """(cycle year, review id, colleague name, reviewer name) of planning statements written by
        delegated reviewers in one organisation (4.4). Asked once per organisation per planning pass,
        so the statement is built once and bound to each organisation."""
        async with self.db.session() as s:
            rows = (await s.execute(_delegated_statements_query(), {"organisation_id": organisation_id})).all()
            return [(y, rid, cn, rn) for y, rid, cn, rn in rows]

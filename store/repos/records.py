"""Check-ins, retention (Policy 10.3) and what the exports, the overview and the governors' report read."""


from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, or_, update
from sqlmodel import select

from store import models as _m
from store.models import (
    AuditEvent,
    CheckIn,
    CoopReflection,
    Cycle,
    Meeting,
    Objective,
    ObjectiveProgress,
    Person,
    PreparationAnswer,
    Reminder,
    Review,
    Signature,
    TrainingNeed,
)
from store.repos.base import (
    RepoBase,
    _now,
)


class Records(RepoBase):
    async def checkins(self, person_id: int, limit: int = 50) -> list[CheckIn]:
        async with self.db.session() as s:
            q = select(CheckIn).where(CheckIn.person_id == person_id).order_by(CheckIn.created_at.desc()).limit(limit)  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    async def retention_candidates(self, today: date, default_cutoff_year: int) -> list[tuple[Review, Cycle, Person]]:
        """Reviews whose retain_until has passed, or (when unset) whose cycle year is at most
        ``default_cutoff_year``; the caller applies Policy 10.3 precisely (bot.policy.retention)."""
        async with self.db.session() as s:
            q = (select(Review, Cycle, Person).join(Cycle, Cycle.id == Review.cycle_id)
                 .join(Person, Person.id == Review.colleague_id)
                 .where(or_(Review.retain_until < today,  # type: ignore[operator]
                            and_(Review.retain_until == None, Cycle.year <= default_cutoff_year)))  # noqa: E711
                 .order_by(Cycle.year, Review.id))
            return [(r, c, p) for r, c, p in (await s.exec(q)).all()]

    async def retention_notices(self, review_ids: Sequence[int]) -> list[Reminder]:
        """The retention_expiry notices planned for these reviews (HR is told before a purge)."""
        if not review_ids:
            return []
        async with self.db.session() as s:
            q = select(Reminder).where(Reminder.kind == "retention_expiry",
                                       Reminder.review_id.in_(list(review_ids)))  # type: ignore[union-attr]
            return list((await s.exec(q)).all())

    async def unlinked_plans_of(self, colleague_id: int) -> list[_m.SupportPlan]:
        """Support / improvement plans of a colleague that are not tied to a review."""
        async with self.db.session() as s:
            q = select(_m.SupportPlan).where(_m.SupportPlan.colleague_id == colleague_id,
                                          _m.SupportPlan.review_id == None)  # noqa: E711
            return list((await s.exec(q)).all())

    async def check_ins_of(self, person_id: int) -> list[CheckIn]:
        async with self.db.session() as s:
            return list((await s.exec(select(CheckIn).where(CheckIn.person_id == person_id))).all())

    async def purge_review(self, review_id: int, *, extra_plan_ids: Sequence[int] = (),
                           check_in_ids: Sequence[int] = (),
                           tombstone: dict[str, Any] | None = None, actor_id: int | None = None,
                           channel: str = "", actor_identity: str = "") -> dict[str, int]:
        """Delete a review and everything under it in one transaction, leaving an anonymous
        tombstone in the audit log (Policy 10.3). Returns the number of rows deleted per table."""
        counts: dict[str, int] = {}

        async def gone(s: Any, table: str, statement: Any) -> None:
            result = await s.execute(statement)
            counts[table] = counts.get(table, 0) + (result.rowcount or 0)

        async with self.db.transaction() as s:
            review = await s.get(Review, review_id)
            if review is None:
                return {}
            objective_ids = list((await s.exec(select(Objective.id).where(Objective.review_id == review_id))).all())
            plan_ids = list((await s.exec(select(_m.SupportPlan.id).where(_m.SupportPlan.review_id == review_id))).all())
            plan_ids = sorted(set(plan_ids) | set(extra_plan_ids))
            if objective_ids:
                await s.execute(update(Objective).where(Objective.carried_from_id.in_(objective_ids))  # type: ignore[union-attr]
                                .values(carried_from_id=None))
                await gone(s, "milestone", delete(_m.Milestone).where(_m.Milestone.objective_id.in_(objective_ids)))  # type: ignore[attr-defined]
                await gone(s, "objective_progress", delete(ObjectiveProgress).where(
                    ObjectiveProgress.objective_id.in_(objective_ids)))  # type: ignore[attr-defined]
            await gone(s, "objective", delete(Objective).where(Objective.review_id == review_id))  # type: ignore[arg-type]
            if plan_ids:
                action_ids = list((await s.exec(select(_m.PlanAction.id).where(
                    _m.PlanAction.plan_id.in_(plan_ids)))).all())  # type: ignore[attr-defined]
                await s.execute(update(_m.SupportPlan).where(_m.SupportPlan.revision_of_id.in_(plan_ids))  # type: ignore[union-attr]
                                .values(revision_of_id=None))
                if action_ids:
                    await gone(s, "plan_action_review", delete(_m.PlanActionReview).where(
                        _m.PlanActionReview.action_id.in_(action_ids)))  # type: ignore[attr-defined]
                await gone(s, "plan_action", delete(_m.PlanAction).where(_m.PlanAction.plan_id.in_(plan_ids)))  # type: ignore[attr-defined]
                await gone(s, "signature", delete(Signature).where(
                    Signature.subject_type == "support_plan", Signature.subject_id.in_(plan_ids)))  # type: ignore[attr-defined]
                await gone(s, "support_plan", delete(_m.SupportPlan).where(_m.SupportPlan.id.in_(plan_ids)))  # type: ignore[union-attr]
            await gone(s, "signature", delete(Signature).where(Signature.subject_type == "review",
                                                               Signature.subject_id == review_id))  # type: ignore[arg-type]
            for table, model in (("appeal", _m.Appeal), ("coop_reflection", CoopReflection),
                                 ("preparation_answer", PreparationAnswer), ("training_need", TrainingNeed),
                                 ("input_request", _m.InputRequest),
                                 ("review_exception", _m.ReviewException), ("meeting", Meeting), ("reminder", Reminder)):
                await gone(s, table, delete(model).where(model.review_id == review_id))  # type: ignore[attr-defined]
            if check_in_ids:
                await gone(s, "check_in", delete(CheckIn).where(CheckIn.id.in_(check_in_ids)))  # type: ignore[union-attr]
            await gone(s, "review", delete(Review).where(Review.id == review_id))  # type: ignore[arg-type]
            counts = {k: v for k, v in counts.items() if v}
            s.add(AuditEvent(actor_id=actor_id, action="purge", record_type="review", record_id=None,
                             subject_person_id=None, channel=channel, actor_identity=actor_identity,
                             detail={**(tombstone or {}), "rows_deleted": counts}))
        return counts

    async def set_legal_hold(self, person_id: int, hold: bool, reason: str) -> Person | None:
        async with self.db.transaction() as s:
            person = await s.get(Person, person_id)
            if person is None:
                return None
            person.legal_hold, person.legal_hold_reason, person.updated_at = hold, reason, _now()
            await s.flush()
            return person

    async def export_support_plans(self, colleague_id: int) -> list[_m.SupportPlan]:
        async with self.db.session() as s:
            q = select(_m.SupportPlan).where(_m.SupportPlan.colleague_id == colleague_id).order_by(_m.SupportPlan.id)  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

    async def export_plan_actions(self, plan_id: int) -> list[_m.PlanAction]:
        async with self.db.session() as s:
            q = select(_m.PlanAction).where(_m.PlanAction.plan_id == plan_id).order_by(_m.PlanAction.number)  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

    async def export_action_reviews(self, action_ids: Sequence[int]) -> list[_m.PlanActionReview]:
        if not action_ids:
            return []
        async with self.db.session() as s:
            q = (select(_m.PlanActionReview).where(_m.PlanActionReview.action_id.in_(list(action_ids)))  # type: ignore[attr-defined]
                 .order_by(_m.PlanActionReview.review_date, _m.PlanActionReview.id))
            return list((await s.exec(q)).all())

    async def export_appeals(self, colleague_id: int) -> list[_m.Appeal]:
        async with self.db.session() as s:
            q = select(_m.Appeal).where(_m.Appeal.colleague_id == colleague_id).order_by(_m.Appeal.id)  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

    async def export_checkins(self, person_id: int) -> list[CheckIn]:
        async with self.db.session() as s:
            q = select(CheckIn).where(CheckIn.person_id == person_id).order_by(CheckIn.created_at)  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

    async def export_milestones(self, objective_ids: Sequence[int]) -> list[_m.Milestone]:
        if not objective_ids:
            return []
        async with self.db.session() as s:
            q = select(_m.Milestone).where(_m.Milestone.objective_id.in_(list(objective_ids))).order_by(_m.Milestone.id)  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    async def export_input_requests(self, review_id: int) -> list[_m.InputRequest]:
        async with self.db.session() as s:
            return list((await s.exec(select(_m.InputRequest).where(_m.InputRequest.review_id == review_id))).all())

    async def reviews_in_org_year(self, organisation_id: int, year: int) -> list[tuple[Review, Person]]:
        """Every review of the organisation's cycle ``year`` with its colleague."""
        async with self.db.session() as s:
            q = (select(Review, Person).join(Cycle, Cycle.id == Review.cycle_id)
                 .join(Person, Person.id == Review.colleague_id)
                 .where(Cycle.organisation_id == organisation_id, Cycle.year == year).order_by(Person.name))
            return [(r, p) for r, p in (await s.exec(q)).all()]

    async def rows_for_reviews(self, model: Any, review_ids: Sequence[int]) -> list[Any]:
        """Rows of one review-owned table (Meeting, Objective, Appeal, TrainingNeed, ...) for many reviews."""
        if not review_ids:
            return []
        async with self.db.session() as s:
            q = select(model).where(model.review_id.in_(list(review_ids)))
            return list((await s.exec(q)).all())

    async def signatures_for(self, subject_type: str, subject_ids: Sequence[int]) -> list[Signature]:
        if not subject_ids:
            return []
        async with self.db.session() as s:
            q = select(Signature).where(Signature.subject_type == subject_type,
                                        Signature.subject_id.in_(list(subject_ids)))  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    async def support_plans_of_people(self, person_ids: Sequence[int]) -> list[_m.SupportPlan]:
        if not person_ids:
            return []
        async with self.db.session() as s:
            q = select(_m.SupportPlan).where(_m.SupportPlan.colleague_id.in_(list(person_ids)))  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    async def pending_reminders_for_reviews(self, review_ids: Sequence[int]) -> list[Reminder]:
        if not review_ids:
            return []
        async with self.db.session() as s:
            q = (select(Reminder).where(Reminder.review_id.in_(list(review_ids)),  # type: ignore[union-attr]
                                        Reminder.status.in_(("pending", "claimed", "failed")))  # type: ignore[attr-defined]
                 .order_by(Reminder.due_at))
            return list((await s.exec(q)).all())

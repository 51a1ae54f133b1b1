"""Support plans and improvement action plans with their actions and action reviews (Annex 4)."""


from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import select

from store.models import (
    PlanAction,
    PlanActionReview,
    SupportPlan,
)
from store.repos.base import (
    RepoBase,
)


class Plans(RepoBase):
    async def create_plan(self, plan: SupportPlan, actions: Sequence[PlanAction],
                          supersedes_id: int | None = None) -> SupportPlan:
        """Store a plan with its actions in one transaction; a revised plan supersedes the old one."""
        async with self.db.transaction() as s:
            s.add(plan)
            await s.flush()
            for action in actions:
                action.plan_id = plan.id  # type: ignore[assignment]
                s.add(action)
            if supersedes_id is not None:
                await s.execute(update(SupportPlan)  # type: ignore[call-overload]
                                .where(SupportPlan.id == supersedes_id, SupportPlan.status == "open")
                                .values(status="superseded"))
            await s.flush()
            return plan

    async def support_plan(self, plan_id: int) -> SupportPlan | None:
        async with self.db.session() as s:
            return await s.get(SupportPlan, plan_id)

    async def plans_for(self, colleague_id: int, status: str | None = None) -> list[SupportPlan]:
        """A colleague's plans, oldest first; ``status`` open | closed | superseded filters."""
        async with self.db.session() as s:
            q = select(SupportPlan).where(SupportPlan.colleague_id == colleague_id)
            if status is not None:
                q = q.where(SupportPlan.status == status)
            return list((await s.exec(q.order_by(SupportPlan.created_at, SupportPlan.id))).all())  # type: ignore[arg-type]

    async def open_plans(self) -> list[SupportPlan]:
        """Every open plan (for review-date reminders)."""
        async with self.db.session() as s:
            return list((await s.exec(select(SupportPlan).where(SupportPlan.status == "open")
                                      .order_by(SupportPlan.id))).all())

    async def plan_actions(self, plan_id: int) -> list[PlanAction]:
        async with self.db.session() as s:
            q = select(PlanAction).where(PlanAction.plan_id == plan_id).order_by(PlanAction.number)
            return list((await s.exec(q)).all())

    async def plan_action_reviews(self, action_ids: Sequence[int]) -> list[PlanActionReview]:
        if not action_ids:
            return []
        async with self.db.session() as s:
            q = (select(PlanActionReview).where(PlanActionReview.action_id.in_(list(action_ids)))  # type: ignore[attr-defined]
                 .order_by(PlanActionReview.review_date, PlanActionReview.id))
            return list((await s.exec(q)).all())

    async def add_plan_reviews(self, reviews: Sequence[PlanActionReview]) -> list[PlanActionReview]:
        async with self.db.transaction() as s:
            for row in reviews:
                s.add(row)
            await s.flush()
            return list(reviews)

    async def acknowledge_plan(self, plan_id: int, at: datetime) -> bool:
        """Record the colleague's acknowledgement once; False if already acknowledged or not open."""
        async with self.db.transaction() as s:
            result = await s.execute(update(SupportPlan)  # type: ignore[call-overload]
                                     .where(SupportPlan.id == plan_id, SupportPlan.status == "open",
                                            SupportPlan.acknowledged_at.is_(None))  # type: ignore[union-attr]
                                     .values(acknowledged_at=at))
            return bool(result.rowcount == 1)

    async def close_plan(self, plan_id: int, note: str, at: datetime) -> bool:
        """Draw a line under an open plan (Annex 4); False if it was no longer open."""
        async with self.db.transaction() as s:
            result = await s.execute(update(SupportPlan)  # type: ignore[call-overload]
                                     .where(SupportPlan.id == plan_id, SupportPlan.status == "open")
                                     .values(status="closed", closed_at=at, closure_note=note))
            return bool(result.rowcount == 1)

"""Planning reads, one batch at a time (keyset pagination: no whole-table loads)."""


from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from store.models import Appeal, PlanAction, PlanActionReview, RoleGrant, SupportPlan
from store.repos import planning_statements as planned
from store.repos.base import RepoBase, _delegated_statements_query


class Planning(RepoBase):
    async def dialog_meeting_notices(self, review_ids: Sequence[int]) -> list[tuple[int, int, str]]:
        """(review id, recipient id, dedupe key) of meeting notices the booking dialog wrote."""
        if not review_ids:
            return []
        async with self.db.session() as s:
            rows = (await s.execute(planned.dialog_meeting_notices(), {"ids": list(review_ids)})).all()
            return [(rid, to, key) for rid, to, key in rows]

    async def review_batch(self, after_id: int, limit: int) -> list[Any]:
        """The next reviews after ``after_id`` as light rows (the columns planning reads, each review's
        cycle year as ``cycle_year``): no ORM objects, no form text."""
        async with self.db.session() as s:
            return list((await s.execute(planned.review_page(), {"after": after_id, "limit": limit})).all())

    async def person_batch(self, after_id: int, limit: int) -> list[Any]:
        """The next people after ``after_id`` as light rows (the columns planning reads)."""
        async with self.db.session() as s:
            return list((await s.execute(planned.person_page(), {"after": after_id, "limit": limit})).all())

    async def planning_people(self, ids: Iterable[int]) -> dict[int, Any]:
        """These people as light rows (the columns planning reads), by id."""
        wanted = list(set(ids))
        if not wanted:
            return {}
        async with self.db.session() as s:
            return {r.id: r for r in (await s.execute(planned.people(), {"ids": wanted})).all()}

    async def meetings_of_reviews(self, review_ids: Sequence[int]) -> dict[int, list[Any]]:
        """Light rows (id, review_id, kind, starts_at, status, scheduled_at) of these reviews' meetings."""
        out: dict[int, list[Any]] = {}
        if review_ids:
            async with self.db.session() as s:
                for m in (await s.execute(planned.meetings(), {"ids": list(review_ids)})).all():
                    out.setdefault(m.review_id, []).append(m)
        return out

    async def answer_counts(self, review_ids: Sequence[int], side: str) -> dict[int, int]:
        if not review_ids:
            return {}
        async with self.db.session() as s:
            rows = (await s.execute(planned.answer_counts(), {"ids": list(review_ids), "side": side})).all()
            return {rid: int(n) for rid, n in rows}

    async def review_signature_parts(self, review_ids: Sequence[int]) -> dict[int, set[tuple[str, str]]]:
        out: dict[int, set[tuple[str, str]]] = {}
        if review_ids:
            async with self.db.session() as s:
                for sid, part, role in (await s.execute(planned.signature_parts(), {"ids": list(review_ids)})).all():
                    out.setdefault(sid, set()).add((part, role))
        return out

    async def appeals_of_reviews(self, review_ids: Sequence[int]) -> dict[int, list[Appeal]]:
        out: dict[int, list[Appeal]] = {}
        if review_ids:
            async with self.db.session() as s:
                for a in (await s.exec(planned.appeals(), params={"ids": list(review_ids)})).all():
                    out.setdefault(a.review_id, []).append(a)
        return out

    async def lead_managers_of(self, person_ids: Sequence[int]) -> dict[int, int]:
        """report id -> lead line manager id (the lead, else any manager: 4.1), for these people only."""
        out: dict[int, int] = {}
        if person_ids:
            async with self.db.session() as s:
                for lm in (await s.execute(planned.lead_managers(), {"ids": list(person_ids)})).all():
                    out.setdefault(lm.report_id, lm.manager_id)
        return out

    async def cycle_rows_of(self, person_ids: Sequence[int]) -> list[tuple[Any, int, list[str]]]:
        """(review, cycle year, kinds of live meetings) for each review of these colleagues; the review
        is a light row (id, colleague_id, reviewer_id, planning_submitted_at, midyear_submitted_at,
        eoy_submitted_at, stage)."""
        if not person_ids:
            return []
        async with self.db.session() as s:
            rows = [(r, r.year) for r in (await s.execute(planned.cycle_rows(), {"ids": list(person_ids)})).all()]
            ids = [r.id for r, _ in rows]
            kinds: dict[int, list[str]] = {}
            if ids:
                for rid, kind in (await s.execute(planned.live_meeting_kinds(), {"ids": ids})).all():
                    kinds.setdefault(rid, []).append(kind)
            return [(r, y, kinds.get(r.id or 0, [])) for r, y in rows]

    async def last_checkins(self, person_ids: Sequence[int]) -> dict[int, datetime]:
        if not person_ids:
            return {}
        async with self.db.session() as s:
            out: dict[int, datetime] = {}
            for pid, at in (await s.execute(planned.last_checkins(), {"ids": list(person_ids)})).all():
                if isinstance(at, str):
                    at = datetime.fromisoformat(at)
                if at is not None:
                    out[pid] = at if at.tzinfo else at.replace(tzinfo=UTC)
            return out

    async def plans_of(self, person_ids: Sequence[int]) -> list[tuple[SupportPlan, list[PlanAction], list[PlanActionReview]]]:
        if not person_ids:
            return []
        async with self.db.session() as s:
            plans = (await s.exec(planned.support_plans(), params={"ids": list(person_ids)})).all()
            if not plans:
                return []
            actions = (await s.exec(planned.plan_actions(), params={"ids": [p.id for p in plans]})).all()
            reviews = (await s.exec(planned.plan_action_reviews(),
                                    params={"ids": [a.id for a in actions]})).all() if actions else []
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

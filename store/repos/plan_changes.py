"""What the planner needs to plan only what changed: plan_change versions and the last full pass.

``plan_change`` rows are written by triggers (migration 0018_plan_change_versions) in the same
transaction as any change to a fact the reminder rules read; these functions read which colleagues
moved, mark what a pass planned, and keep the fingerprint of the last full pass. Plain async
functions over the app's ``Database`` (they open their own short session or transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from store.db import Database
from store.models import PlanChange, PlanningPass
from store.repos import planning_statements as planned

PASS_ROW = 1  # planning_pass holds one row
TRUST = 0  # plan_change row 0: a change that concerns every colleague (organisations, role grants, cycles)


async def changed_since_planned(db: Database, today: date) -> dict[int, int]:
    """Colleagues (and row 0) whose facts moved since they were last planned, or whose date-driven
    reminders change by ``today``: person id -> the version seen now."""
    async with db.session() as s:
        q = select(PlanChange.person_id, PlanChange.version).where(or_(
            PlanChange.version > PlanChange.planned_version,
            PlanChange.replan_on <= today))  # type: ignore[operator]
        return {pid: version for pid, version in (await s.execute(q)).all()}


async def versions(db: Database, person_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Every colleague's (and row 0's) version now, or these colleagues': the snapshot a pass marks as planned."""
    async with db.session() as s:
        if person_ids is not None:
            rows = (await s.execute(planned.plan_change_versions(), {"ids": list(person_ids)})).all()
        else:
            rows = (await s.execute(select(PlanChange.person_id, PlanChange.version))).all()
        return {pid: v for pid, v in rows}


async def mark_planned(db: Database, rows: Iterable[tuple[int, int, date | None]]) -> None:
    """(person id, the version planned, replan_on) for each: ``version`` itself is left alone, so a
    change committed while the pass ran keeps its colleague marked for the next one."""
    values = [{"person_id": pid, "version": version, "planned_version": version, "replan_on": on}
              for pid, version, on in rows]
    if not values:
        return
    async with db.transaction() as s:
        insert = _insert(db)(PlanChange.__table__)  # type: ignore[attr-defined]
        statement = insert.on_conflict_do_update(index_elements=["person_id"], set_={
            "planned_version": insert.excluded.planned_version, "replan_on": insert.excluded.replan_on})
        await (await s.connection()).execute(statement, values)


async def last_pass(db: Database) -> PlanningPass | None:
    async with db.session() as s:
        return await s.get(PlanningPass, PASS_ROW)


async def record_pass(db: Database, fingerprint: str, years: str, finished_at: datetime) -> None:
    async with db.transaction() as s:
        row = await s.get(PlanningPass, PASS_ROW)
        if row is None:
            s.add(PlanningPass(id=PASS_ROW, fingerprint=fingerprint, years=years, finished_at=finished_at))
        else:
            row.fingerprint, row.years, row.finished_at = fingerprint, years, finished_at


async def reviews_of_colleagues(db: Database, colleague_ids: Sequence[int]) -> list[Any]:
    """These colleagues' reviews as the planner's light rows (store.repos.planning.Planning.review_batch's columns)."""
    if not colleague_ids:
        return []
    async with db.session() as s:
        return list((await s.execute(planned.reviews_of_colleagues(), {"ids": list(colleague_ids)})).all())


def _insert(db: Database) -> Any:
    if db.is_postgres:
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert

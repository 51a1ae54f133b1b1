"""Concerns and appeals (Policy section 9)."""


from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_
from sqlmodel import select

from store.models import (
    Appeal,
    Organisation,
    Person,
)
from store.repos.base import (
    RepoBase,
)


class Appeals(RepoBase):
    async def appeal(self, appeal_id: int) -> Appeal | None:
        async with self.db.session() as s:
            return await s.get(Appeal, appeal_id)

    async def appeals_of(self, colleague_id: int) -> list[Appeal]:
        async with self.db.session() as s:
            q = select(Appeal).where(Appeal.colleague_id == colleague_id).order_by(Appeal.id)
            return list((await s.exec(q)).all())

    async def open_appeal(self, review_id: int) -> Appeal | None:
        """The appeal on a review that is not yet decided or withdrawn (9.5: one appeal, one hearing)."""
        async with self.db.session() as s:
            q = (select(Appeal).where(Appeal.review_id == review_id,
                                      Appeal.stage.in_(("informal", "written", "hearing_scheduled")))  # type: ignore[attr-defined]
                 .order_by(Appeal.id.desc()))  # type: ignore[union-attr]
            return (await s.exec(q)).first()

    async def appeals_in(self, organisation_ids: Sequence[int], stages: Sequence[str]) -> list[Appeal]:
        """Appeals of colleagues in these organisations at these stages, oldest first."""
        if not organisation_ids:
            return []
        async with self.db.session() as s:
            q = (select(Appeal).join(Person, Person.id == Appeal.colleague_id)
                 .where(Person.organisation_id.in_(list(organisation_ids)),  # type: ignore[attr-defined]
                        Appeal.stage.in_(list(stages)))  # type: ignore[attr-defined]
                 .order_by(Appeal.id))
            return list((await s.exec(q)).all())

    async def appeals_handled_by(self, person_id: int, stages: Sequence[str]) -> list[Appeal]:
        async with self.db.session() as s:
            q = (select(Appeal).where(or_(Appeal.handler_id == person_id, Appeal.hearing_by_id == person_id),
                                      Appeal.stage.in_(list(stages)))  # type: ignore[attr-defined]
                 .order_by(Appeal.id))
            return list((await s.exec(q)).all())

    async def appeals_at_stage(self, stages: Sequence[str]) -> list[Appeal]:
        """Every appeal at these stages (e.g. "written": a hearing to arrange within 15 working days, 9.5)."""
        async with self.db.session() as s:
            q = select(Appeal).where(Appeal.stage.in_(list(stages))).order_by(Appeal.id)  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    async def organisations_under(self, organisation_id: int) -> list[Organisation]:
        """The organisation and those whose parent it is (a trust's academies and central team)."""
        async with self.db.session() as s:
            q = select(Organisation).where(or_(Organisation.id == organisation_id,
                                               Organisation.parent_id == organisation_id))
            return list((await s.exec(q)).all())

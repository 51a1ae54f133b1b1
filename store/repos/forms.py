"""The Planning & Review Form: Annex 2 preparation answers, objectives, progress, Co-op reflections, training needs, signatures."""


from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import select

from store.models import (
    CoopReflection,
    InputRequest,
    Milestone,
    Objective,
    ObjectiveProgress,
    PreparationAnswer,
    Signature,
    TrainingNeed,
)
from store.repos.base import (
    RepoBase,
    _now,
)


class Forms(RepoBase):
    async def preparation_answers(self, review_id: int, side: str) -> list[PreparationAnswer]:
        async with self.db.session() as s:
            q = (select(PreparationAnswer)
                 .where(PreparationAnswer.review_id == review_id, PreparationAnswer.side == side)
                 .order_by(PreparationAnswer.id))
            return list((await s.exec(q)).all())

    async def save_preparation(self, review_id: int, person_id: int, side: str,
                               answers: Sequence[tuple[str, str, str]]) -> None:
        """Upsert (question_key, question, answer) triples for one side of the preparation."""
        async with self.db.transaction() as s:
            existing = {a.question_key: a for a in (await s.exec(
                select(PreparationAnswer).where(PreparationAnswer.review_id == review_id,
                                                PreparationAnswer.side == side))).all()}
            for key, question, answer in answers:
                row = existing.get(key)
                if row is None:
                    s.add(PreparationAnswer(review_id=review_id, person_id=person_id, side=side,
                                            question_key=key, question=question, answer=answer))
                else:
                    row.answer, row.question, row.answered_at = answer, question, _now()

    async def input_requests(self, review_id: int) -> list[InputRequest]:
        """4.1: the lead line manager's requests for the other line managers' input."""
        async with self.db.session() as s:
            q = select(InputRequest).where(InputRequest.review_id == review_id).order_by(InputRequest.id)
            return list((await s.exec(q)).all())

    async def objectives(self, review_id: int) -> list[Objective]:
        async with self.db.session() as s:
            q = select(Objective).where(Objective.review_id == review_id).order_by(Objective.number)
            return list((await s.exec(q)).all())

    async def progress(self, objective_ids: Sequence[int]) -> list[ObjectiveProgress]:
        if not objective_ids:
            return []
        async with self.db.session() as s:
            q = select(ObjectiveProgress).where(ObjectiveProgress.objective_id.in_(list(objective_ids)))  # type: ignore[union-attr]
            return list((await s.exec(q)).all())

    async def coop_reflections(self, review_id: int) -> list[CoopReflection]:
        async with self.db.session() as s:
            return list((await s.exec(select(CoopReflection).where(CoopReflection.review_id == review_id))).all())

    async def signatures(self, subject_type: str, subject_id: int) -> list[Signature]:
        async with self.db.session() as s:
            q = select(Signature).where(Signature.subject_type == subject_type, Signature.subject_id == subject_id)
            return list((await s.exec(q)).all())

    async def training_needs(self, review_id: int) -> list[TrainingNeed]:
        async with self.db.session() as s:
            return list((await s.exec(select(TrainingNeed).where(TrainingNeed.review_id == review_id))).all())

    async def milestones(self, objective_ids: Sequence[int]) -> list[Milestone]:
        if not objective_ids:
            return []
        async with self.db.session() as s:
            q = (select(Milestone).where(Milestone.objective_id.in_(list(objective_ids)))  # type: ignore[union-attr]
                 .order_by(Milestone.objective_id, Milestone.id))
            return list((await s.exec(q)).all())

    async def set_objectives(self, review_id: int, objectives: Sequence[tuple[Objective, Sequence[Milestone]]],
                             *, replace: bool) -> list[Objective]:
        """Store new objectives with their milestones (7.3) in one transaction; with ``replace`` the
        review's earlier objectives (and their milestones) go first. Callers only replace objectives
        that have no progress recorded against them."""
        async with self.db.transaction() as s:
            if replace:
                old = [o.id for o in (await s.exec(select(Objective).where(Objective.review_id == review_id))).all()]
                if old:
                    await s.execute(delete(Milestone).where(Milestone.objective_id.in_(old)))  # type: ignore[call-overload,union-attr]
                    await s.execute(delete(Objective).where(Objective.id.in_(old)))  # type: ignore[call-overload,union-attr]
            stored: list[Objective] = []
            for objective, milestones in objectives:
                objective.review_id = review_id
                s.add(objective)
                await s.flush()
                for m in milestones:
                    m.objective_id = objective.id  # type: ignore[assignment]
                    s.add(m)
                stored.append(objective)
            await s.flush()
            return stored

    async def set_coop_reflections(self, review_id: int, part: str, texts: dict[str, str]) -> None:
        """Upsert the Ways of Being Co-op reflections of one part of the form (Annex 3)."""
        async with self.db.transaction() as s:
            existing = {r.way: r for r in (await s.exec(select(CoopReflection).where(
                CoopReflection.review_id == review_id, CoopReflection.part == part))).all()}
            for way, text in texts.items():
                row = existing.get(way)
                if row is None:
                    s.add(CoopReflection(review_id=review_id, part=part, way=way, text=text))
                else:
                    row.text = text

    async def set_progress(self, rows: Sequence[ObjectiveProgress]) -> None:
        """Upsert mid-year comments / end-of-year outcomes, one per objective and stage."""
        async with self.db.transaction() as s:
            for row in rows:
                old = (await s.exec(select(ObjectiveProgress).where(
                    ObjectiveProgress.objective_id == row.objective_id, ObjectiveProgress.stage == row.stage))).first()
                if old is None:
                    s.add(row)
                else:
                    old.comment, old.outcome, old.evidence = row.comment, row.outcome, row.evidence
                    old.recorded_by_id, old.recorded_at = row.recorded_by_id, _now()

    async def set_training_needs(self, review_id: int, needs: Sequence[TrainingNeed]) -> None:
        """Replace the review's training needs (8.1), keeping the funded flag of a need that stays."""
        async with self.db.transaction() as s:
            old = list((await s.exec(select(TrainingNeed).where(TrainingNeed.review_id == review_id))).all())
            funded = {(n.category, n.description) for n in old if n.funded}
            for n in old:
                await s.delete(n)
            await s.flush()
            for n in needs:
                n.review_id = review_id
                n.funded = n.funded or (n.category, n.description) in funded
                s.add(n)

    async def add_signature(self, signature: Signature) -> bool:
        """Record a signature unless that role has already signed that part; True if added."""
        async with self.db.transaction() as s:
            existing = (await s.exec(select(Signature.id).where(
                Signature.subject_type == signature.subject_type, Signature.subject_id == signature.subject_id,
                Signature.part == signature.part, Signature.role == signature.role))).first()
            if existing is not None:
                return False
            s.add(signature)
            return True

    async def clear_signatures(self, subject_type: str, subject_id: int, part: str) -> int:
        """Withdraw the signatures of one part after its content changed; both sign again."""
        async with self.db.transaction() as s:
            result = await s.execute(delete(Signature).where(  # type: ignore[call-overload]
                Signature.subject_type == subject_type, Signature.subject_id == subject_id, Signature.part == part))
            return int(result.rowcount or 0)

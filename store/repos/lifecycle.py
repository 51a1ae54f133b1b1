"""What the review lifecycle reads and writes beyond the review itself: the exceptions the
headteacher or HR recorded (bot.policy.lifecycle), and the 4.4 moderation checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Appeal, Meeting, ModerationCheck, Review, ReviewException
from store.repos import diary, statements
from store.repos import planning_statements as planned
from store.repos.base import RepoBase


async def exceptions_of(s: AsyncSession, review_ids: Sequence[int]) -> dict[int, list[ReviewException]]:
    """The exceptions of each review, oldest first."""
    out: dict[int, list[ReviewException]] = {}
    if not review_ids:
        return out
    rows = (await s.exec(statements.exceptions_of_reviews(), params={"ids": list(review_ids)})).all()
    for row in rows:
        out.setdefault(row.review_id, []).append(row)
    return out


async def record_exception(s: AsyncSession, review_id: int, step: str, reason: str, by: int,
                           at: datetime) -> ReviewException:
    """One exception per review and step: recording it again replaces the reason (and who, when)."""
    row = (await s.exec(select(ReviewException).where(ReviewException.review_id == review_id,  # type: ignore[call-overload]
                                                      ReviewException.step == step))).first()
    if row is None:
        row = ReviewException(review_id=review_id, step=step, reason=reason, recorded_by_id=by, recorded_at=at)
    else:
        row.reason, row.recorded_by_id, row.recorded_at = reason, by, at
    s.add(row)
    await s.flush()
    return row


async def moderation_checks(s: AsyncSession, organisation_ids: Sequence[int]) -> dict[tuple[int, int], ModerationCheck]:
    """(organisation, cycle year) -> the head's record that the 4.4 sample was checked."""
    if not organisation_ids:
        return {}
    rows = (await s.exec(select(ModerationCheck).where(  # type: ignore[call-overload]
        ModerationCheck.organisation_id.in_(list(organisation_ids))))).all()  # type: ignore[attr-defined]
    return {(r.organisation_id, r.cycle_year): r for r in rows}


async def record_moderation_check(s: AsyncSession, organisation_id: int, year: int, by: int, note: str,
                                  at: datetime) -> ModerationCheck:
    row = (await s.exec(select(ModerationCheck).where(ModerationCheck.organisation_id == organisation_id,  # type: ignore[call-overload]
                                                      ModerationCheck.cycle_year == year))).first()
    if row is None:
        row = ModerationCheck(organisation_id=organisation_id, cycle_year=year, checked_by_id=by, note=note,
                              checked_at=at)
    else:
        row.checked_by_id, row.note, row.checked_at = by, note, at
    s.add(row)
    await s.flush()
    return row


async def appeals_told(s: AsyncSession, review_ids: Sequence[int]) -> set[int]:
    """Appeals whose receipt the written-appeal dialog already told the handler about (its own outbox
    notice, key "appeal:ID:written:PERSON"), so that the planner does not tell them a second time."""
    if not review_ids:
        return set()
    out: set[int] = set()
    for (key,) in (await s.execute(planned.appeals_told(), {"ids": list(review_ids)})).all():
        part = key.split(":")[1]
        if part.isdigit():
            out.add(int(part))
    return out


class Lifecycle(RepoBase):
    """The lifecycle's exceptions, the 4.4 checks, the appeal notices already sent and who is busy when."""

    async def review_exceptions(self, review_ids: Sequence[int]) -> dict[int, list[ReviewException]]:
        async with self.db.session() as s:
            return await exceptions_of(s, review_ids)

    async def record_review_exception(self, review_id: int, step: str, reason: str, by: int,
                                      at: datetime) -> ReviewException:
        async with self.db.transaction() as s:
            return await record_exception(s, review_id, step, reason, by, at)

    async def appeals_told(self, review_ids: Sequence[int]) -> set[int]:
        async with self.db.session() as s:
            return await appeals_told(s, review_ids)

    async def moderation_checks(self, organisation_ids: Sequence[int]) -> dict[tuple[int, int], ModerationCheck]:
        async with self.db.session() as s:
            return await moderation_checks(s, organisation_ids)

    async def record_moderation_check(self, organisation_id: int, year: int, by: int, note: str,
                                      at: datetime) -> ModerationCheck:
        async with self.db.transaction() as s:
            return await record_moderation_check(s, organisation_id, year, by, note, at)

    async def diary(self, person_ids: Sequence[int], start: datetime, end: datetime
                    ) -> tuple[list[tuple[Meeting, Review]], list[Appeal]]:
        """The scheduled review meetings and appeal hearings of these people between ``start`` and ``end``."""
        async with self.db.session() as s:
            return (await diary.review_meetings_of(s, person_ids, start, end),
                    await diary.hearings_of(s, person_ids, start, end))

    async def purge_moderation_checks(self, up_to_year: int, organisation_ids: Sequence[int] | None = None) -> int:
        """Delete the 4.4 checks of cycles up to ``up_to_year`` (their forms' retention has ended, 10.3)."""
        async with self.db.transaction() as s:
            q = delete(ModerationCheck).where(ModerationCheck.cycle_year <= up_to_year)  # type: ignore[arg-type]
            if organisation_ids is not None:
                q = q.where(ModerationCheck.organisation_id.in_(list(organisation_ids)))  # type: ignore[attr-defined]
            return (await s.execute(q)).rowcount or 0

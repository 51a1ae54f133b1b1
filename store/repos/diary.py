"""Who is already busy when: the Cadence meetings of a few people (review meetings as colleague or
reviewer, appeal hearings as appellant or hearer), for the clash check of bot.policy.meetings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Appeal, Meeting, Review

HEARING_MINUTES = 60  # a hearing's length is not stored: an hour, as 5.4 asks of a meeting (our reading)


async def review_meetings_of(s: AsyncSession, person_ids: Sequence[int], start: datetime,
                             end: datetime) -> list[tuple[Meeting, Review]]:
    """Scheduled review meetings starting in [start - 1 day, end) of reviews where any of ``person_ids``
    is the colleague or the reviewer."""
    q = (select(Meeting, Review).join(Review, Review.id == Meeting.review_id)  # type: ignore[arg-type]
         .where(Meeting.status == "scheduled", Meeting.starts_at >= start - timedelta(days=1),  # type: ignore[arg-type]
                Meeting.starts_at < end,  # type: ignore[arg-type]
                or_(Review.colleague_id.in_(list(person_ids)), Review.reviewer_id.in_(list(person_ids))))  # type: ignore[union-attr, attr-defined]
         .order_by(Meeting.starts_at))
    return [(m, r) for m, r in (await s.exec(q)).all()]


async def hearings_of(s: AsyncSession, person_ids: Sequence[int], start: datetime, end: datetime) -> list[Appeal]:
    """Appeal hearings booked in [start - 1 day, end) that any of ``person_ids`` attends."""
    ids = list(person_ids)
    q = (select(Appeal).where(Appeal.stage == "hearing_scheduled", Appeal.hearing_at.is_not(None),  # type: ignore[union-attr]
                              Appeal.hearing_at >= start - timedelta(days=1), Appeal.hearing_at < end,  # type: ignore[operator]
                              or_(Appeal.colleague_id.in_(ids), Appeal.hearing_by_id.in_(ids),  # type: ignore[attr-defined]
                                  Appeal.handler_id.in_(ids)))  # type: ignore[union-attr]
         .order_by(Appeal.hearing_at))
    return list((await s.exec(q)).all())

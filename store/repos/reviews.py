"""Cycles and reviews, the snapshots status reads in a few queries, and meetings."""


from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlmodel import select

from store.models import (
    Cycle,
    Meeting,
    Review,
)
from store.repos import statements
from store.repos.base import (
    RepoBase,
    _fill_snapshot,
)
from store.repos.values import (
    PersonContext,
    ReviewSnapshot,
    StatusSnapshot,
)


class Reviews(RepoBase):
    async def save_review(self, review: Review) -> Review:
        return await self._save(review)

    async def save_meeting(self, meeting: Meeting) -> Meeting:
        return await self._save(meeting)

    async def cycle(self, organisation_id: int, year: int, *, create: bool = False) -> Cycle | None:
        async with self.db.transaction() as s:
            c = (await s.exec(select(Cycle).where(Cycle.organisation_id == organisation_id, Cycle.year == year))).first()
            if c is None and create:
                c = Cycle(organisation_id=organisation_id, year=year)
                s.add(c)
                await s.flush()
            return c

    async def ensure_reviews(self, wanted: Sequence[tuple[int, int, int | None, date]], year: int) -> int:
        """Create missing reviews for (colleague_id, organisation_id, reviewer_id, retain_until) in
        the cycle ``year`` of each organisation; existing reviews are left as they are (4.3)."""
        created = 0
        async with self.db.transaction() as s:
            cycles = {c.organisation_id: c for c in (await s.exec(select(Cycle).where(Cycle.year == year))).all()}
            for org_id in {w[1] for w in wanted} - set(cycles):
                c = Cycle(organisation_id=org_id, year=year)
                s.add(c)
                cycles[org_id] = c
            await s.flush()
            cycle_ids = [c.id for c in cycles.values()]
            have = set((await s.exec(select(Review.colleague_id).where(Review.cycle_id.in_(cycle_ids)))).all())  # type: ignore[union-attr]
            for colleague_id, org_id, reviewer_id, keep_until in wanted:
                if colleague_id in have:
                    continue
                s.add(Review(cycle_id=cycles[org_id].id, colleague_id=colleague_id, reviewer_id=reviewer_id,  # type: ignore[arg-type]
                             retain_until=keep_until))
                created += 1
        return created

    async def cycle_by_id(self, cycle_id: int) -> Cycle | None:
        async with self.db.session() as s:
            return await s.get(Cycle, cycle_id)

    async def review(self, review_id: int) -> Review | None:
        async with self.db.session() as s:
            return await s.get(Review, review_id)

    async def current_review(self, colleague_id: int) -> Review | None:
        """The colleague's review in the latest cycle they have one in."""
        async with self.db.session() as s:
            q = (select(Review).join(Cycle, Cycle.id == Review.cycle_id)
                 .where(Review.colleague_id == colleague_id)
                 .order_by(Cycle.year.desc(), Review.id))  # type: ignore[attr-defined]
            return (await s.exec(q)).first()

    async def reviews_of(self, colleague_id: int) -> list[tuple[Review, Cycle]]:
        async with self.db.session() as s:
            q = (select(Review, Cycle).join(Cycle, Cycle.id == Review.cycle_id)
                 .where(Review.colleague_id == colleague_id).order_by(Cycle.year))
            return [(r, c) for r, c in (await s.exec(q)).all()]

    async def review_for(self, colleague_id: int, cycle_id: int) -> Review | None:
        async with self.db.session() as s:
            q = select(Review).where(Review.colleague_id == colleague_id, Review.cycle_id == cycle_id)
            return (await s.exec(q)).first()

    async def reviews_in_cycle(self, cycle_id: int) -> list[Review]:
        async with self.db.session() as s:
            return list((await s.exec(select(Review).where(Review.cycle_id == cycle_id))).all())

    async def reviews_by_reviewer(self, reviewer_id: int) -> list[Review]:
        async with self.db.session() as s:
            return list((await s.exec(select(Review).where(Review.reviewer_id == reviewer_id))).all())

    async def review_snapshot(self, reviews: Sequence[Review], *, person_ids: Iterable[int] = (),
                              detail: bool = False) -> ReviewSnapshot:
        """What ``status`` shows about these reviews (as the caller read them), in one session with one
        query per kind of row, never one per review (see :func:`_fill_snapshot`); with ``detail`` also
        their objectives and the colleagues' open or paused dialog sessions."""
        snap = ReviewSnapshot(reviews={r.id: r for r in reviews if r.id is not None})
        if not snap.reviews and not person_ids:
            return snap
        async with self.db.session() as s:
            if snap.reviews:
                q = select(Cycle.id, Cycle.year).where(Cycle.id.in_({r.cycle_id for r in reviews}))  # type: ignore[union-attr]
                snap.years.update({cid: year for cid, year in (await s.exec(q)).all()})
            detailed = sorted(snap.reviews) if detail else []
            await _fill_snapshot(s, snap, person_ids, objectives_for=detailed, sessions_for=detailed)
        return snap

    async def status_snapshot(self, person: PersonContext, appeal_stages: Sequence[str], *,
                              objectives: bool = False) -> StatusSnapshot:
        """Everything one person's ``status`` shows, in one session and a fixed number of queries however
        big their team: their current review (with their reviewer), the reviews they do and their direct
        reports with those colleagues' current reviews, the appeals waiting for them at ``appeal_stages``,
        and the rows of :func:`_fill_snapshot` for their own review and each current review they do
        (dialog sessions for their own only; for their own objectives, how many, or with ``objectives``
        the rows)."""
        person_id = person.id
        snap = StatusSnapshot()
        snap.people[person_id] = (person.person, person.organisation)
        async with self.db.session() as s:
            mine = (await s.exec(statements.reviews_of_or_by(), params={"person": person_id})).all()
            for review, year, their_reviewer, their_org, how_many in mine:
                snap.years[review.cycle_id] = year
                if review.colleague_id == person_id and snap.own is None:
                    snap.own = review
                    if not objectives and review.id is not None:
                        snap.objective_counts[review.id] = how_many
                    if their_reviewer is not None and their_org is not None:
                        snap.people[their_reviewer.id] = (their_reviewer, their_org)
                if review.reviewer_id == person_id:
                    snap.reviewed.append(review)
            snap.reviewed.sort(key=lambda r: r.id or 0)
            snap.reports = list((await s.exec(statements.direct_reports(), params={"manager": person_id})).all())
            team = {r.colleague_id for r in snap.reviewed} | {p.id for p in snap.reports if p.id is not None}
            if team:
                current = (await s.exec(statements.reviews_of_colleagues(), params={"ids": sorted(team)})).all()
                for review, year in current:
                    snap.years[review.cycle_id] = year
                    snap.current.setdefault(review.colleague_id, review)
            shown = [snap.own] if snap.own is not None else []
            shown += [r for r in snap.reviewed if snap.current.get(r.colleague_id) is not None
                      and snap.current[r.colleague_id].id == r.id and r.stage != "closed"]
            snap.reviews.update({r.id: r for r in shown if r.id is not None})
            ids = sorted(snap.reviews)
            stages = set(appeal_stages)
            q_appeals = statements.appeals_for_status(of_reviews=bool(ids))
            params = {"person": person_id, "stages": sorted(stages), **({"ids": ids} if ids else {})}
            for appeal in (await s.exec(q_appeals, params=params)).all():
                if appeal.review_id in snap.reviews:
                    snap.appeals.setdefault(appeal.review_id, []).append(appeal)
                if (person_id in (appeal.handler_id, appeal.hearing_by_id)) and appeal.stage in stages:
                    snap.handled.append(appeal)
            wanted = {a.colleague_id for a in snap.handled}
            wanted.update(r.reviewer_id for r in snap.current.values() if r.reviewer_id)
            own = [snap.own.id] if snap.own is not None and snap.own.id else []
            await _fill_snapshot(s, snap, wanted, objectives_for=own if objectives else (), sessions_for=own,
                                 appeals_read=True)
        return snap

    async def meetings_for(self, review_id: int) -> list[Meeting]:
        async with self.db.session() as s:
            q = select(Meeting).where(Meeting.review_id == review_id).order_by(Meeting.starts_at)
            return list((await s.exec(q)).all())

    async def meeting(self, meeting_id: int) -> Meeting | None:
        async with self.db.session() as s:
            return await s.get(Meeting, meeting_id)

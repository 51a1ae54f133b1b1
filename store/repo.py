"""All the queries. Callers get plain objects back (detached rows), never a live session.

Sections below group the queries by concern; add new ones inside their section.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import select

from store import models as _m
from store.db import Database
from store.models import (
    Appeal,
    AuditEvent,
    CheckIn,
    ConversationReference,
    CoopReflection,
    Cycle,
    DialogSession,
    FileOffer,
    InputRequest,
    LineManagement,
    Meeting,
    Milestone,
    Objective,
    ObjectiveProgress,
    Organisation,
    Person,
    PlanAction,
    PlanActionReview,
    PreparationAnswer,
    Reminder,
    Review,
    RoleGrant,
    Signature,
    SupportPlan,
    TrainingNeed,
)
from store.repos import diary as _diary
from store.repos import lifecycle as _lifecycle


class StaleRevision(Exception):
    """A dialog answer was applied against an old revision (double click, second worker)."""


@dataclass(frozen=True)
class PersonContext:
    """A person with what the rest of the bot needs to know about them in one object."""

    person: Person
    organisation: Organisation
    roles: frozenset[str]
    manager_ids: tuple[int, ...]
    lead_manager_id: int | None

    @property
    def id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class RosterPerson:
    """One validated roster row (bot/roster.py validates; apply_roster writes)."""

    line: int
    email: str
    name: str
    job_title: str
    organisation: str
    organisation_kind: str
    managers: tuple[str, ...]
    lead_manager: str | None
    start_date: date | None
    contract_end: date | None
    employment_type: str
    extended_agency: bool
    on_induction: bool
    in_capability: bool
    leadership_role: bool
    roles: tuple[str, ...]
    slack_user_id: str | None
    teams_user_id: str | None
    last_day: date | None
    leave_start: date | None


ROSTER_FIELDS = ("name", "job_title", "start_date", "contract_end", "employment_type", "extended_agency",
                 "on_induction", "in_capability", "leadership_role", "slack_user_id", "teams_user_id",
                 "last_day", "leave_start")
TRUST_WIDE_ROLES = ("hr_admin", "executive_leader")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ReviewSnapshot:
    """Rows about a set of reviews, read together (Repo.review_snapshot); lists keep the order the
    one-review queries give (meetings by time, appeals and answers by id, objectives by number)."""

    reviews: dict[int, Review] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)  # cycle id -> year
    people: dict[int, tuple[Person, Organisation]] = field(default_factory=dict)
    appeals: dict[int, list[Appeal]] = field(default_factory=dict)  # review id -> appeals
    signatures: dict[int, list[Signature]] = field(default_factory=dict)  # review id -> signatures
    meetings: dict[int, list[Meeting]] = field(default_factory=dict)  # review id -> meetings
    objectives: dict[int, list[Objective]] = field(default_factory=dict)  # review id -> objectives
    answers: dict[int, list[PreparationAnswer]] = field(default_factory=dict)  # review id -> both sides
    sessions: dict[int, list[DialogSession]] = field(default_factory=dict)  # person id -> active, then paused
    objective_counts: dict[int, int] = field(default_factory=dict)  # review id -> how many (rows not read)
    exceptions: dict[int, list[_m.ReviewException]] = field(default_factory=dict)  # review id -> lifecycle exceptions

    def objective_count(self, review_id: int) -> int:
        counted = self.objective_counts.get(review_id)
        return counted if counted is not None else len(self.objectives.get(review_id, []))


@dataclass
class StatusSnapshot(ReviewSnapshot):
    """ReviewSnapshot for one person's status: their own review, the reviews they do, their direct
    reports with everyone's current review, and the appeals waiting for them."""

    own: Review | None = None
    reviewed: list[Review] = field(default_factory=list)  # reviews they do, by id
    reports: list[Person] = field(default_factory=list)  # direct reports, by name
    current: dict[int, Review] = field(default_factory=dict)  # team colleague id -> current review
    handled: list[Appeal] = field(default_factory=list)  # appeals they hear or handle, by id


class Repo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- organisations --------------------------------------------------------------------

    async def organisations(self) -> list[Organisation]:
        async with self.db.session() as s:
            return list((await s.exec(select(Organisation).order_by(Organisation.name))).all())

    async def organisation_by_name(self, name: str) -> Organisation | None:
        async with self.db.session() as s:
            return (await s.exec(select(Organisation).where(Organisation.name == name))).first()

    async def organisation(self, org_id: int) -> Organisation | None:
        async with self.db.session() as s:
            return await s.get(Organisation, org_id)

    async def upsert_organisation(self, name: str, kind: str, parent_id: int | None = None) -> Organisation:
        async with self.db.transaction() as s:
            org = (await s.exec(select(Organisation).where(Organisation.name == name))).first()
            if org is None:
                org = Organisation(name=name, kind=kind, parent_id=parent_id)
                s.add(org)
            else:
                org.kind = kind
                if parent_id is not None:
                    org.parent_id = parent_id
            await s.flush()
            return org

    # --- people ---------------------------------------------------------------------------

    async def person(self, person_id: int) -> Person | None:
        async with self.db.session() as s:
            return await s.get(Person, person_id)

    async def people(self, ids: Iterable[int]) -> dict[int, Person]:
        ids = list(set(ids))
        if not ids:
            return {}
        async with self.db.session() as s:
            rows = (await s.exec(select(Person).where(Person.id.in_(ids)))).all()  # type: ignore[union-attr]
            return {p.id: p for p in rows if p.id is not None}

    async def person_by_email(self, email: str) -> Person | None:
        async with self.db.session() as s:
            return (await s.exec(select(Person).where(func.lower(Person.email) == email.strip().lower()))).first()

    async def person_by_slack_id(self, slack_user_id: str) -> Person | None:
        async with self.db.session() as s:
            return (await s.exec(select(Person).where(Person.slack_user_id == slack_user_id))).first()

    async def person_by_teams_id(self, teams_user_id: str) -> Person | None:
        async with self.db.session() as s:
            return (await s.exec(select(Person).where(Person.teams_user_id == teams_user_id))).first()

    async def link_platform_id(self, person_id: int, channel: str, platform_user_id: str) -> None:
        """Remember a platform id found by email lookup, so the next message needs no lookup."""
        column = {"slack": "slack_user_id", "teams": "teams_user_id"}[channel]
        async with self.db.transaction() as s:
            await s.execute(update(Person).where(Person.id == person_id).values({column: platform_user_id}))  # type: ignore[call-overload]

    async def people_in(self, organisation_id: int | None = None, *, active_only: bool = True) -> list[Person]:
        async with self.db.session() as s:
            q = select(Person).order_by(Person.name)
            if organisation_id is not None:
                q = q.where(Person.organisation_id == organisation_id)
            if active_only:
                q = q.where(Person.active == True)  # noqa: E712
            return list((await s.exec(q)).all())

    async def all_people(self) -> list[Person]:
        return await self.people_in(None, active_only=False)

    async def save_person(self, person: Person) -> Person:
        async with self.db.transaction() as s:
            person.updated_at = _now()
            merged = await s.merge(person)
            await s.flush()
            return merged

    async def context(self, person_id: int) -> PersonContext | None:
        async with self.db.session() as s:
            return (await _context_where(s, Person.id == person_id))[0]

    async def context_by_platform_id(self, channel: str, platform_user_id: str) -> PersonContext | None:
        """The person a Slack or Teams user id (or, for any other channel, an email) belongs to, with their
        context, in one query."""
        async with self.db.session() as s:
            return (await _context_where(s, _platform_match(channel, platform_user_id)))[0]

    async def context_and_session(self, channel: str,
                                  platform_user_id: str) -> tuple[PersonContext | None, DialogSession | None]:
        """What every turn starts with, in one query: context_by_platform_id and the person's
        active_session."""
        async with self.db.session() as s:
            return await _context_where(s, _platform_match(channel, platform_user_id), with_session=True)

    async def line_managers(self, report_id: int) -> list[LineManagement]:
        async with self.db.session() as s:
            return list((await s.exec(select(LineManagement).where(LineManagement.report_id == report_id))).all())

    async def lead_managers(self) -> dict[int, int]:
        """report id -> lead line manager id (the first manager where none is marked lead)."""
        out: dict[int, int] = {}
        async with self.db.session() as s:
            for lm in (await s.exec(select(LineManagement).order_by(LineManagement.id))).all():
                if lm.is_lead:
                    out[lm.report_id] = lm.manager_id
                else:
                    out.setdefault(lm.report_id, lm.manager_id)
        return out

    async def direct_reports(self, manager_id: int) -> list[Person]:
        async with self.db.session() as s:
            q = (select(Person).join(LineManagement, LineManagement.report_id == Person.id)
                 .where(LineManagement.manager_id == manager_id).order_by(Person.name))
            return list((await s.exec(q)).all())

    async def set_line_managers(self, report_id: int, managers: Sequence[tuple[int, bool]]) -> None:
        async with self.db.transaction() as s:
            await s.execute(delete(LineManagement).where(LineManagement.report_id == report_id))  # type: ignore[call-overload]
            for manager_id, is_lead in managers:
                s.add(LineManagement(manager_id=manager_id, report_id=report_id, is_lead=is_lead))

    async def role_holders(self, role: str, organisation_id: int) -> list[Person]:
        async with self.db.session() as s:
            q = (select(Person).join(RoleGrant, RoleGrant.person_id == Person.id)
                 .where(RoleGrant.role == role, RoleGrant.organisation_id == organisation_id))
            return list((await s.exec(q)).all())

    async def roles_of(self, person_id: int) -> list[RoleGrant]:
        async with self.db.session() as s:
            return list((await s.exec(select(RoleGrant).where(RoleGrant.person_id == person_id))).all())

    async def set_roles(self, person_id: int, roles: Sequence[tuple[str, int]]) -> None:
        async with self.db.transaction() as s:
            await s.execute(delete(RoleGrant).where(RoleGrant.person_id == person_id))  # type: ignore[call-overload]
            for role, org_id in roles:
                s.add(RoleGrant(person_id=person_id, role=role, organisation_id=org_id))

    async def apply_roster(self, rows: Sequence[RosterPerson],
                           on_progress: Any = None) -> dict[str, int]:
        """Write a validated roster in one transaction; the same file twice changes nothing."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        unchanged: set[str] = set()
        async with self.db.transaction() as s:
            orgs = {o.name: o for o in (await s.exec(select(Organisation))).all()}
            for r in rows:
                org = orgs.get(r.organisation)
                if org is None:
                    org = Organisation(name=r.organisation, kind=r.organisation_kind)
                    s.add(org)
                    orgs[r.organisation] = org
                elif org.kind != r.organisation_kind:
                    org.kind = r.organisation_kind
            await s.flush()
            trusts = [o for o in orgs.values() if o.kind == "trust"]
            if len(trusts) == 1:
                for o in orgs.values():
                    if o.kind != "trust" and o.parent_id is None:
                        o.parent_id = trusts[0].id
            people = {p.email.lower(): p for p in (await s.exec(select(Person))).all()}
            for i, r in enumerate(rows, 1):
                org = orgs[r.organisation]
                person = people.get(r.email)
                values = {f: getattr(r, f) for f in ROSTER_FIELDS}
                if person is None:
                    person = Person(email=r.email, organisation_id=org.id, **values)  # type: ignore[arg-type]
                    s.add(person)
                    people[r.email] = person
                    counts["created"] += 1
                else:
                    changed = person.organisation_id != org.id or not person.active or any(
                        getattr(person, f) != v for f, v in values.items())
                    if changed:
                        for f, v in values.items():
                            setattr(person, f, v)
                        person.organisation_id, person.active, person.updated_at = org.id, True, _now()  # type: ignore[assignment]
                        counts["updated"] += 1
                    else:
                        counts["unchanged"] += 1
                        unchanged.add(r.email)
                if on_progress is not None and i % 200 == 0:
                    on_progress(i // 2)
            await s.flush()
            ids = [people[r.email].id for r in rows]
            existing_lm: dict[int, set[tuple[int, bool]]] = {}
            for lm in (await s.exec(select(LineManagement).where(LineManagement.report_id.in_(ids)))).all():  # type: ignore[union-attr]
                existing_lm.setdefault(lm.report_id, set()).add((lm.manager_id, lm.is_lead))
            existing_roles: dict[int, set[tuple[str, int]]] = {}
            for g in (await s.exec(select(RoleGrant).where(RoleGrant.person_id.in_(ids)))).all():  # type: ignore[union-attr]
                existing_roles.setdefault(g.person_id, set()).add((g.role, g.organisation_id))
            touched: set[int] = set()
            for i, r in enumerate(rows, 1):
                person = people[r.email]
                pid = person.id
                assert pid is not None
                wanted_lm = {(people[m].id, m == r.lead_manager) for m in r.managers}
                if wanted_lm != existing_lm.get(pid, set()):
                    await s.execute(delete(LineManagement).where(LineManagement.report_id == pid))
                    s.add_all(LineManagement(manager_id=m, report_id=pid, is_lead=lead) for m, lead in wanted_lm)  # type: ignore[arg-type]
                    touched.add(pid)
                org = orgs[r.organisation]
                home = org.parent_id if org.kind in ("central", "trust") and org.parent_id else org.id
                wanted_roles = {(role, home if role in TRUST_WIDE_ROLES else org.id) for role in r.roles}
                if wanted_roles != existing_roles.get(pid, set()):
                    await s.execute(delete(RoleGrant).where(RoleGrant.person_id == pid))
                    s.add_all(RoleGrant(person_id=pid, role=role, organisation_id=o) for role, o in wanted_roles)  # type: ignore[arg-type]
                    touched.add(pid)
                if on_progress is not None and i % 200 == 0:
                    on_progress(len(rows) // 2 + i // 2)
            # a person whose managers or roles changed (and nothing else) was "updated", not "unchanged"
            relinked = sum(1 for r in rows if people[r.email].id in touched and r.email in unchanged)
            counts["unchanged"] -= relinked
            counts["updated"] += relinked
        return counts

    # --- cycles and reviews ---------------------------------------------------------------

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
        reviewer, reviewer_org = _REVIEWER, _REVIEWER_ORG
        async with self.db.session() as s:
            objective_count = (select(func.count(Objective.id)).where(Objective.review_id == Review.id)  # type: ignore[arg-type]
                               .correlate(Review).scalar_subquery())
            q = (select(Review, Cycle.year, reviewer, reviewer_org, objective_count)
                 .join(Cycle, Cycle.id == Review.cycle_id)  # type: ignore[arg-type]
                 .outerjoin(reviewer, reviewer.id == Review.reviewer_id)  # type: ignore[arg-type]
                 .outerjoin(reviewer_org, reviewer_org.id == reviewer.organisation_id)  # type: ignore[arg-type]
                 .where(or_(Review.colleague_id == person_id, Review.reviewer_id == person_id))
                 .order_by(Cycle.year.desc(), Review.id))  # type: ignore[attr-defined]
            for review, year, their_reviewer, their_org, how_many in (await s.exec(q)).all():
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
            q_reports = (select(Person).join(LineManagement, LineManagement.report_id == Person.id)  # type: ignore[arg-type]
                         .where(LineManagement.manager_id == person_id).order_by(Person.name))
            snap.reports = list((await s.exec(q_reports)).all())
            team = {r.colleague_id for r in snap.reviewed} | {p.id for p in snap.reports if p.id is not None}
            if team:
                q_current = (select(Review, Cycle.year).join(Cycle, Cycle.id == Review.cycle_id)  # type: ignore[arg-type]
                             .where(Review.colleague_id.in_(team))  # type: ignore[attr-defined]
                             .order_by(Cycle.year.desc(), Review.id))  # type: ignore[attr-defined]
                for review, year in (await s.exec(q_current)).all():
                    snap.years[review.cycle_id] = year
                    snap.current.setdefault(review.colleague_id, review)
            shown = [snap.own] if snap.own is not None else []
            shown += [r for r in snap.reviewed if snap.current.get(r.colleague_id) is not None
                      and snap.current[r.colleague_id].id == r.id and r.stage != "closed"]
            snap.reviews.update({r.id: r for r in shown if r.id is not None})
            ids = sorted(snap.reviews)
            handled = and_(or_(Appeal.handler_id == person_id, Appeal.hearing_by_id == person_id),
                           Appeal.stage.in_(list(appeal_stages)))  # type: ignore[attr-defined]
            q_appeals = select(Appeal).where(or_(Appeal.review_id.in_(ids), handled) if ids else handled)  # type: ignore[attr-defined]
            stages = set(appeal_stages)
            for appeal in (await s.exec(q_appeals.order_by(Appeal.id))).all():
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

    async def save(self, row: Any) -> Any:
        """Insert or update one row and give back the stored, detached copy."""
        async with self.db.transaction() as s:
            if hasattr(row, "updated_at"):
                row.updated_at = _now()
            merged = await s.merge(row)
            await s.flush()
            await s.refresh(merged)
            return merged

    async def save_all(self, rows: Sequence[Any]) -> list[Any]:
        async with self.db.transaction() as s:
            out = [await s.merge(r) for r in rows]
            await s.flush()
            return out

    # --- meetings -------------------------------------------------------------------------

    async def meetings_for(self, review_id: int) -> list[Meeting]:
        async with self.db.session() as s:
            q = select(Meeting).where(Meeting.review_id == review_id).order_by(Meeting.starts_at)
            return list((await s.exec(q)).all())

    async def meeting(self, meeting_id: int) -> Meeting | None:
        async with self.db.session() as s:
            return await s.get(Meeting, meeting_id)

    # --- preparation ----------------------------------------------------------------------

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

    # --- objectives and the form ----------------------------------------------------------

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

    # --- check-ins ------------------------------------------------------------------------

    async def checkins(self, person_id: int, limit: int = 50) -> list[CheckIn]:
        async with self.db.session() as s:
            q = select(CheckIn).where(CheckIn.person_id == person_id).order_by(CheckIn.created_at.desc()).limit(limit)  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    # --- support plans and improvement plans ----------------------------------------------

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

    # --- appeals --------------------------------------------------------------------------

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

    # --- dialog sessions ------------------------------------------------------------------

    async def active_session(self, person_id: int) -> DialogSession | None:
        async with self.db.session() as s:
            q = (select(DialogSession).where(DialogSession.person_id == person_id, DialogSession.status == "active")
                 .order_by(DialogSession.updated_at.desc()))  # type: ignore[attr-defined]
            return (await s.exec(q)).first()

    async def paused_sessions(self, person_id: int) -> list[DialogSession]:
        async with self.db.session() as s:
            q = (select(DialogSession).where(DialogSession.person_id == person_id, DialogSession.status == "paused")
                 .order_by(DialogSession.updated_at.desc()))  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    async def dialog_session(self, session_id: int) -> DialogSession | None:
        async with self.db.session() as s:
            return await s.get(DialogSession, session_id)

    async def start_session(self, person_id: int, dialog_id: str, version: int, state: dict[str, Any],
                            subject_person_id: int | None, channel: str) -> DialogSession:
        """Open a session; any other active one of this person is paused, never lost."""
        async with self.db.transaction() as s:
            await s.execute(update(DialogSession)  # type: ignore[call-overload]
                         .where(DialogSession.person_id == person_id, DialogSession.status == "active")
                         .values(status="paused", updated_at=_now(), revision=DialogSession.revision + 1))
            row = DialogSession(person_id=person_id, dialog_id=dialog_id, dialog_version=version, state=state,
                                subject_person_id=subject_person_id, channel=channel)
            s.add(row)
            await s.flush()
            return row

    async def save_session(self, session_id: int, expected_revision: int, state: dict[str, Any],
                           status: str, channel: str = "") -> int:
        """Write the state if nobody else has since; returns the new revision or raises StaleRevision."""
        async with self.db.transaction() as s:
            values: dict[str, Any] = {"state": state, "status": status, "revision": expected_revision + 1,
                                      "updated_at": _now()}
            if channel:
                values["channel"] = channel
            result = await s.execute(update(DialogSession)  # type: ignore[call-overload]
                                  .where(DialogSession.id == session_id, DialogSession.revision == expected_revision)
                                  .values(values))
            if result.rowcount != 1:
                raise StaleRevision(f"dialog session {session_id} moved past revision {expected_revision}")
            return expected_revision + 1

    async def set_session_status(self, session_id: int, status: str) -> None:
        async with self.db.transaction() as s:
            await s.execute(update(DialogSession).where(DialogSession.id == session_id)  # type: ignore[call-overload]
                         .values(status=status, updated_at=_now(), revision=DialogSession.revision + 1))

    # --- conversation references ----------------------------------------------------------

    async def conversation_reference(self, person_id: int, channel: str) -> dict[str, Any] | None:
        async with self.db.session() as s:
            row = (await s.exec(select(ConversationReference).where(
                ConversationReference.person_id == person_id, ConversationReference.channel == channel))).first()
            return dict(row.reference) if row else None

    async def delete_conversation_reference(self, person_id: int, channel: str) -> bool:
        """Forget how to reach someone on a channel (they removed the app): reminders go another way."""
        async with self.db.transaction() as s:
            result = await s.execute(delete(ConversationReference).where(  # type: ignore[arg-type]
                ConversationReference.person_id == person_id, ConversationReference.channel == channel))
            return bool(result.rowcount)

    async def save_conversation_reference(self, person_id: int, channel: str, reference: dict[str, Any]) -> None:
        async with self.db.transaction() as s:
            row = (await s.exec(select(ConversationReference).where(
                ConversationReference.person_id == person_id, ConversationReference.channel == channel))).first()
            if row is None:
                s.add(ConversationReference(person_id=person_id, channel=channel, reference=reference))
            else:
                row.reference, row.updated_at = reference, _now()

    # --- file offers (Teams file consent) --------------------------------------------------

    async def save_file_offer(self, offer: FileOffer) -> FileOffer:
        async with self.db.transaction() as s:
            s.add(offer)
            await s.flush()
            return offer

    async def file_offer(self, token: str) -> FileOffer | None:
        async with self.db.session() as s:
            return (await s.exec(select(FileOffer).where(FileOffer.token == token))).first()

    async def delete_file_offer(self, token: str) -> bool:
        async with self.db.transaction() as s:
            result = await s.execute(delete(FileOffer).where(FileOffer.token == token))  # type: ignore[arg-type]
            return bool(result.rowcount)

    async def purge_file_offers(self, before: datetime) -> int:
        """Offers nobody accepted: they hold a copy of a confidential document, so they don't linger."""
        async with self.db.transaction() as s:
            result = await s.execute(delete(FileOffer).where(FileOffer.created_at < before))  # type: ignore[arg-type]
            return int(result.rowcount or 0)

    # --- reminders ------------------------------------------------------------------------

    async def enqueue(self, reminder: Reminder) -> bool:
        """Insert a reminder unless one with its dedupe key exists; True if inserted."""
        async with self.db.transaction() as s:
            existing = (await s.exec(select(Reminder.id).where(Reminder.dedupe_key == reminder.dedupe_key))).first()
            if existing is not None:
                return False
            s.add(reminder)
            return True

    async def reminders(self, status: str | None = "pending", limit: int = 1000) -> list[Reminder]:
        async with self.db.session() as s:
            q = select(Reminder).order_by(Reminder.due_at).limit(limit)
            if status is not None:
                q = q.where(Reminder.status == status)
            return list((await s.exec(q)).all())

    async def pending_reminders_for(self, recipient_id: int, limit: int = 20) -> list[Reminder]:
        """A person's pending reminders, soonest first (their App Home / status "what's next")."""
        async with self.db.session() as s:
            q = (select(Reminder).where(Reminder.recipient_id == recipient_id, Reminder.status == "pending")
                 .order_by(Reminder.due_at).limit(limit))
            return list((await s.exec(q)).all())

    async def reminder(self, reminder_id: int) -> Reminder | None:
        async with self.db.session() as s:
            return await s.get(Reminder, reminder_id)

    async def reminders_by_keys(self, keys: Sequence[str]) -> dict[str, Reminder]:
        if not keys:
            return {}
        async with self.db.session() as s:
            rows = (await s.exec(select(Reminder).where(Reminder.dedupe_key.in_(list(keys))))).all()  # type: ignore[attr-defined]
            return {r.dedupe_key: r for r in rows}

    async def planner_rows_by_keys(self, keys: Sequence[str]) -> dict[str, Any]:
        """Light rows (the columns the planner compares, no ORM objects) of these dedupe keys."""
        if not keys:
            return {}
        async with self.db.session() as s:
            if self.db.is_postgres:  # one array parameter: PostgreSQL plans an IN of thousands slowly
                from sqlalchemy import String, any_, bindparam
                from sqlalchemy.dialects.postgresql import ARRAY

                match = Reminder.dedupe_key == any_(bindparam("keys", list(keys), type_=ARRAY(String)))
            else:
                match = Reminder.dedupe_key.in_(list(keys))  # type: ignore[attr-defined]
            q = select(*_PLANNER_COLUMNS).where(match)  # type: ignore[call-overload]
            return {r.dedupe_key: r for r in (await s.execute(q)).all()}

    async def pending_planned(self, *, review_ids: Sequence[int] = (), person_ids: Sequence[int] = (),
                              key_prefix: str = "") -> list[Any]:
        """Pending planner rows (light: id and dedupe_key) of one scope: reviews (by review_id),
        people (by subject) or a key prefix.

        The status is checked here, not in SQL: with ``status = 'pending'`` in the WHERE clause an
        unanalysed SQLite picks the (status, due_at) index and reads every pending row of the outbox
        for each batch; by review or subject it reads only the batch's own rows. A key prefix is
        also a range on the unique dedupe_key index (exact under SQLite's binary collation; the
        LIKE keeps it exact on PostgreSQL whatever the collation)."""
        async with self.db.session() as s:
            q = select(Reminder.id, Reminder.dedupe_key, Reminder.status)
            if review_ids:
                q = q.where(Reminder.review_id.in_(list(review_ids)),  # type: ignore[union-attr]
                            Reminder.dedupe_key.like("plan:review:%"))  # type: ignore[attr-defined]
            elif person_ids:
                q = q.where(Reminder.subject_person_id.in_(list(person_ids)),  # type: ignore[union-attr]
                            Reminder.dedupe_key.like("plan:person:%"))  # type: ignore[attr-defined]
            elif key_prefix:
                prefix = key_prefix.replace("%", "").replace("_", "")
                q = q.where(Reminder.dedupe_key.like(key_prefix.replace("%", "") + "%"))  # type: ignore[attr-defined]
                if not self.db.is_postgres and prefix == key_prefix and prefix:
                    q = q.where(Reminder.dedupe_key >= prefix,
                                Reminder.dedupe_key < prefix[:-1] + chr(ord(prefix[-1]) + 1))
            else:
                return []
            return [r for r in (await s.execute(q)).all() if r.status == "pending"]

    async def apply_plan(self, inserts: Sequence[dict[str, Any]], updates: Sequence[tuple[int, dict[str, Any]]],
                         reactivate: Sequence[tuple[int, dict[str, Any]]], cancel_ids: Sequence[int]) -> None:
        """One planning batch in one transaction. Inserts skip keys another worker just inserted;
        updates and cancels touch only rows still pending (a claimed row is left to its worker)."""
        async with self.db.transaction() as s:
            if inserts:  # one compiled statement, executed for many parameter sets
                insert_fn = _dialect_insert(self.db)
                conn = await s.connection()  # Core executemany: one round trip, not one per row
                if self.db.is_postgres:  # psycopg's executemany runs one INSERT per row: send columns instead
                    names = list(inserts[0])
                    await conn.execute(_pg_unnest_insert(tuple(names)),
                                       {name: [row[name] for row in inserts] for name in names})
                else:
                    await conn.execute(insert_fn(Reminder.__table__).on_conflict_do_nothing(  # type: ignore[attr-defined]
                        index_elements=["dedupe_key"]), list(inserts))
            for rid, values in updates:
                await s.execute(update(Reminder).where(Reminder.id == rid, Reminder.status == "pending")  # type: ignore[call-overload]
                                .values(values))
            for rid, values in reactivate:
                await s.execute(update(Reminder).where(Reminder.id == rid, Reminder.status == "cancelled")  # type: ignore[call-overload]
                                .values({**values, "status": "pending", "attempts": 0, "last_error": ""}))
            if cancel_ids:
                await s.execute(update(Reminder)  # type: ignore[call-overload]
                                .where(Reminder.id.in_(list(cancel_ids)), Reminder.status == "pending")  # type: ignore[union-attr]
                                .values(status="cancelled"))

    async def release_expired_leases(self, now: datetime) -> int:
        """A crashed worker's claimed rows go back to pending when their lease ends."""
        async with self.db.transaction() as s:
            result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                     .where(Reminder.status == "claimed", Reminder.lease_until < now)  # type: ignore[operator]
                                     .values(status="pending", claimed_by="", lease_until=None))
            return int(result.rowcount or 0)

    async def claim_due(self, worker: str, now: datetime, lease_until: datetime, limit: int,
                        skip_recipients: Collection[int] = ()) -> list[Reminder]:
        """Claim up to ``limit`` due rows for ``worker``, atomically, none for ``skip_recipients`` (people
        whose earlier reminders this worker is still delivering: theirs wait, in order, behind them).

        PostgreSQL: in one transaction, SELECT ... FOR UPDATE SKIP LOCKED LIMIT n, then UPDATE those ids
        (two statements: an UPDATE ... WHERE id IN (SELECT ... SKIP LOCKED LIMIT n) may rescan the
        subquery and take more than n rows). Concurrent workers skip each other's locked rows.
        SQLite: one UPDATE ... WHERE status='pending' AND id IN (SELECT ... LIMIT n) RETURNING id, run
        under the database write lock; a row another worker claimed in between no longer matches.
        """
        due = (select(Reminder.id).where(Reminder.status == "pending", Reminder.due_at <= now)  # type: ignore[arg-type]
               .order_by(Reminder.due_at, Reminder.id).limit(limit))  # type: ignore[arg-type]
        if skip_recipients:
            due = due.where(Reminder.recipient_id.not_in(list(skip_recipients)))  # type: ignore[attr-defined]
        claim = dict(status="claimed", claimed_by=worker, lease_until=lease_until)
        async with self.db.transaction() as s:
            if self.db.is_postgres:
                ids = list((await s.exec(due.with_for_update(skip_locked=True))).all())
                if ids:
                    await s.execute(update(Reminder).where(Reminder.id.in_(ids)).values(claim))  # type: ignore[call-overload, union-attr]
            else:
                stmt = (update(Reminder)  # type: ignore[call-overload]
                        .where(Reminder.status == "pending", Reminder.id.in_(due.scalar_subquery()))  # type: ignore[union-attr]
                        .values(claim).returning(Reminder.id))
                ids = [row[0] for row in (await s.execute(stmt)).all()]
            if not ids:
                return []
            rows = (await s.exec(select(Reminder).where(Reminder.id.in_(ids)))).all()  # type: ignore[union-attr]
            return sorted(rows, key=lambda r: (r.due_at, r.id or 0))

    async def release_claims(self, worker: str, ids: Collection[int]) -> int:
        """Rows ``worker`` claimed but will not send now go back to pending as they were (due time,
        attempts), so they stay first in line."""
        if not ids:
            return 0
        async with self.db.transaction() as s:
            result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                     .where(Reminder.id.in_(list(ids)), Reminder.status == "claimed",  # type: ignore[union-attr]
                                            Reminder.claimed_by == worker)
                                     .values(status="pending", claimed_by="", lease_until=None))
            return int(result.rowcount or 0)

    async def finish_claims(self, worker: str, outcomes: Sequence[tuple[int, dict[str, Any]]]) -> set[int]:
        """Write many outcomes in one transaction (one commit, one turn at SQLite's write lock), each only
        if this worker still holds that row; the ids written."""
        written: set[int] = set()
        if not outcomes:
            return written
        async with self.db.transaction() as s:
            for reminder_id, values in outcomes:
                result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                         .where(Reminder.id == reminder_id, Reminder.status == "claimed",
                                                Reminder.claimed_by == worker)
                                         .values({"claimed_by": "", "lease_until": None, **values}))
                if result.rowcount == 1:
                    written.add(reminder_id)
        return written

    async def finish_claim(self, reminder_id: int, worker: str, values: dict[str, Any]) -> bool:
        """Write the outcome of a claimed row, only if this worker still holds it."""
        async with self.db.transaction() as s:
            result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                     .where(Reminder.id == reminder_id, Reminder.status == "claimed",
                                            Reminder.claimed_by == worker)
                                     .values({"claimed_by": "", "lease_until": None, **values}))
            return bool(result.rowcount == 1)

    async def reminders_due_between(self, start: datetime, end: datetime, status: str = "pending",
                                    limit: int = 10000) -> list[Reminder]:
        async with self.db.session() as s:
            q = (select(Reminder).where(Reminder.status == status, Reminder.due_at >= start,  # type: ignore[arg-type]
                                        Reminder.due_at <= end)  # type: ignore[arg-type]
                 .order_by(Reminder.due_at).limit(limit))
            return list((await s.exec(q)).all())

    # planning reads, each one batch at a time (keyset pagination: no whole-table loads)

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

    # --- audit ----------------------------------------------------------------------------

    async def audit(self, *, actor_id: int | None, action: str, record_type: str, record_id: int | None = None,
                    subject_person_id: int | None = None, channel: str = "", actor_identity: str = "",
                    detail: dict[str, Any] | None = None) -> None:
        async with self.db.transaction() as s:
            s.add(AuditEvent(actor_id=actor_id, action=action, record_type=record_type, record_id=record_id,
                             subject_person_id=subject_person_id, channel=channel, actor_identity=actor_identity,
                             detail=detail or {}))

    async def audit_events(self, subject_person_id: int | None = None, limit: int = 500) -> list[AuditEvent]:
        async with self.db.session() as s:
            q = select(AuditEvent).order_by(AuditEvent.at.desc()).limit(limit)  # type: ignore[attr-defined]
            if subject_person_id is not None:
                q = q.where(or_(AuditEvent.subject_person_id == subject_person_id,
                                AuditEvent.actor_id == subject_person_id))
            return list((await s.exec(q)).all())

    async def wipe_all(self) -> None:
        """Delete every row (``cadence demo --reset``); the schema stays."""
        from sqlmodel import SQLModel

        async with self.db.transaction() as s:
            for table in reversed(SQLModel.metadata.sorted_tables):
                await s.execute(table.delete())

    async def audit_about(self, subject_person_id: int, limit: int = 5000) -> list[AuditEvent]:
        """Every event about one colleague's records, oldest first (``cadence audit``, subject access)."""
        async with self.db.session() as s:
            q = (select(AuditEvent).where(AuditEvent.subject_person_id == subject_person_id)
                 .order_by(AuditEvent.at, AuditEvent.id).limit(limit))  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

    async def audit_tombstones(self) -> list[AuditEvent]:
        """The anonymous records the retention purge leaves behind (10.3)."""
        async with self.db.session() as s:
            q = select(AuditEvent).where(AuditEvent.action == "purge").order_by(AuditEvent.at)  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

    # --- retention ------------------------------------------------------------------------

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
                                 ("input_request", _m.InputRequest), ("review_exception", _m.ReviewException), ("meeting", Meeting), ("reminder", Reminder)):
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

    # --- the lifecycle's exceptions and 4.4 checks (store.repos.lifecycle) ---------------------

    async def review_exceptions(self, review_ids: Sequence[int]) -> dict[int, list[_m.ReviewException]]:
        async with self.db.session() as s:
            return await _lifecycle.exceptions_of(s, review_ids)

    async def record_review_exception(self, review_id: int, step: str, reason: str, by: int,
                                      at: datetime) -> _m.ReviewException:
        async with self.db.transaction() as s:
            return await _lifecycle.record_exception(s, review_id, step, reason, by, at)

    async def appeals_told(self, review_ids: Sequence[int]) -> set[int]:
        async with self.db.session() as s:
            return await _lifecycle.appeals_told(s, review_ids)

    async def moderation_checks(self, organisation_ids: Sequence[int]) -> dict[tuple[int, int], _m.ModerationCheck]:
        async with self.db.session() as s:
            return await _lifecycle.moderation_checks(s, organisation_ids)

    async def record_moderation_check(self, organisation_id: int, year: int, by: int, note: str,
                                      at: datetime) -> _m.ModerationCheck:
        async with self.db.transaction() as s:
            return await _lifecycle.record_moderation_check(s, organisation_id, year, by, note, at)

    async def diary(self, person_ids: Sequence[int], start: datetime, end: datetime
                    ) -> tuple[list[tuple[Meeting, Review]], list[_m.Appeal]]:
        """The scheduled review meetings and appeal hearings of these people between ``start`` and ``end``."""
        async with self.db.session() as s:
            return (await _diary.review_meetings_of(s, person_ids, start, end),
                    await _diary.hearings_of(s, person_ids, start, end))

    # --- records: exports, overview and the governors' report ----------------------------

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


_PLANNER_COLUMNS = (Reminder.id, Reminder.dedupe_key, Reminder.status, Reminder.kind, Reminder.recipient_id,
                    Reminder.subject, Reminder.body, Reminder.deadline, Reminder.clause, Reminder.action,
                    Reminder.escalation_level, Reminder.subject_person_id, Reminder.review_id)


_PLANNING_REVIEW_COLUMNS = (Review.id, Review.colleague_id, Review.reviewer_id, Review.delegated,
                            Review.planning_submitted_at, Review.midyear_submitted_at, Review.eoy_submitted_at,
                            Review.report_delivered_on, Review.retain_until)
_PLANNING_PERSON_COLUMNS = (Person.id, Person.name, Person.organisation_id, Person.active, Person.employment_type,
                            Person.extended_agency, Person.on_induction, Person.in_capability, Person.start_date,
                            Person.contract_end, Person.last_day, Person.leave_start, Person.leadership_role,
                            Person.checkin_cadence, Person.legal_hold)


async def _fill_snapshot(s: Any, snap: ReviewSnapshot, person_ids: Iterable[int], *,
                         objectives_for: Sequence[int] = (), sessions_for: Sequence[int] = (),
                         appeals_read: bool = False) -> None:
    """The rows about ``snap.reviews``, one query per kind and only where a row could matter: their
    appeals (unless read already); the people named (colleagues, reviewers, appeal handlers and
    ``person_ids``, but not those in ``snap.people`` already) with their organisations; signatures, for
    a review with a part submitted (only those are signed, Annex 1); meetings; the objectives of
    ``objectives_for``; and for a review still in preparation its Annex 2 answers and, for
    ``sessions_for``, the colleague's open or paused dialog sessions (answers not yet saved)."""
    ids = sorted(snap.reviews)
    if ids and not appeals_read:
        q_appeals = select(Appeal).where(Appeal.review_id.in_(ids)).order_by(Appeal.id)  # type: ignore[attr-defined]
        for appeal in (await s.exec(q_appeals)).all():
            snap.appeals.setdefault(appeal.review_id, []).append(appeal)
    wanted = set(person_ids)
    for review in snap.reviews.values():
        wanted.add(review.colleague_id)
        if review.reviewer_id:
            wanted.add(review.reviewer_id)
    for appeals in snap.appeals.values():
        wanted.update(i for a in appeals for i in (a.hearing_by_id, a.handler_id) if i)
    snap.people.update(await _people_with_organisations(s, sorted(wanted - set(snap.people))))
    if not ids:
        return
    submitted = [r.id for r in snap.reviews.values()
                 if r.planning_submitted_at or r.midyear_submitted_at or r.eoy_submitted_at]
    if submitted:
        q_signed = select(Signature).where(Signature.subject_type == "review",
                                           Signature.subject_id.in_(submitted))  # type: ignore[attr-defined]
        for signature in (await s.exec(q_signed)).all():
            snap.signatures.setdefault(signature.subject_id, []).append(signature)
    q_meetings = (select(Meeting).where(Meeting.review_id.in_(ids))  # type: ignore[attr-defined]
                  .order_by(Meeting.starts_at, Meeting.id))
    for meeting in (await s.exec(q_meetings)).all():
        snap.meetings.setdefault(meeting.review_id, []).append(meeting)
    snap.exceptions.update(await _lifecycle.exceptions_of(s, ids))
    if objectives_for:
        q_objectives = (select(Objective).where(Objective.review_id.in_(list(objectives_for)))  # type: ignore[attr-defined]
                        .order_by(Objective.number))
        for objective in (await s.exec(q_objectives)).all():
            snap.objectives.setdefault(objective.review_id, []).append(objective)
    preparing = [r for r in snap.reviews.values()
                 if r.stage in ("preparation", "planning") and r.planning_submitted_at is None]
    if not preparing:
        return
    q_answers = (select(PreparationAnswer)
                 .where(PreparationAnswer.review_id.in_([r.id for r in preparing]))  # type: ignore[attr-defined]
                 .order_by(PreparationAnswer.id))
    for answer in (await s.exec(q_answers)).all():
        snap.answers.setdefault(answer.review_id, []).append(answer)
    colleagues = {r.colleague_id for r in preparing if r.id in set(sessions_for)}
    if not colleagues:
        return
    q_sessions = (select(DialogSession)
                  .where(DialogSession.person_id.in_(colleagues),  # type: ignore[attr-defined]
                         DialogSession.status.in_(("active", "paused")))  # type: ignore[attr-defined]
                  .order_by(DialogSession.updated_at.desc()))  # type: ignore[attr-defined]
    active: set[int] = set()
    for session in (await s.exec(q_sessions)).all():
        if session.status == "active":
            if session.person_id in active:
                continue  # as active_session: only the newest active one
            active.add(session.person_id)
            snap.sessions.setdefault(session.person_id, []).insert(0, session)
        else:
            snap.sessions.setdefault(session.person_id, []).append(session)


async def _context_where(s: Any, where: Any, *, with_session: bool = False) -> tuple[PersonContext | None, Any]:
    """One person (the first matching ``where``) with organisation, roles and line managers in one query
    (a row per role and line manager), and with ``with_session`` their newest active dialog session."""
    entities: list[Any] = [Person, Organisation, RoleGrant.role, LineManagement]
    q = select(*entities)
    if with_session:
        newest = (select(DialogSession.id)
                  .where(DialogSession.person_id == Person.id, DialogSession.status == "active")
                  .order_by(DialogSession.updated_at.desc())  # type: ignore[attr-defined]
                  .limit(1).correlate(Person).scalar_subquery())
        q = select(*entities, DialogSession).outerjoin(DialogSession, DialogSession.id == newest)  # type: ignore[arg-type]
    q = (q.join(Organisation, Organisation.id == Person.organisation_id)  # type: ignore[arg-type]
         .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)  # type: ignore[arg-type]
         .outerjoin(LineManagement, LineManagement.report_id == Person.id)  # type: ignore[arg-type]
         .where(where).order_by(Person.id, LineManagement.id))  # type: ignore[arg-type]
    rows = (await s.exec(q)).all()
    if not rows:
        return None, None
    person, org = rows[0][0], rows[0][1]
    mine = [row for row in rows if row[0].id == person.id]
    roles = frozenset(row[2] for row in mine if row[2] is not None)
    lms: dict[int, LineManagement] = {}
    for row in mine:
        if row[3] is not None:
            lms.setdefault(row[3].id, row[3])
    managers = list(lms.values())
    lead = next((lm.manager_id for lm in managers if lm.is_lead), managers[0].manager_id if managers else None)
    context = PersonContext(person, org, roles, tuple(lm.manager_id for lm in managers), lead)
    return context, (rows[0][4] if with_session else None)


_REVIEWER, _REVIEWER_ORG = aliased(Person, name="reviewer"), aliased(Organisation, name="reviewer_org")


def _platform_match(channel: str, platform_user_id: str) -> Any:
    column = {"slack": Person.slack_user_id, "teams": Person.teams_user_id}.get(channel)
    if column is not None:
        return column == platform_user_id
    return func.lower(Person.email) == platform_user_id.strip().lower()


async def _people_with_organisations(s: Any, ids: list[int]) -> dict[int, tuple[Person, Organisation]]:
    if not ids:
        return {}
    q = (select(Person, Organisation).join(Organisation, Organisation.id == Person.organisation_id)  # type: ignore[arg-type]
         .where(Person.id.in_(ids)))  # type: ignore[union-attr]
    return {p.id: (p, o) for p, o in (await s.exec(q)).all()}


@lru_cache(maxsize=1)
def _delegated_statements_query() -> Any:
    from sqlalchemy import bindparam
    from sqlalchemy.orm import aliased

    colleague, reviewer = aliased(Person), aliased(Person)
    return (select(Cycle.year, Review.id, colleague.name, reviewer.name)  # type: ignore[call-overload]
            .join(Cycle, Cycle.id == Review.cycle_id)
            .join(colleague, colleague.id == Review.colleague_id)
            .join(reviewer, reviewer.id == Review.reviewer_id)
            .where(Cycle.organisation_id == bindparam("organisation_id"), Review.delegated == True,  # noqa: E712
                   Review.planning_submitted_at.is_not(None)))  # type: ignore[union-attr]


@lru_cache(maxsize=4)
def _pg_unnest_insert(names: tuple[str, ...]) -> Any:
    """INSERT INTO reminder (...) SELECT * FROM unnest(one array per column) ON CONFLICT DO NOTHING:
    one statement per planning batch on PostgreSQL, its text the same for every batch."""
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    columns = Reminder.__table__.c  # type: ignore[attr-defined]
    dialect = postgresql.dialect()
    arrays = ", ".join(f"CAST(:{n} AS {columns[n].type.compile(dialect=dialect)}[])" for n in names)
    return text(f"INSERT INTO reminder ({', '.join(names)}) SELECT * FROM unnest({arrays}) "
                "ON CONFLICT (dedupe_key) DO NOTHING")


def _dialect_insert(db: Database) -> Any:
    if db.is_postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def as_date(value: str) -> date:
    return date.fromisoformat(value)

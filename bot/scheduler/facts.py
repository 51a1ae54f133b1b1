"""Reads the store one batch at a time and turns rows into the plain facts of bot.scheduler.rules.

Shared by the planner (which writes the outbox) and ``cadence simulate`` (which only prints).
Nothing here loads a whole table: reviews and people are read in keyset-paginated batches, and
per batch only the meetings, answers, signatures, appeals, managers, check-ins and plans of that
batch. Organisations and role grants (a few per organisation) are read once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.policy.eligibility import RosterFacts, eligibility
from bot.scheduler import rules
from bot.scheduler.rules import (
    AppealFacts,
    CycleStatus,
    MeetingFacts,
    OrgFacts,
    PersonFacts,
    PlanFacts,
    Planned,
    ReviewFacts,
    Span,
    StatementFacts,
)
from store.models import Organisation
from store.repos import plan_changes

HEAD_ROLES = ("headteacher", "executive_leader")
ORG_KEY_PREFIX = f"{rules.KEY_PREFIX}org:"  # every organisation batch's key prefix starts with this


def org_key_prefix(org_id: int) -> str:
    """The dedupe-key prefix of one organisation's planner rows ("plan:org:7:")."""
    return f"{ORG_KEY_PREFIX}{org_id}:"


@dataclass(frozen=True)
class Batch:
    """Reminders planned for one scope, with what identifies the scope's existing rows."""

    scope: str  # "reviews" | "people" | "org" | "colleagues" (both of a replan)
    planned: list[Planned]
    review_ids: tuple[int, ...] = ()
    person_ids: tuple[int, ...] = ()
    key_prefix: str = ""
    # people batches: in how many days the date alone changes each person's reminders (None: never)
    changes_in: dict[int, int | None] = field(default_factory=dict)

    @classmethod
    def joined(cls, batches: Sequence[Batch]) -> Batch:
        """Reviews' and people's batches as one ("colleagues"): their scopes together, no key prefix."""
        assert not any(b.key_prefix for b in batches), "organisations' batches are not joined"
        return cls("colleagues", [p for b in batches for p in b.planned],
                   review_ids=tuple(i for b in batches for i in b.review_ids),
                   person_ids=tuple(i for b in batches for i in b.person_ids),
                   changes_in={k: v for b in batches for k, v in b.changes_in.items()})


def is_enrolled(p: Any) -> bool:
    """Policy 1.1 / 1.2 through bot.policy.eligibility; leavers (inactive) get nothing either.
    ``p`` is a Person or a planning row of one (store.repos.planning's person_batch / planning_people)."""
    if not p.active:
        return False
    return eligibility(RosterFacts(employment_type=p.employment_type, extended_agency=p.extended_agency,
                                   on_induction=p.on_induction, in_capability=p.in_capability,
                                   start_date=p.start_date, contract_end=p.contract_end)).enrolled


class FactSource:
    def __init__(self, app: Any, batch_size: int = 500) -> None:
        self.app = app
        self.repos = app.repos
        self.batch_size = batch_size
        self.orgs: dict[int, OrgFacts] = {}
        self._org_rows: dict[int, Organisation] = {}
        self._heads: set[int] = set()
        # a replan of a few colleagues reads their person rows and managers once for both scopes
        self._memo: dict[str, tuple[set[int], dict[int, Any]]] | None = None

    def remember_people(self) -> None:
        """Keep person rows and lead managers once read (only for a few colleagues: memory stays flat)."""
        self._memo = {"people": (set(), {}), "leads": (set(), {})}

    async def _remembered(self, kind: str, ids: Sequence[int], read: Any) -> dict[int, Any]:
        if self._memo is None:
            return dict(await read(ids))
        asked, known = self._memo[kind]
        missing = sorted(set(ids) - asked)
        if missing:
            known.update(await read(missing))
            asked.update(missing)
        return {i: known[i] for i in ids if i in known}

    async def people_of(self, ids: Sequence[int]) -> dict[int, Any]:
        return await self._remembered("people", ids, self.repos.planning.planning_people)

    async def leads_of(self, ids: Sequence[int]) -> dict[int, int]:
        return await self._remembered("leads", ids, self.repos.planning.lead_managers_of)

    async def load_orgs(self) -> None:
        rows = await self.repos.people.organisations()
        self._org_rows = {o.id: o for o in rows if o.id is not None}
        direct: dict[int, dict[str, list[int]]] = {}
        for g in await self.repos.planning.role_grants():
            direct.setdefault(g.organisation_id, {}).setdefault(g.role, []).append(g.person_id)
            if g.role in HEAD_ROLES:
                self._heads.add(g.person_id)
        services = self.app.services
        tz = self.app.settings.timezone
        roles = {r for d in direct.values() for r in d}
        for oid, o in self._org_rows.items():
            holders: dict[str, tuple[int, ...]] = {}
            for role in roles:
                cursor: Organisation | None = o
                seen: set[int] = set()
                while cursor is not None and cursor.id not in seen:
                    seen.add(cursor.id)  # type: ignore[arg-type]
                    found = direct.get(cursor.id, {}).get(role)  # type: ignore[arg-type]
                    if found:
                        holders[role] = tuple(sorted(found))
                        break
                    cursor = self._org_rows.get(cursor.parent_id) if cursor.parent_id else None
            self.orgs[oid] = OrgFacts(id=oid, name=o.name, kind=o.kind, calendar=services.calendar_for(o.calendar_name),
                                      workdays=services.workdays_for(o.calendar_name), holders=holders, tz=tz)

    def top_org_ids(self) -> list[int]:
        """The Trust (11.1 is the Trust's policy): organisations of kind trust, else those with no parent."""
        trust = [oid for oid, o in self._org_rows.items() if o.kind == "trust"]
        return trust or [oid for oid, o in self._org_rows.items() if o.parent_id is None]

    def person_facts(self, p: Any, lead: int | None) -> PersonFacts:
        assert p.id is not None
        return PersonFacts(id=p.id, name=p.name, org_id=p.organisation_id, eligible=is_enrolled(p),
                           start_date=p.start_date, last_day=p.last_day, leave_start=p.leave_start,
                           leadership_role=p.leadership_role, checkin_cadence=p.checkin_cadence,
                           legal_hold=p.legal_hold, lead_manager_id=lead,
                           reports_to_head=lead is not None and lead in self._heads)

    # --- batches --------------------------------------------------------------------------

    async def review_batches(self, colleague_ids: Sequence[int] | None = None) -> AsyncIterator[Batch]:
        """Every review, in keyset pages; or only these colleagues' reviews (an incremental pass)."""
        if colleague_ids is not None:
            for chunk in _chunks(sorted(colleague_ids), self.batch_size):
                rows = await plan_changes.reviews_of_colleagues(self.app.db, chunk)
                if rows:
                    yield await self.review_batch(rows)
            return
        after = 0
        while True:
            rows = await self.repos.planning.review_batch(after, self.batch_size)
            if not rows:
                return
            after = rows[-1].id
            yield await self.review_batch(rows)

    async def review_batch(self, rows: Sequence[Any]) -> Batch:
        """The reminders of these reviews (store.repos.planning.Planning.review_batch's light rows)."""
        ids = [r.id for r in rows]
        people = await self.people_of([r.colleague_id for r in rows])
        leads = await self.leads_of(list(people))
        meetings = await self.repos.planning.meetings_of_reviews(ids)
        answers = await self.repos.planning.answer_counts(ids, "colleague")
        sigs = await self.repos.planning.review_signature_parts(ids)
        appeals = await self.repos.planning.appeals_of_reviews(ids)
        # what the dialogs already told, read only for the reviews with a meeting or an appeal to tell of
        told = told_slots(await self.repos.planning.dialog_meeting_notices(list(meetings)))
        excepted = await self.repos.lifecycle.review_exceptions(ids)
        told_appeals = await self.repos.lifecycle.appeals_told(list(appeals))
        planned: list[Planned] = []
        for review in rows:
            person = people.get(review.colleague_id)
            org = self.orgs.get(person.organisation_id) if person else None
            if person is None or org is None:
                continue
            facts = ReviewFacts(
                id=review.id, cycle_year=review.cycle_year, colleague=self.person_facts(person, leads.get(person.id)),
                reviewer_id=review.reviewer_id, delegated=review.delegated,
                meetings=tuple(MeetingFacts(id=m.id, kind=m.kind, starts_at=m.starts_at, status=m.status,
                                            scheduled_at=m.scheduled_at,
                                            colleague_told=(m.id, person.id, m.starts_at) in told)
                               for m in meetings.get(review.id, [])),
                colleague_answers=answers.get(review.id, 0),
                planning_submitted_at=review.planning_submitted_at,
                midyear_submitted_at=review.midyear_submitted_at, eoy_submitted_at=review.eoy_submitted_at,
                signatures=frozenset(sigs.get(review.id, set())), report_delivered_on=review.report_delivered_on,
                retain_until=review.retain_until,
                appeals=tuple(AppealFacts(id=a.id, stage=a.stage, written_received_on=a.written_received_on,
                                          handler_id=a.handler_id, hearing_at=a.hearing_at,
                                          told=a.id in told_appeals)
                              for a in appeals.get(review.id, [])),
                exceptions=frozenset(e.step for e in excepted.get(review.id, [])))
            planned += rules.review_reminders(facts, org)
        return Batch("reviews", planned, review_ids=tuple(ids))

    async def person_batches(self, span: Span, person_ids: Sequence[int] | None = None) -> AsyncIterator[Batch]:
        """Every person, in keyset pages; or only these (an incremental pass)."""
        if person_ids is not None:
            for chunk in _chunks(sorted(person_ids), self.batch_size):
                people = sorted((await self.people_of(chunk)).values(), key=lambda p: p.id)
                if people:
                    yield await self.person_batch(people, span)
            return
        after = 0
        while True:
            people = await self.repos.planning.person_batch(after, self.batch_size)
            if not people:
                return
            after = people[-1].id
            yield await self.person_batch(people, span)

    async def person_batch(self, people: Sequence[Any], span: Span) -> Batch:
        """The person-level reminders of these people (store.repos.planning.Planning.person_batch's light rows)."""
        ids = [p.id for p in people]
        leads = await self.leads_of([p.id for p in people if is_enrolled(p)])
        eligible_ids = [p.id for p in people if p.id in leads]  # enrolled and someone to review them
        cycles: dict[int, dict[int, CycleStatus]] = {}
        for review, year, kinds in await self.repos.planning.cycle_rows_of(eligible_ids):
            cycles.setdefault(review.colleague_id, {})[year] = CycleStatus(
                year=year, review_id=review.id, reviewer_id=review.reviewer_id, booked_kinds=frozenset(kinds),
                planning_submitted=review.planning_submitted_at is not None,
                midyear_submitted=review.midyear_submitted_at is not None,
                eoy_submitted=review.eoy_submitted_at is not None, stage=review.stage)
        last = await self.repos.planning.last_checkins(eligible_ids)
        plans: dict[int, list[PlanFacts]] = {}
        for plan, actions, reviews in await self.repos.planning.plans_of(eligible_ids):
            dates = tuple(date.fromisoformat(d) for a in actions for d in a.review_dates if _is_iso(d))
            plans.setdefault(plan.colleague_id, []).append(PlanFacts(
                id=plan.id, kind=plan.kind, colleague_id=plan.colleague_id, manager_id=plan.manager_id,
                status=plan.status, review_dates=dates, reviewed_dates=frozenset(r.review_date for r in reviews)))
        planned: list[Planned] = []
        changes_in: dict[int, int | None] = dict.fromkeys(ids)
        for p in people:
            org = self.orgs.get(p.organisation_id)
            if org is None or p.id not in eligible_ids:
                continue
            facts = self.person_facts(p, leads.get(p.id))
            last_at = last.get(p.id)
            last_day = last_at.astimezone(_zone(org.tz)).date() if last_at else None
            planned += rules.person_reminders(facts, org, cycles.get(p.id, {}), span, last_day, plans.get(p.id, ()))
            changes_in[p.id] = date_change_in(facts, span, last_day)
        return Batch("people", planned, person_ids=tuple(ids), changes_in=changes_in)

    async def org_batches(self, span: Span) -> AsyncIterator[Batch]:
        tops = set(self.top_org_ids())
        checks = await self.repos.lifecycle.moderation_checks(list(self.orgs))
        for oid, org in self.orgs.items():
            statements: dict[int, list[StatementFacts]] = {}
            for year, rid, cname, rname in await self.repos.planning.delegated_statements(oid):
                statements.setdefault(year, []).append(StatementFacts(rid, cname, rname))
            checked = frozenset(year for (o, year) in checks if o == oid)
            planned = rules.org_reminders(org, span, statements, is_top=oid in tops, checked_years=checked)
            yield Batch("org", planned, key_prefix=org_key_prefix(oid))

    async def all_batches(self, span: Span) -> AsyncIterator[Batch]:
        await self.load_orgs()
        async for b in self.review_batches():
            yield b
        async for b in self.person_batches(span):
            yield b
        async for b in self.org_batches(span):
            yield b


def date_change_in(p: PersonFacts, span: Span, last_checkin: date | None) -> int | None:
    """In how many days the span's moving alone changes this person's reminders, or None.

    person_reminders reads the date only through the span: its cycle years (the planner replans
    everyone when those change) and the check-in series (3.3), whose occurrences enter at the span's
    end and leave at its start as the span moves a day a day. A series anchored on the span itself
    (no check-in yet, no start date) moves every day.
    """
    if last_checkin is None and p.start_date is None:
        return 1 if next(rules.checkin_dates(p, span, None), None) is not None else None
    days: list[int] = []
    first = next(rules.checkin_dates(p, span, last_checkin), None)
    if first is not None:
        days.append((first - span.start).days + 1)  # the day span.start passes it
    ahead = Span(span.end + timedelta(days=1), span.end + timedelta(days=400))
    upcoming = next(rules.checkin_dates(p, ahead, last_checkin), None)
    if upcoming is not None:
        days.append((upcoming - span.end).days)  # the day span.end reaches it
    return max(1, min(days)) if days else None


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i:i + size])


def told_slots(rows: Sequence[tuple[int, int, str]]) -> set[tuple[int, int, datetime]]:
    """(meeting id, recipient, start) of notices the booking dialog wrote ("meeting:ID:ISO-START")."""
    out: set[tuple[int, int, datetime]] = set()
    for _review_id, recipient, key in rows:
        parts = key.split(":", 2)
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        try:
            start = datetime.fromisoformat(parts[2])
        except ValueError:
            continue  # "meeting:ID:cancelled" and the like
        if start.tzinfo is not None:
            out.add((int(parts[1]), recipient, start))
    return out


def _is_iso(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _zone(tz: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(tz)


__all__: Sequence[str] = ("Batch", "FactSource", "is_enrolled")

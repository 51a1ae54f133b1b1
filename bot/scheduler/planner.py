"""Planning pass: the rules' reminders -> the outbox (the reminder table).

For each batch (reviews, people, organisations) the planner

* inserts reminders it has not planned before (unique dedupe key; a key another worker inserted
  a moment ago is skipped by ON CONFLICT DO NOTHING),
* updates pending ones whose recipient or wording changed (a reassigned reviewer, Policy 4.2,
  receives the pending reminders of the review),
* cancels pending planner rows of that scope that the rules no longer produce: a rescheduled
  meeting (the due date is part of the key, so its old reminders are cancelled and new ones
  planned), a submitted form (its nudges stop), a booked meeting (the "book it" reminders stop).

It never touches a row's due time once planned: the dispatcher moves that for working hours,
absence and retries. Reminders whose date is more than ``CATCH_UP`` in the past are not planned
afresh (a first run does not send last year's notices) unless their deadline is still ahead (a
meeting moved without a new booking date still gets its notice; an appeal received before the
first run still gets its reminders); pending ones that still apply stay.

A pass costs what changed (Issue 18). Triggers bump a colleague's ``plan_change`` version in the
same transaction as any change to a fact the rules read (store/repos/plan_changes.py, migration
0018), so a pass replans only the colleagues whose version moved since they were last planned, plus
those whose check-in series the moving span alone changes (``replan_on``, worked out when they were
planned), plus every organisation (a few per thousand colleagues). Review-level rules read no date
at all, and a reminder too old to plan only grows older, so a colleague whose facts did not move
would be planned exactly as before. A full pass runs instead when there was none yet, when the
rules' code, the calendars or the time zone changed (``fingerprint``), when the span's cycle years
changed, or when something every colleague depends on changed (organisations, role grants,
cycles: row 0). tests/scheduler/test_incremental.py checks both kinds of pass plan the same rows.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from bot.scheduler.facts import ORG_KEY_PREFIX, Batch, FactSource
from bot.scheduler.rules import Planned, Span
from store.repos import plan_changes

log = logging.getLogger(__name__)

HORIZON = timedelta(days=42)  # series (check-ins) are planned this far ahead
LOOK_BACK = timedelta(days=60)  # series occurrences this old still count as planned (not cancelled)
CATCH_UP = timedelta(days=3)  # a planner outage this long still catches up on missed reminders
UPDATABLE = ("recipient_id", "subject", "body", "deadline", "clause", "action", "escalation_level",
             "subject_person_id", "review_id", "kind")


@dataclass
class PlanStats:
    planned: int = 0
    inserted: int = 0
    updated: int = 0
    reactivated: int = 0
    cancelled: int = 0
    batches: int = 0
    incremental: bool = False
    colleagues: int = 0  # colleagues replanned (every person in a full pass)


def updatable(p: Planned) -> dict[str, Any]:
    """The ``UPDATABLE`` columns of a planned reminder: what a pending row is brought up to."""
    return {"recipient_id": p.recipient_id, "subject": p.subject[:300], "body": p.body, "deadline": p.deadline,
            "clause": p.clause, "action": p.action, "escalation_level": p.escalation_level,
            "subject_person_id": p.subject_person_id, "review_id": p.review_id, "kind": p.kind}


def to_row(p: Planned, now: datetime) -> dict[str, Any]:
    """The reminder row of a planned reminder, as a plain dict (building SQLModel objects for
    thousands of rows costs more than the whole database round trip)."""
    return {"dedupe_key": p.dedupe_key, **updatable(p), "due_at": p.due, "status": "pending", "attempts": 0,
            "claimed_by": "", "lease_until": None, "sent_at": None, "channel": "", "last_error": "",
            "created_at": now}


class ScopeRows:
    """The pending planner rows of each batch's scope, for one pass.

    Reviews and people are read per batch (by review id / subject, both indexed). Organisations'
    rows are read once per pass, all organisations at once, and handed out by key prefix: a
    LIKE 'plan:org:7:%' per organisation cannot use an index on PostgreSQL under a non-C collation,
    and a trust of 100,000 colleagues has a thousand organisations."""

    def __init__(self, repos: Any) -> None:
        self.repos = repos
        self._orgs: dict[str, list[Any]] | None = None

    async def of(self, batch: Batch) -> list[Any]:
        if batch.key_prefix.startswith(ORG_KEY_PREFIX) and not batch.review_ids and not batch.person_ids:
            if self._orgs is None:
                self._orgs = {}
                for row in await self.repos.outbox.pending_planned(key_prefix=ORG_KEY_PREFIX):
                    head, sep, _ = row.dedupe_key[len(ORG_KEY_PREFIX):].partition(":")
                    self._orgs.setdefault(f"{ORG_KEY_PREFIX}{head}{sep}", []).append(row)
            return self._orgs.get(batch.key_prefix, [])
        return await self.repos.outbox.pending_planned(review_ids=batch.review_ids, person_ids=batch.person_ids,
                                               key_prefix=batch.key_prefix)


class Planner:
    def __init__(self, app: Any, *, batch_size: int = 500) -> None:
        self.app = app
        self.batch_size = batch_size

    def span(self) -> Span:
        today = self.app.clock.today()
        return Span(today - LOOK_BACK, today + HORIZON)

    async def run(self, *, full: bool = False) -> PlanStats:
        """One planning pass: only what changed since the last (see the module's docstring), or
        everything when ``full`` or when an incremental pass could not be trusted to match."""
        db = self.app.db
        span, today = self.span(), self.app.clock.today()
        stamp = fingerprint(self.app.settings)
        years = ",".join(str(y) for y in span.years())
        last = await plan_changes.last_pass(db)
        changed = await plan_changes.changed_since_planned(db, today)
        incremental = (not full and last is not None and last.fingerprint == stamp and last.years == years
                       and plan_changes.TRUST not in changed)
        snapshot = changed if incremental else await plan_changes.versions(db)  # read before any fact
        ids = sorted(pid for pid in changed if pid != plan_changes.TRUST) if incremental else None
        trust = snapshot.get(plan_changes.TRUST) if not incremental else (
            await plan_changes.versions(db, [plan_changes.TRUST])).get(plan_changes.TRUST, 0)
        stats = await self._plan(span, ids, snapshot, orgs=True, trust_version=trust or 0, reuse_orgs=False)
        stats.incremental = incremental
        if not incremental:
            await plan_changes.record_pass(db, stamp, years, self.app.clock.now())
        log.info("planning pass: %s", stats)
        return stats

    async def replan(self, person_ids: Sequence[int]) -> PlanStats:
        """Replan these colleagues now (their reviews and person-level reminders), e.g. after an answer.

        The organisations' facts (role holders, calendars) are reused from the last pass of this
        process while nothing trust-wide changed (plan_change row 0), so one colleague costs only
        their own reads."""
        ids = sorted(set(person_ids))
        async with self.app.repos.unit():  # one session for the few reads and writes, not one each
            snapshot = await plan_changes.versions(self.app.db, [*ids, plan_changes.TRUST])
            trust = snapshot.pop(plan_changes.TRUST, 0)
            return await self._plan(self.span(), ids, snapshot, orgs=False, trust_version=trust)

    async def _plan(self, span: Span, ids: list[int] | None, snapshot: dict[int, int], *, orgs: bool,
                    trust_version: int = 0, reuse_orgs: bool = True) -> PlanStats:
        """Plan these colleagues (None: everyone), then mark each as planned at its ``snapshot`` version."""
        db, today = self.app.db, self.app.clock.today()
        stats = PlanStats()
        source = FactSource(self.app, self.batch_size)
        few = ids is not None and len(ids) <= self.batch_size
        if few:
            source.remember_people()
        scopes = ScopeRows(self.app.repos)
        cached = _ORGS.get(db)
        if reuse_orgs and cached is not None and cached[0] == trust_version:
            source.orgs, source._org_rows, source._heads = cached[1]  # noqa: SLF001 - the planner's own cache
        else:
            await source.load_orgs()
            _ORGS[db] = (trust_version, (source.orgs, source._org_rows, source._heads))  # noqa: SLF001
        seen: set[int] = set()
        if few:  # one answer's replan: both scopes in one batch, so one read of their rows and one write
            reviews = [b async for b in source.review_batches(ids)]
            people = [b async for b in source.person_batches(span, ids)]
            await self.sync(Batch.joined([*reviews, *people]), stats, scopes)
            for batch in people:
                seen.update(await self._mark_planned(batch, snapshot, today))
        else:
            async for batch in source.review_batches(ids):
                await self.sync(batch, stats, scopes)
            async for batch in source.person_batches(span, ids):
                await self.sync(batch, stats, scopes)
                seen.update(await self._mark_planned(batch, snapshot, today))
        if orgs:
            async for batch in source.org_batches(span):
                await self.sync(batch, stats, scopes)
        # row 0, and colleagues with no person row left (purged): nothing of theirs to plan
        await plan_changes.mark_planned(db, [(pid, v, None) for pid, v in snapshot.items() if pid not in seen])
        stats.colleagues = len(seen)
        return stats

    async def _mark_planned(self, batch: Batch, snapshot: dict[int, int], today: date) -> list[int]:
        """Mark this people batch's colleagues planned at their snapshot versions; returns their ids."""
        await plan_changes.mark_planned(self.app.db, [(pid, snapshot.get(pid, 0), _day(today, days))
                                                      for pid, days in batch.changes_in.items()])
        return list(batch.changes_in)

    async def sync(self, batch: Batch, stats: PlanStats, scopes: ScopeRows | None = None) -> None:
        repos = self.app.repos
        now = self.app.clock.now()
        stale_before = now - CATCH_UP
        today = self.app.clock.today()
        wanted: dict[str, Planned] = {}
        for p in batch.planned:
            wanted.setdefault(p.dedupe_key, p)
        existing = await repos.outbox.planner_rows_by_keys(list(wanted))
        scope_rows = await (scopes or ScopeRows(repos)).of(batch)
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[int, dict[str, Any]]] = []
        reactivate: list[tuple[int, dict[str, Any]]] = []
        def fresh(p: Planned) -> bool:
            return p.due >= stale_before or (p.deadline is not None and p.deadline >= today)

        for key, p in wanted.items():
            row = existing.get(key)
            if row is None:
                if fresh(p):
                    inserts.append(to_row(p, now))
            elif row.status == "pending":
                changed = {k: v for k, v in updatable(p).items() if getattr(row, k) != v}
                if changed:
                    updates.append((row.id, changed))
            elif row.status == "cancelled" and fresh(p):
                reactivate.append((row.id, {**updatable(p), "due_at": p.due}))
        cancel = [r.id for r in scope_rows if r.dedupe_key not in wanted]
        await repos.outbox.apply_plan(inserts, updates, reactivate, cancel)
        stats.batches += 1
        stats.planned += len(wanted)
        stats.inserted += len(inserts)
        stats.updated += len(updates)
        stats.reactivated += len(reactivate)
        stats.cancelled += len(cancel)


# the organisations' facts of the last pass, per database, with the trust version they were read at
_ORGS: WeakKeyDictionary[Any, tuple[int, tuple[Any, Any, Any]]] = WeakKeyDictionary()


def _day(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


def fingerprint(settings: Any) -> str:
    """What the planned rows depend on besides the facts: the rules' and policy's code, the
    calendars and the time zone. A deploy that changes any of them makes the next pass a full one."""
    return _fingerprint(str(getattr(settings, "calendar_file", "") or ""), str(getattr(settings, "timezone", "")))


@cache
def _fingerprint(calendar_file: str, timezone: str) -> str:
    digest = hashlib.sha256(f"{timezone}\n{HORIZON}\n{LOOK_BACK}\n{CATCH_UP}".encode())
    scheduler = Path(__file__).parent
    policy = Path(str(resources.files("bot.policy")))
    for path in sorted([*(scheduler / name for name in ("rules.py", "facts.py", "planner.py")),
                        *(p for p in policy.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".yml"))]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    if calendar_file and Path(calendar_file).is_file():
        digest.update(Path(calendar_file).read_bytes())
    return digest.hexdigest()


async def plan_now(app: Any) -> PlanStats:
    """Run one planning pass (the nightly job; also handy after an import or in tests)."""
    return await Planner(app).run()

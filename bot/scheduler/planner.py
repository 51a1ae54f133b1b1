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
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.scheduler.facts import ORG_KEY_PREFIX, Batch, FactSource
from bot.scheduler.rules import Planned, Span

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

    def __init__(self, repo: Any) -> None:
        self.repo = repo
        self._orgs: dict[str, list[Any]] | None = None

    async def of(self, batch: Batch) -> list[Any]:
        if batch.key_prefix.startswith(ORG_KEY_PREFIX) and not batch.review_ids and not batch.person_ids:
            if self._orgs is None:
                self._orgs = {}
                for row in await self.repo.pending_planned(key_prefix=ORG_KEY_PREFIX):
                    head, sep, _ = row.dedupe_key[len(ORG_KEY_PREFIX):].partition(":")
                    self._orgs.setdefault(f"{ORG_KEY_PREFIX}{head}{sep}", []).append(row)
            return self._orgs.get(batch.key_prefix, [])
        return await self.repo.pending_planned(review_ids=batch.review_ids, person_ids=batch.person_ids,
                                               key_prefix=batch.key_prefix)


class Planner:
    def __init__(self, app: Any, *, batch_size: int = 500) -> None:
        self.app = app
        self.batch_size = batch_size

    def span(self) -> Span:
        today = self.app.clock.today()
        return Span(today - LOOK_BACK, today + HORIZON)

    async def run(self) -> PlanStats:
        """One full planning pass over every review, person and organisation, batch by batch."""
        stats = PlanStats()
        source = FactSource(self.app, self.batch_size)
        scopes = ScopeRows(self.app.repo)
        async for batch in source.all_batches(self.span()):
            await self.sync(batch, stats, scopes)
        log.info("planning pass: %s", stats)
        return stats

    async def sync(self, batch: Batch, stats: PlanStats, scopes: ScopeRows | None = None) -> None:
        repo = self.app.repo
        now = self.app.clock.now()
        stale_before = now - CATCH_UP
        today = self.app.clock.today()
        wanted: dict[str, Planned] = {}
        for p in batch.planned:
            wanted.setdefault(p.dedupe_key, p)
        existing = await repo.planner_rows_by_keys(list(wanted))
        scope_rows = await (scopes or ScopeRows(repo)).of(batch)
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
        await repo.apply_plan(inserts, updates, reactivate, cancel)
        stats.batches += 1
        stats.planned += len(wanted)
        stats.inserted += len(inserts)
        stats.updated += len(updates)
        stats.reactivated += len(reactivate)
        stats.cancelled += len(cancel)


async def plan_now(app: Any) -> PlanStats:
    """Run one planning pass (the nightly job; also handy after an import or in tests)."""
    return await Planner(app).run()

"""Retention (Policy 10.3): forms are kept for the current review year and then 5 years, then deleted.

``purge_due(app, dry_run=False)`` is what the scheduler runs nightly (and ``cadence purge``).

The rule, where the policy leaves us to decide:
* A review is past retention the day after its ``retain_until`` (set when the review is made;
  when it is missing, bot.policy.deadlines.retain_until of the cycle year: 31 August Y+6).
* Nobody's record disappears without HR hearing first. A review past retention is deleted only
  once a ``retention_expiry`` notice about it was *sent* to HR at least ``NOTICE_DAYS`` (30) days
  earlier. The reminders planner normally sends that notice ahead of the date; if no notice about
  the review exists at all (planned, pending or sent), the purge queues one itself and waits.
* A legal hold on the colleague (person.legal_hold) stops the purge of every review of theirs,
  however old; releasing the hold lets the next run delete what is due.
* "Everything under it": the review's meetings, preparation answers, objectives (with milestones
  and progress), Co-op reflections, signatures, training needs, input requests, appeals,
  reminders, and the support / improvement plans tied to it or made in its cycle (with their
  actions, action reviews and signatures), and the colleague's wellbeing check-ins from that
  academic year: they are not part of the form (3.3), but nothing about a year outlives its
  record. The audit trail of who read the record stays (it is the access log);
  the purge adds an anonymous tombstone: organisation, cycle year, the date kept until and the
  number of rows deleted per table, with no name, email or record id.
* Everything else personal (finished conversations, settled notices, the audit log, check-ins,
  plans made outside a review, leavers' conversation references and roster rows, file offers)
  goes by its own rule in bot.policy.retention.RULES, applied by store.repos.retention.sweep in
  the same nightly run, a legal hold stopping each; README "Retention" is the table of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.policy.calendar import academic_year_label, academic_year_of
from bot.policy.deadlines import retain_until
from bot.policy.retention import (
    FILE_OFFER_HOURS,
    FINISHED_DIALOG_DAYS,
    RETENTION_CLAUSE,
    SENT_NOTICE_DAYS,
    UNFINISHED_DIALOG_DAYS,
    is_due_for_purge,
    record_cutoff,
)
from bot.policy.text import uk_date
from store.models import Person, Review, Role
from store.repos.retention import Cutoffs, sweep_and_record

if TYPE_CHECKING:
    from bot.services import Runtime
    from store.unit import Repositories

NOTICE_DAYS = 30  # our reading of 10.3: HR hears at least 30 days before a record is deleted
NOTICE_KIND = "retention_expiry"


@dataclass(frozen=True)
class PurgeItem:
    review_id: int
    person_id: int
    person_name: str
    organisation_id: int
    cycle_year: int
    retain_until: date
    reason: str
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(repr=False)
class PurgeReport:
    """What a purge did. Its text form is counts only, so a server log names nobody (10.1)."""

    today: date
    dry_run: bool
    purged: list[PurgeItem] = field(default_factory=list)  # deleted (or, in a dry run, would be)
    held: list[PurgeItem] = field(default_factory=list)  # past retention, under a legal hold
    waiting: list[PurgeItem] = field(default_factory=list)  # past retention, HR's notice not 30 days old
    notices_queued: list[PurgeItem] = field(default_factory=list)
    swept: dict[str, int] = field(default_factory=dict)  # rows per table under the other rules (README)

    def __repr__(self) -> str:
        return self.summary()

    __str__ = __repr__

    def summary(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        queued = "would be queued" if self.dry_run else "queued now"
        swept = ", ".join(f"{table} {n}" for table, n in sorted(self.swept.items())) or "nothing"
        return (f"Retention purge on {uk_date(self.today)} (Policy 10.3): {verb} {len(self.purged)} review(s); "
                f"{len(self.held)} kept under a legal hold; {len(self.waiting)} waiting for HR's "
                f"{NOTICE_DAYS}-day notice ({len(self.notices_queued)} notice(s) {queued}). "
                f"Other personal data past its period ({verb}): {swept}.")


def effective_retain_until(review: Review, cycle_year: int) -> date:
    return review.retain_until or retain_until(cycle_year)


async def hr_recipients(repos: Repositories, organisation_id: int) -> list[Person]:
    """HR admins of the organisation, else of its trust (10.3: retention is HR's)."""
    people = await repos.people.role_holders(Role.HR_ADMIN, organisation_id)
    if people:
        return people
    org = await repos.people.organisation(organisation_id)
    if org is not None and org.parent_id is not None:
        return await repos.people.role_holders(Role.HR_ADMIN, org.parent_id)
    return []


async def purge_due(app: Runtime, dry_run: bool = False, *, organisation_ids: list[int] | None = None,
                    actor_id: int | None = None, channel: str = "system",
                    identity: str = "cadence:scheduler") -> PurgeReport:
    """Delete every review past retention whose HR notice is at least 30 days old, skipping legal holds.

    ``organisation_ids`` limits the run (``cadence purge --as HR`` covers the HR admin's
    organisations); the nightly scheduler run covers every organisation.
    """
    repos = app.repos
    today = app.clock.today()
    report = PurgeReport(today=today, dry_run=dry_run)
    candidates = await repos.records.retention_candidates(today, today.year - 6)
    ids = [r.id for r, _c, _p in candidates if r.id is not None]
    notices: dict[int, list[Any]] = {}
    for n in await repos.records.retention_notices(ids):
        notices.setdefault(n.review_id, []).append(n)
    for review, cycle, person in candidates:
        assert review.id is not None and person.id is not None
        if organisation_ids is not None and cycle.organisation_id not in organisation_ids:
            continue
        kept_until = effective_retain_until(review, cycle.year)
        if not is_due_for_purge(kept_until, today):
            continue
        item = PurgeItem(review.id, person.id, person.name, cycle.organisation_id, cycle.year, kept_until, "")
        if person.legal_hold:
            report.held.append(_with(item, f"legal hold: {person.legal_hold_reason or 'no reason recorded'}"))
            continue
        mine = notices.get(review.id, [])
        sent = sorted(n.sent_at.date() for n in mine if n.status == "sent" and n.sent_at is not None)
        if sent and sent[0] <= today - timedelta(days=NOTICE_DAYS):
            report.purged.append(_with(item, f"past retention since {uk_date(kept_until)}; HR told on "
                                             f"{uk_date(sent[0])}"))
            continue
        if not mine:
            if not dry_run:
                await _queue_notice(app, review, person, cycle.organisation_id, cycle.year, kept_until)
            report.notices_queued.append(_with(item, "HR's notice would be queued" if dry_run else "HR's notice queued now"))
        status = ("sent on " + uk_date(sent[0]) if sent else "not sent yet" if mine
                  else "would be queued now" if dry_run else "queued now")
        report.waiting.append(_with(item, f"HR's notice {status}"))
    if not dry_run:
        report.purged = await _purge_reviews(app, report.purged, actor_id=actor_id, channel=channel, identity=identity)
        # a 4.4 moderation check (the head's note) goes when the forms of its cycle would (10.3)
        expired = [y for y in range(today.year - 12, today.year) if is_due_for_purge(retain_until(y), today)]
        if expired:
            await repos.lifecycle.purge_moderation_checks(max(expired), organisation_ids)
    everywhere = {o.id for o in await repos.people.organisations()}
    if organisation_ids is None or everywhere <= set(organisation_ids):  # the other rules are trust-wide
        report.swept = await sweep_and_record(
            app.db, cutoffs(app), dry_run=dry_run, tombstone={"clause": RETENTION_CLAUSE},
            actor_id=actor_id, channel=channel, actor_identity=identity)
    return report


def cutoffs(app: Runtime) -> Cutoffs:
    """Each rule's period (bot.policy.retention) as a moment on the app's clock."""
    now, today = app.clock.now(), app.clock.today()
    zone = ZoneInfo(app.settings.timezone)
    return Cutoffs(today=today, records=datetime.combine(record_cutoff(today), time(0, 0), tzinfo=zone),
                   finished_dialogs=now - timedelta(days=FINISHED_DIALOG_DAYS),
                   unfinished_dialogs=now - timedelta(days=UNFINISHED_DIALOG_DAYS),
                   settled_notices=now - timedelta(days=SENT_NOTICE_DAYS),
                   file_offers=now - timedelta(hours=FILE_OFFER_HOURS))


async def _purge_reviews(app: Runtime, items: list[PurgeItem], *, actor_id: int | None, channel: str,
                         identity: str) -> list[PurgeItem]:
    repos = app.repos
    done: list[PurgeItem] = []
    for item in items:
        plans = [p.id for p in await repos.records.unlinked_plans_of(item.person_id)
                 if p.id is not None and academic_year_of(p.created_at.date()) == item.cycle_year]
        check_ins = [c.id for c in await repos.records.checkins(item.person_id, None)
                     if c.id is not None and academic_year_of(c.created_at.date()) == item.cycle_year]
        rows = await repos.records.purge_review(
            item.review_id, extra_plan_ids=plans, check_in_ids=check_ins, actor_id=actor_id, channel=channel, actor_identity=identity,
            tombstone={"organisation_id": item.organisation_id, "cycle_year": item.cycle_year,
                       "retained_until": item.retain_until.isoformat(), "clause": RETENTION_CLAUSE})
        done.append(_with(item, item.reason, rows))
    return done


def _with(item: PurgeItem, reason: str, rows: dict[str, int] | None = None) -> PurgeItem:
    return PurgeItem(item.review_id, item.person_id, item.person_name, item.organisation_id, item.cycle_year,
                     item.retain_until, reason, rows or {})


async def _queue_notice(app: Runtime, review: Review, person: Person, organisation_id: int, cycle_year: int,
                        kept_until: date) -> None:
    delete_on = app.clock.today() + timedelta(days=NOTICE_DAYS)
    for hr in await hr_recipients(app.repos, organisation_id):
        assert hr.id is not None
        await app.services.notifier.notify(
            hr.id, f"Retention: a {academic_year_label(cycle_year)} form is due for deletion",
            f"{person.name}'s Planning & Review Form for {academic_year_label(cycle_year)} was kept until "
            f"{uk_date(kept_until)} (Policy 10.3). It will be deleted on or after {uk_date(delete_on)}. "
            f"To keep it (for example for a claim), place a legal hold: cadence hold {person.email} "
            "--reason \"...\" --as YOUR_EMAIL.",
            kind=NOTICE_KIND, clause=RETENTION_CLAUSE, dedupe_key=f"retention_expiry:review:{review.id}:{hr.id}",
            review_id=review.id, action="purge", subject_person_id=person.id)


async def set_hold(repos: Repositories, person_id: int, *, hold: bool, reason: str) -> Person | None:
    """Place or release a legal hold (10.3); the caller has checked access and audits the change."""
    return await repos.records.set_legal_hold(person_id, hold, reason if hold else "")

"""Delivers due reminders from the outbox, once each, inside the recipient's working hours.

One tick:

1. rows whose lease has ended (a worker crashed between claim and send) go back to pending;
2. up to ``batch`` due rows are claimed atomically with a lease (store.repo.Repo.claim_due:
   ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one conditional UPDATE ... RETURNING on SQLite), so
   several workers on one database never take the same row;
3. each claimed row is checked against the recipient: an absent colleague's reminders pause until
   the absence ends (Policy 3.7); outside working hours the row is deferred to the next opening
   (Policy 3.4, bot.policy.workdays.WorkingHours.next_opening); no channel that can reach them ->
   it stays pending (retried daily) and HR is told once;
4. it is delivered through the first channel in app.channels that can reach the person (Slack,
   Teams, then email for colleagues with neither); a DeliveryError is retried with exponential
   backoff and jitter, never sooner than the platform's Retry-After; after ``max_attempts`` the
   row is marked failed and the HR admins are told.

Delivery is at-least-once at the transport and exactly-once in the outbox: a row is only marked
sent by the worker still holding its lease, and the lease (5 minutes) is far longer than one send.
"""

from __future__ import annotations

import logging
import random
import socket
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.delivery import Deliverer, DeliveryError
from bot.messages import Choice, Reply
from bot.policy.clauses import cite
from bot.policy.workdays import WorkingDays, WorkingHours
from bot.scheduler.rules import fmt
from store.models import Person, Reminder

log = logging.getLogger(__name__)

CHANNEL_ORDER = ("slack", "teams", "email", "console")
MAX_ATTEMPTS = 5
BASE_BACKOFF = 30.0  # seconds; doubles each attempt
MAX_BACKOFF = 3600.0
LEASE = timedelta(minutes=5)
UNREACHABLE_RETRY = timedelta(days=1)
NOTICE_KINDS = ("delivery_failed", "unreachable")  # HR notices about delivery; never notified about themselves
ACTION_LABELS = {"prep": "Prepare", "agenda": "See the agenda", "objectives": "Finish the form",
                 "signoff": "Read and sign", "schedule": "Book a meeting", "appeal": "Raise it",
                 "checkin": "Check in", "plan": "See the plan", "status": "See the review",
                 "export": "Produce it", "help": "Help"}


@dataclass
class DispatchStats:
    released: int = 0
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    sent_ids: list[int] = field(default_factory=list)


def render(reminder: Reminder) -> Reply:
    """The message: what to do, the deadline, the clause, and a button that does it."""
    lines = [f"*{reminder.subject}*", reminder.body]
    if reminder.deadline is not None and "Deadline:" not in reminder.body:
        lines.append(f"Deadline: {fmt(reminder.deadline)}.")
    if reminder.clause and cite(reminder.clause) not in reminder.body:
        lines.append(f"({cite(reminder.clause)})")
    choices = (Choice(value=reminder.action, label=ACTION_LABELS.get(reminder.action, reminder.action.capitalize()),
                      style="primary"),) if reminder.action else ()
    return Reply(text="\n".join(lines), choices=choices, clause=reminder.clause or None,
                 meta={"reminder_id": reminder.id, "kind": reminder.kind, "subject": reminder.subject,
                       "deadline": reminder.deadline.isoformat() if reminder.deadline else None})


def backoff(attempts: int, rng: random.Random, retry_after: float | None = None) -> float:
    """Seconds before the next try: 30 s doubling per attempt, jittered to 50-100 %, capped at an
    hour, and never sooner than the platform's Retry-After."""
    base = min(MAX_BACKOFF, BASE_BACKOFF * (2 ** max(0, attempts - 1)))
    delay = base * (0.5 + rng.random() / 2)
    return max(delay, retry_after or 0.0)


def is_absent(person: Person, day: date) -> bool:
    """Policy 3.7: extended absence (maternity, long-term sickness) pauses reminders."""
    if person.absent_from is None:
        return False
    return person.absent_from <= day and (person.absent_until is None or day <= person.absent_until)


def deliverable_at(person: Person, at: datetime, workdays: WorkingDays, hours: WorkingHours, *,
                   pause: bool = True) -> datetime:
    """The first moment at or after ``at`` when a reminder may reach ``person``: not during an
    absence (3.7, when ``pause``) and inside their working hours (3.4)."""
    local_day = hours.local(at).date()
    if pause and is_absent(person, local_day):
        back = person.absent_until + timedelta(days=1) if person.absent_until else local_day + timedelta(days=7)
        at = max(at, datetime.combine(back, time(0), tzinfo=hours.zone))
    return hours.next_opening(at, workdays)


class Dispatcher:
    def __init__(self, app: Any, *, worker_id: str | None = None, batch: int = 50, lease: timedelta = LEASE,
                 max_attempts: int = MAX_ATTEMPTS, rng: random.Random | None = None) -> None:
        self.app = app
        self.repo = app.repo
        self.clock = app.clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()

    # --- the tick -------------------------------------------------------------------------

    async def tick(self) -> DispatchStats:
        stats = DispatchStats()
        if "org_calendar_names" not in self.app.extras:
            await self.load_calendar_names()
        now = self.clock.now()
        stats.released = await self.repo.release_expired_leases(now)
        if stats.released:
            log.warning("released %d reminder(s) whose worker's lease ended", stats.released)
        rows = await self.repo.claim_due(self.worker_id, now, now + self.lease, self.batch)
        stats.claimed = len(rows)
        people = await self.repo.people([r.recipient_id for r in rows]) if rows else {}
        for row in rows:
            try:
                await self._handle(row, stats, people.get(row.recipient_id))
            except Exception:  # noqa: BLE001 - one bad row must not stop the others
                log.exception("reminder %s could not be handled; it is retried", row.id)
                await self._retry(row, "internal error", None, stats)
        return stats

    async def drain(self, max_ticks: int = 1000) -> DispatchStats:
        """Tick until nothing due is left (tests and ``simulate``)."""
        total = DispatchStats()
        for _ in range(max_ticks):
            stats = await self.tick()
            for name in ("released", "claimed", "sent", "deferred", "retried", "failed", "unreachable"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            total.sent_ids += stats.sent_ids
            if stats.claimed == 0:
                break
        return total

    # --- one row --------------------------------------------------------------------------

    async def _handle(self, row: Reminder, stats: DispatchStats, person: Person | None) -> None:
        now = self.clock.now()
        if person is None or not person.active:
            await self._finish(row, {"status": "cancelled", "last_error": "recipient no longer on the roster"})
            return
        workdays, hours = self.calendar_of(person)
        when = deliverable_at(person, now, workdays, hours, pause=row.kind not in NOTICE_KINDS)
        if when > now:
            note = (f"paused: absent until {person.absent_until} (Policy 3.7)"
                    if is_absent(person, hours.local(now).date()) else row.last_error)
            await self._finish(row, {"status": "pending", "due_at": when, "last_error": note})
            stats.deferred += 1
            return
        deliverer = await self.channel_for(person)
        if deliverer is None:
            await self._finish(row, {"status": "pending", "due_at": now + UNREACHABLE_RETRY,
                                     "last_error": "no channel can reach this person"})
            stats.unreachable += 1
            if row.kind not in NOTICE_KINDS:
                await self.tell_hr(person, kind="unreachable", key=f"unreachable:{person.id}",
                                   subject=f"Cadence cannot reach {person.name}",
                                   body=f"{person.name} ({person.email}) has no Slack or Teams account linked and no "
                                        "email channel is set up, so their reminders are waiting. Link an account "
                                        "or set CADENCE_SMTP_URL (Policy 3.4).")
            return
        try:
            await deliverer.deliver(person, await self.message_for(row))
        except DeliveryError as error:
            if error.permanent:
                await self._fail(row, person, str(error), stats)
            else:
                await self._retry(row, str(error), error.retry_after, stats, person)
            return
        except Exception as error:  # noqa: BLE001 - a channel's own bug is retried like a network error
            await self._retry(row, f"{type(error).__name__}: {error}", None, stats, person)
            return
        if await self._finish(row, {"status": "sent", "sent_at": self.clock.now(), "channel": str(deliverer.channel),
                                    "attempts": row.attempts + 1, "last_error": ""}):
            stats.sent += 1
            stats.sent_ids.append(row.id)  # type: ignore[arg-type]
        else:
            log.error("reminder %s was sent after this worker's lease ended", row.id)

    async def _retry(self, row: Reminder, error: str, retry_after: float | None, stats: DispatchStats,
                     person: Person | None = None) -> None:
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            await self._fail(row, person, error, stats, attempts=attempts)
            return
        delay = backoff(attempts, self.rng, retry_after)
        await self._finish(row, {"status": "pending", "attempts": attempts, "last_error": error[:2000],
                                 "due_at": self.clock.now() + timedelta(seconds=delay)})
        stats.retried += 1

    async def _fail(self, row: Reminder, person: Person | None, error: str, stats: DispatchStats,
                    attempts: int | None = None) -> None:
        await self._finish(row, {"status": "failed", "attempts": attempts or row.attempts + 1,
                                 "last_error": error[:2000]})
        stats.failed += 1
        log.error("reminder %s to person %s failed: %s", row.id, row.recipient_id, error)
        if person is not None and row.kind not in NOTICE_KINDS:
            await self.tell_hr(person, kind="delivery_failed", key=f"failed:{row.id}",
                               subject=f"A reminder to {person.name} could not be delivered",
                               body=f"“{row.subject}” could not be delivered to {person.name} after "
                                    f"{attempts or row.attempts + 1} attempts ({error[:200]}). Please pass it on.")

    async def _finish(self, row: Reminder, values: dict[str, Any]) -> bool:
        return await self.repo.finish_claim(row.id, self.worker_id, values)  # type: ignore[arg-type]

    # --- helpers --------------------------------------------------------------------------

    async def message_for(self, row: Reminder) -> Reply:
        """The reminder's message, with the document it promises (the reviewee's copy, 10.2) attached."""
        reply = render(row)
        documents = self.app.services.documents
        if documents is None or not hasattr(documents, "attachment_for_reminder"):
            return reply
        attachment = await documents.attachment_for_reminder(row)
        return replace(reply, attachments=(attachment,)) if attachment is not None else reply

    def calendar_of(self, person: Person) -> tuple[WorkingDays, WorkingHours]:
        services = self.app.services
        workdays = services.workdays_for(self._calendar_name(person))
        start, end = person.working_hours_start, person.working_hours_end
        if not 0 <= start < end <= 24:
            start, end = self.app.settings.working_hours_start, self.app.settings.working_hours_end
        end_time = time(23, 59) if end == 24 else time(end)
        return workdays, WorkingHours(start=time(start), end=end_time, tz=self.app.settings.timezone)

    def _calendar_name(self, person: Person) -> str:
        cache = self.app.extras.setdefault("org_calendar_names", {})
        return cache.get(person.organisation_id, "default")

    async def load_calendar_names(self) -> None:
        cache = self.app.extras.setdefault("org_calendar_names", {})
        for org in await self.repo.organisations():
            cache[org.id] = org.calendar_name

    async def channel_for(self, person: Person) -> Deliverer | None:
        channels: dict[str, Deliverer] = self.app.channels
        names = [n for n in CHANNEL_ORDER if n in channels] + [n for n in channels if n not in CHANNEL_ORDER]
        for name in names:
            try:
                if await channels[name].can_reach(person):
                    return channels[name]
            except Exception:  # noqa: BLE001 - a channel that cannot tell is a channel that cannot reach
                log.exception("channel %s could not check person %s", name, person.id)
        return None

    async def tell_hr(self, person: Person, *, kind: str, key: str, subject: str, body: str) -> None:
        """Tell the HR admins of the person's organisation (or the nearest parent that has them), once."""
        hr = await self.hr_admins(person.organisation_id)
        now = self.clock.now()
        for admin in hr:
            await self.repo.enqueue(Reminder(dedupe_key=f"{key}:hr{admin}"[:200], kind=kind, recipient_id=admin,
                                             subject_person_id=person.id, due_at=now, clause="3.4",
                                             subject=subject, body=body, action="status"))
        if not hr:
            log.error("no HR admin to tell: %s", subject)

    async def hr_admins(self, org_id: int) -> list[int]:
        seen: set[int] = set()
        current: int | None = org_id
        while current is not None and current not in seen:
            seen.add(current)
            people = await self.repo.role_holders("hr_admin", current)
            if people:
                return [p.id for p in people if p.id is not None]
            org = await self.repo.organisation(current)
            current = org.parent_id if org else None
        return []

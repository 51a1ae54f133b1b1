"""Delivers due reminders from the outbox, once each, inside the recipient's working hours.

One tick:

1. rows whose lease has ended (a worker crashed between claim and send) go back to pending;
2. up to ``batch`` due rows are claimed atomically with a lease (store.repos.outbox.Outbox.claim_due:
   ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one conditional UPDATE ... RETURNING on SQLite), so
   several workers on one database never take the same row;
3. each claimed row is checked against the recipient: an absent colleague's reminders pause until
   the absence ends (Policy 3.7); outside working hours the row is deferred to the next opening
   (Policy 3.4, bot.policy.workdays.WorkingHours.next_opening); no channel that can reach them ->
   it stays pending (retried daily) and HR is told once;
4. it is delivered through the first channel in app.channels that can reach the person (Slack,
   Teams, then email for colleagues with neither); a DeliveryError is retried with exponential
   backoff and jitter, or exactly when the platform's Retry-After says; after ``max_attempts`` the
   row is marked failed and the HR admins are told.

A batch is delivered concurrently (up to ``concurrency`` people at once), one *lane* per recipient
so each person's reminders arrive in the order they were due. A channel that paces itself
(bot.delivery.Paced: Slack allows one message a second per conversation) says how long a person's
conversation is still busy; rather than wait, the lane keeps its remaining rows claimed in this
worker and the tick moves on, so one colleague with five reminders never holds up the next
ninety-nine. A short Retry-After (``hold``) is kept the same way. Held rows count towards
``batch``, go back to pending unchanged (so still first in line) well before their lease could end,
and :meth:`Dispatcher.give_back` returns them all when a job run or the worker stops.

Delivery is at-least-once at the transport and exactly-once in the outbox: a row is only marked
sent by the worker still holding its lease, and the lease (5 minutes) is far longer than one send.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time as monotonic_time
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.delivery import Deliverer, DeliveryError, Paced
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
BATCH = 100  # rows claimed (and held) at once: at 1 a second per person, 50 a second needs 50 people in hand
CONCURRENCY = 50  # people delivered to at once; a paced channel keeps the platform's own limits
INLINE_WAIT = 0.25  # seconds: a conversation busy for no longer than this is waited for inside the send
LANE_DEPTH = 10  # rows one person may have claimed here at once; the rest wait in the outbox, in order
HOLD = 10.0  # seconds: a Retry-After up to this keeps the row claimed here; a longer one goes back to the outbox
IDLE_WAIT = 1.0  # seconds a tick with nothing new waits for a held row's turn, so callers never spin
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
    held: int = 0  # rows still claimed by this worker after the tick, waiting for their turn
    given_back: int = 0
    sent_ids: list[int] = field(default_factory=list)


@dataclass
class Lane:
    """One recipient's claimed rows, oldest first; ``not_before`` (monotonic) is when to look again."""

    recipient_id: int
    rows: list[Reminder] = field(default_factory=list)
    not_before: float = 0.0


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
    def __init__(self, app: Any, *, worker_id: str | None = None, batch: int = BATCH, lease: timedelta = LEASE,
                 max_attempts: int = MAX_ATTEMPTS, rng: random.Random | None = None,
                 concurrency: int = CONCURRENCY, hold: float = HOLD, lane_depth: int = LANE_DEPTH) -> None:
        self.app = app
        self.repos = app.repos
        self.clock = app.clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()
        self.concurrency = max(1, concurrency)
        self.lane_depth = max(1, lane_depth)
        self.hold = min(hold, lease.total_seconds() / 4)  # a held row goes back long before its lease ends
        self._lanes: dict[int, Lane] = {}
        self._claims: dict[int, tuple[float, datetime]] = {}  # row id -> (claimed, monotonic; lease end)
        self._tried: set[int] = set()  # held rows already tried here (their attempts changed)
        self._sent: list[tuple[int, dict[str, Any]]] = []  # delivered this pass, not yet marked sent
        self._ticking = asyncio.Lock()
        self.stopping = False  # set by stop_scheduler: a dispatch run ends after its current tick

    @property
    def held(self) -> int:
        return sum(len(lane.rows) for lane in self._lanes.values())

    # --- the tick -------------------------------------------------------------------------

    async def tick(self) -> DispatchStats:
        async with self._ticking:
            return await self._tick()

    async def _tick(self) -> DispatchStats:
        stats = DispatchStats()
        if "org_calendar_names" not in self.app.extras:
            await self.load_calendar_names()
        now = self.clock.now()
        if self._sent:  # sent last time, but the database failed before they were marked
            await self._write_sent(stats)
        stats.given_back = await self._give_back_stale(now)
        stats.released = await self.repos.outbox.release_expired_leases(now)
        if stats.released:
            log.warning("released %d reminder(s) whose worker's lease ended", stats.released)
        room = self.batch - self.held
        # people with rows held here are skipped: their later reminders wait in the outbox behind them
        rows = await self.repos.outbox.claim_due(self.worker_id, now, now + self.lease, room,
                                         skip_recipients=list(self._lanes)) if room > 0 else []
        stats.claimed = len(rows)
        claimed = monotonic_time.monotonic()
        excess: list[int] = []
        for row in rows:
            lane = self._lanes.setdefault(row.recipient_id, Lane(row.recipient_id))
            if len(lane.rows) >= self.lane_depth:  # one person's backlog must not fill the batch
                excess.append(row.id)  # type: ignore[arg-type]
                continue
            self._claims[row.id] = (claimed, now + self.lease)  # type: ignore[index]
            lane.rows.append(row)
        if excess:
            stats.given_back += await self.repos.outbox.release_claims(self.worker_id, excess)
        finished = await self._run_lanes(stats) if self._lanes else 0
        if self._lanes and not rows and not finished:
            # nothing new and every lane waiting: wait for the first turn here rather than make the caller spin
            turn = min(lane.not_before for lane in self._lanes.values()) - monotonic_time.monotonic()
            await asyncio.sleep(min(IDLE_WAIT, max(0.0, turn)))
            await self._run_lanes(stats)
        stats.held = self.held
        return stats

    async def drain(self, max_ticks: int = 1000) -> DispatchStats:
        """Tick until nothing due is left (tests and ``simulate``)."""
        total = DispatchStats()
        for _ in range(max_ticks):
            stats = await self.tick()
            for name in ("released", "claimed", "sent", "deferred", "retried", "failed", "unreachable", "given_back"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            total.sent_ids += stats.sent_ids
            total.held = stats.held
            if stats.claimed == 0 and stats.held == 0:
                break
        return total

    async def give_back(self) -> int:
        """Every row held here goes back to pending as it was (its place in line kept): a job run or
        the worker ends, and nothing should wait for a lease."""
        async with self._ticking:
            return await self._give_back(list(self._lanes.values()))

    # --- lanes: one per recipient, in order -----------------------------------------------

    async def _run_lanes(self, stats: DispatchStats) -> int:
        """Deliver every lane that can go now, ``concurrency`` at a time; the rows finished."""
        lanes = list(self._lanes.values())
        people = await self.repos.people.people([lane.recipient_id for lane in lanes])
        gate = asyncio.Semaphore(self.concurrency)

        async def run(lane: Lane) -> int:
            if lane.not_before > monotonic_time.monotonic() + INLINE_WAIT:
                return 0
            async with gate:
                return await self._run_lane(lane, people.get(lane.recipient_id), stats)

        # every lane ends before the tick does (none left running beside the next tick), then the first
        # failure (the database gone) is raised; the rows it left stay held and are tried again
        results = await asyncio.gather(*(run(lane) for lane in lanes), return_exceptions=True)
        await self._write_sent(stats)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(r for r in results if isinstance(r, int))

    async def _run_lane(self, lane: Lane, person: Person | None, stats: DispatchStats) -> int:
        finished = 0
        while lane.rows:
            row = lane.rows[0]
            try:
                done = await self._handle(row, stats, person, lane)
            except Exception:  # noqa: BLE001 - one bad row must not stop the others
                log.exception("reminder %s could not be handled; it is retried", row.id)
                await self._retry(row, "internal error", None, stats)
                done = True
            if not done:
                break
            lane.rows.pop(0)
            self._claims.pop(row.id, None)  # type: ignore[arg-type]
            self._tried.discard(row.id)  # type: ignore[arg-type]
            finished += 1
        if not lane.rows and self._lanes.get(lane.recipient_id) is lane:
            del self._lanes[lane.recipient_id]
        return finished

    async def _give_back_stale(self, now: datetime) -> int:
        """Lanes holding a row for half its lease (real time, or the bot's clock) go back to pending."""
        half = self.lease / 2
        real = monotonic_time.monotonic() - half.total_seconds()
        stale = [lane for lane in self._lanes.values()
                 if any(self._claims.get(r.id, (0.0, now))[0] < real  # type: ignore[arg-type]
                        or self._claims.get(r.id, (0.0, now))[1] - now < half for r in lane.rows)]  # type: ignore[arg-type]
        return await self._give_back(stale) if stale else 0

    async def _give_back(self, lanes: list[Lane]) -> int:
        count = 0
        untouched: list[int] = []
        for lane in lanes:
            for row in lane.rows:
                if row.id in self._tried:  # tried here (a short Retry-After): its attempts count
                    count += await self._finish(row, {"status": "pending", "attempts": row.attempts,
                                                      "last_error": row.last_error})
                else:
                    untouched.append(row.id)  # type: ignore[arg-type]
                self._claims.pop(row.id, None)  # type: ignore[arg-type]
                self._tried.discard(row.id)  # type: ignore[arg-type]
            lane.rows.clear()
            if self._lanes.get(lane.recipient_id) is lane:
                del self._lanes[lane.recipient_id]
        return count + await self.repos.outbox.release_claims(self.worker_id, untouched)

    # --- one row --------------------------------------------------------------------------

    async def _handle(self, row: Reminder, stats: DispatchStats, person: Person | None, lane: Lane) -> bool:
        """Deliver, defer, retry or fail one row; False when it must wait for its turn (still held)."""
        now = self.clock.now()
        if person is None or not person.active:
            await self._finish(row, {"status": "cancelled", "last_error": "recipient no longer on the roster"})
            return True
        workdays, hours = self.calendar_of(person)
        when = deliverable_at(person, now, workdays, hours, pause=row.kind not in NOTICE_KINDS)
        if when > now:
            note = (f"paused: absent until {person.absent_until} (Policy 3.7)"
                    if is_absent(person, hours.local(now).date()) else row.last_error)
            await self._finish(row, {"status": "pending", "due_at": when, "last_error": note})
            stats.deferred += 1
            return True
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
            return True
        wait = max(lane.not_before - monotonic_time.monotonic(),
                   deliverer.ready_in(person) if isinstance(deliverer, Paced) else 0.0)
        if wait > INLINE_WAIT:  # their conversation is busy: keep the row, let the tick go on
            lane.not_before = monotonic_time.monotonic() + wait
            return False
        try:
            await deliverer.deliver(person, await self.message_for(row))
        except DeliveryError as error:
            if error.permanent:
                await self._fail(row, person, str(error), stats)
            elif error.retry_after is not None and error.retry_after <= self.hold \
                    and row.attempts + 1 < self.max_attempts:
                row.attempts += 1  # written when the row is finished or given back
                self._tried.add(row.id)  # type: ignore[arg-type]
                row.last_error = str(error)[:2000]
                lane.not_before = monotonic_time.monotonic() + error.retry_after
                stats.retried += 1
                return False
            else:
                await self._retry(row, str(error), error.retry_after, stats, person)
            return True
        except Exception as error:  # noqa: BLE001 - a channel's own bug is retried like a network error
            await self._retry(row, f"{type(error).__name__}: {error}", None, stats, person)
            return True
        # written with the rest of this pass in one transaction (_write_sent), not one commit per message
        self._sent.append((row.id, {"status": "sent", "sent_at": self.clock.now(),  # type: ignore[arg-type]
                                    "channel": str(deliverer.channel), "attempts": row.attempts + 1,
                                    "last_error": ""}))
        return True

    async def _write_sent(self, stats: DispatchStats) -> None:
        """Mark this pass's sent rows sent, together. If the database fails they are kept and written by
        the next tick (their leases still hold), so nothing sent is sent again because of it."""
        outcomes, self._sent = self._sent, []
        try:
            written = await self.repos.outbox.finish_claims(self.worker_id, outcomes)
        except Exception:
            self._sent = outcomes + self._sent
            raise
        for reminder_id, _ in outcomes:
            if reminder_id in written:
                stats.sent += 1
                stats.sent_ids.append(reminder_id)
            else:
                log.error("reminder %s was sent after this worker's lease ended", reminder_id)

    async def _retry(self, row: Reminder, error: str, retry_after: float | None, stats: DispatchStats,
                     person: Person | None = None) -> None:
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            await self._fail(row, person, error, stats, attempts=attempts)
            return
        # the platform said when (429 Retry-After): then, not later; otherwise back off with jitter
        delay = retry_after if retry_after is not None else backoff(attempts, self.rng)
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
        return await self.repos.outbox.finish_claim(row.id, self.worker_id, values)  # type: ignore[arg-type]

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
        for org in await self.repos.people.organisations():
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
            await self.repos.outbox.enqueue(Reminder(dedupe_key=f"{key}:hr{admin}"[:200], kind=kind, recipient_id=admin,
                                             subject_person_id=person.id, due_at=now, clause="3.4",
                                             subject=subject, body=body, action="status"))
        if not hr:
            log.error("no HR admin to tell: %s", subject)

    async def hr_admins(self, org_id: int) -> list[int]:
        seen: set[int] = set()
        current: int | None = org_id
        while current is not None and current not in seen:
            seen.add(current)
            people = await self.repos.people.role_holders("hr_admin", current)
            if people:
                return [p.id for p in people if p.id is not None]
            org = await self.repos.people.organisation(current)
            current = org.parent_id if org else None
        return []

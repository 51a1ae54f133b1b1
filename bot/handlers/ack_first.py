"""Acknowledge first, work after: how one process shares its event loop between acks and answers.

Slack wants every request acknowledged within 3 seconds (and sends it again when it is not);
Teams waits up to 15 seconds for a turn and shows the person an error after that. Neither needs
our answer inside the acknowledgement: Slack's comes through the Web API and Teams' through the
connector. So in a burst the acks come first:

- while a request is waiting for its ack, or during a burst (``burst`` or more requests arrived
  in the last ``quiet`` seconds), new work waits, for at most ``max_defer`` seconds; after that
  it runs anyway, but only one such piece at a time (the "trickle"), so a long burst can neither
  starve the answers nor the acks;
- people tapping at a steady pace, even a brisk one (25 taps a second), are not a burst: each
  answer is worked out as soon as its ack has gone back (Issue 18: what a person waits for is the
  answer, and waiting for a silence in a steady stream kept every answer back ``max_defer``);
- at most ``slots`` pieces of work run at once;
- one person's work always runs in the order it arrived (a fast second tap waits for the first).

Work is done in this process's memory, as before: a process that dies loses what it had
acknowledged and not yet answered (the person is asked nothing twice; they type the command again).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]

WORK_SLOTS = 8  # answers mostly wait on the database and the platform API, so a few more than cores
MAX_DEFER_SECONDS = 5.0
"""A burst longer than this lets answers through one at a time (the trickle). An answer costs 10-20
times an ack's CPU (a `status` click: about 10 ms against well under 1 ms), so even one at a time
slows the acks; a burst that long is already far past anything a trust's staff produce."""
QUIET_SECONDS = 0.1
"""The window a burst is counted over; a gap this long with no request arriving always ends one."""
BURST_ARRIVALS = 10
"""Requests arriving within ``QUIET_SECONDS`` that make a burst (100 a second): far above people's
taps, even a trust's busiest minute, and far below a retry storm or a load test's closed loop."""


class _Acking:
    """``async with work.acking()``: a plain class, as it wraps every request (a generator-based
    context manager costs several times more)."""

    __slots__ = ("_work",)

    def __init__(self, work: AckFirst) -> None:
        self._work = work

    async def __aenter__(self) -> None:
        self._work._arrived()

    async def __aexit__(self, *_: object) -> None:
        self._work._acked()


@dataclass
class AckFirst:
    slots: int = WORK_SLOTS
    max_defer: float = MAX_DEFER_SECONDS
    quiet: float = QUIET_SECONDS
    burst: int = BURST_ARRIVALS
    _acking: int = 0
    _last_arrival: float = 0.0
    _arrivals: deque[float] = field(default_factory=deque)  # the last ``burst`` arrival times
    _quiet_now: asyncio.Event | None = None
    _quiet_timer: asyncio.TimerHandle | None = None
    _busy: int = 0
    _idle: asyncio.Event | None = None
    _slots: asyncio.Semaphore | None = None
    _trickle: asyncio.Semaphore | None = None
    _queues: dict[str, deque[Work]] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    # --- the acknowledgement side ---------------------------------------------------------

    def acking(self) -> _Acking:
        """Around one request, from its arrival until its acknowledgement goes back."""
        return _Acking(self)

    def _arrived(self) -> None:
        self._acking += 1
        self._last_arrival = asyncio.get_running_loop().time()
        self._arrivals.append(self._last_arrival)
        if len(self._arrivals) > max(self.burst, 1):
            self._arrivals.popleft()
        self._quiet_event().clear()

    def _acked(self) -> None:
        self._acking -= 1
        if self._acking == 0 and self._quiet_timer is None:
            self._check_quiet()

    @property
    def acks_waiting(self) -> int:
        return self._acking

    def quiet_for(self) -> float:
        """Seconds since the last request arrived, or 0 while one is waiting for its ack."""
        if self._acking:
            return 0.0
        return asyncio.get_running_loop().time() - self._last_arrival

    # --- the work side --------------------------------------------------------------------

    def after_ack(self, person_key: str, work: Work) -> None:
        """Do ``work`` as this person's next turn, in the background, once the ack has gone back.

        Counted as in flight from now (so :meth:`idle` waits for it). ``work`` handles its own
        errors (it tells the person); anything that escapes is logged here. Each person with work
        waiting has one task working through their queue in order: a burst of taps costs a list
        entry each, not a task each.
        """
        self._busy += 1
        self._idle_event().clear()
        queue = self._queues.get(person_key)
        if queue is not None:
            queue.append(work)
            return
        self._queues[person_key] = deque((work,))
        task = asyncio.get_running_loop().create_task(self._work_through(person_key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _work_through(self, person_key: str) -> None:
        queue = self._queues[person_key]
        try:
            while queue:
                try:
                    async with self._turn():
                        await queue[0]()
                except Exception:
                    log.exception("work after an ack failed for %s", person_key)
                finally:
                    queue.popleft()
                    self._busy -= 1
                    if self._busy == 0:
                        self._idle_event().set()
        finally:
            if self._queues.get(person_key) is queue:
                del self._queues[person_key]
            if queue:  # cancelled (shutdown): what was still queued is no longer in flight
                self._busy -= len(queue)
                if self._busy == 0:
                    self._idle_event().set()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """One piece of work: after pending acks, in a free slot."""
        slots, trickle = self._semaphores()
        async with slots:
            # the burst is checked with a slot in hand, right before the work: work queued for a
            # slot during a quiet spell must not then run inside the next burst
            deferred = not await self._quiet_within(self.max_defer)
            async with trickle if deferred else contextlib.nullcontext():
                yield

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until all acknowledged work is done (tests wait for answers; shutdown finishes them)."""
        if self._busy:
            await asyncio.wait_for(self._idle_event().wait(), timeout)

    # --- internals ------------------------------------------------------------------------

    async def _quiet_within(self, limit: float) -> bool:
        """Wait until no request is arriving; False when ``limit`` seconds pass first."""
        quiet = self._quiet_event()
        if quiet.is_set():
            return True
        try:
            await asyncio.wait_for(quiet.wait(), limit)
        except TimeoutError:
            return False
        return True

    def _check_quiet(self) -> None:
        """One timer for everyone waiting (no polling): quiet once no ack is waiting and fewer than
        ``burst`` requests arrived in the last ``quiet`` seconds."""
        self._quiet_timer = None
        if self._acking:
            return  # the last request to leave starts the timer again
        loop = asyncio.get_running_loop()
        # a burst ends when the ``burst``-th latest arrival leaves the window (burst 1: the latest)
        burst = len(self._arrivals) >= max(self.burst, 1)
        quiet_at = self._arrivals[0] + self.quiet if burst else float("-inf")
        if loop.time() >= quiet_at:
            self._quiet_event().set()
        else:
            self._quiet_timer = loop.call_at(quiet_at, self._check_quiet)

    def _quiet_event(self) -> asyncio.Event:
        if self._quiet_now is None:
            self._quiet_now = asyncio.Event()
            self._quiet_now.set()
        return self._quiet_now

    def _idle_event(self) -> asyncio.Event:
        """Created on first use, inside the running loop."""
        if self._idle is None:
            self._idle = asyncio.Event()
            self._idle.set()
        return self._idle

    def _semaphores(self) -> tuple[asyncio.Semaphore, asyncio.Semaphore]:
        if self._slots is None or self._trickle is None:
            self._slots, self._trickle = asyncio.Semaphore(self.slots), asyncio.Semaphore(1)
        return self._slots, self._trickle


FULL_COLLECTION_BACKSTOP = 1000  # Python's third threshold (10 by default): gen-1 collections per full one


async def collect_garbage_between_bursts(work: AckFirst, every: float = 1.0, quiet: float = 1.0) -> None:
    """Run Python's full garbage collections between bursts instead of inside them (until cancelled).

    A full collection walks every object alive, and a burst leaves thousands of acknowledged
    answers waiting, so one inside a burst stalled every request in flight for 0.03-0.12 s (bench
    section 1's p99). The automatic trigger is raised to a backstop and this task collects once
    requests have stopped arriving for ``quiet`` seconds and the collector is due (gen-1 collections
    since the last full one at the usual threshold).
    """
    usual = gc.get_threshold()
    gc.set_threshold(usual[0], usual[1], FULL_COLLECTION_BACKSTOP)
    try:
        while True:
            await asyncio.sleep(every)
            if gc.get_count()[2] >= usual[2] and work.quiet_for() >= quiet:
                gc.collect()
    finally:
        gc.set_threshold(*usual)


EXTRAS_KEY = "ack_first"


def of(app: Any) -> AckFirst:
    """The process's one AckFirst (in ``app.extras``): Slack's and Teams' acks come before either's work."""
    existing = app.extras.get(EXTRAS_KEY)
    if not isinstance(existing, AckFirst):
        existing = app.extras[EXTRAS_KEY] = AckFirst()
    return existing

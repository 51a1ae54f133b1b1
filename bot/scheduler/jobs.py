"""APScheduler jobs inside ``cadence serve``: dispatch tick, nightly planning, nightly purge.

Several workers may run these at once on one database: the dispatcher claims rows atomically
(no double delivery), planning is an idempotent upsert by dedupe key, and the purge is the
records helper's (``bot.documents.retention.purge_due``), which must be idempotent too.
Misfires are coalesced: a worker that was asleep runs a missed job once, not once per miss.
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduler.dispatcher import Dispatcher, DispatchStats
from bot.scheduler.planner import Planner
from bot.services import Runtime

log = logging.getLogger(__name__)

PLANNING_AT = {"hour": 1, "minute": 30}  # nightly, in Settings.timezone (Europe/London by default)
PURGE_AT = {"hour": 2, "minute": 15}
JOB_SHARE = 0.8  # of the dispatch interval one run may keep ticking while reminders are due


async def dispatch_job(app: Runtime, dispatcher: Dispatcher, budget: float | None = None) -> DispatchStats:
    """Tick back to back while reminders are due or held, for at most ``budget`` seconds (by default
    ``JOB_SHARE`` of the dispatch interval), then give back whatever is still held.

    One batch per interval (50 every 30 s) would be under 2 a second; ticking while there is work
    lets a trust-wide run go as fast as the channels allow (Slack: 50 a second, paced by the Slack
    channel), and giving back at the end leaves nothing claimed between runs.
    """
    total = DispatchStats()
    if budget is None:
        budget = max(1, app.settings.dispatch_interval_seconds) * JOB_SHARE
    deadline = time.monotonic() + budget
    try:
        while True:
            stats = await dispatcher.tick()
            for name in ("released", "claimed", "sent", "deferred", "retried", "failed", "unreachable", "given_back"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            total.held = stats.held
            if stats.claimed:
                log.info("dispatch: %s", {k: v for k, v in vars(stats).items() if k != "sent_ids"})
            if dispatcher.stopping or not (stats.claimed or stats.held) or time.monotonic() >= deadline:
                break
    except Exception:  # noqa: BLE001 - the next run tries again; never kill the scheduler
        log.exception("dispatch tick failed")
    finally:
        try:
            total.given_back += await dispatcher.give_back()
        except Exception:  # noqa: BLE001 - the rows' leases bring them back anyway
            log.exception("giving back held reminders failed; their leases will release them")
    return total


async def planning_job(app: Runtime) -> None:
    """Enrol whoever became eligible (Policy 1.1: induction or capability ended), then plan."""
    try:
        from bot.enrolment import enrol_all

        await enrol_all(app)
    except Exception:  # noqa: BLE001 - planning still runs for those already enrolled
        log.exception("enrolment before planning failed")
    try:
        await Planner(app).run()
    except Exception:  # noqa: BLE001
        log.exception("planning pass failed")


async def replanning_job(app: Runtime) -> None:
    """Between nightly passes: replan the colleagues whose facts changed (an incremental pass)."""
    try:
        stats = await Planner(app).run()
        if stats.colleagues or not stats.incremental:
            log.info("replanning: %s", stats)
    except Exception:  # noqa: BLE001 - the next run tries again
        log.exception("replanning pass failed")


async def purge_job(app: Runtime) -> None:
    """Forget old inbound event ids, then call the records helper's retention purge (Policy 10.3)."""
    try:
        swept = await app.repos.inbound.sweep_inbound()
        log.info("inbound events: %d old ids forgotten", swept)
    except Exception:  # noqa: BLE001 - the purge still runs
        log.exception("sweeping old inbound event ids failed")
    try:
        module = importlib.import_module("bot.documents.retention")
    except ImportError:
        log.warning("retention purge skipped: bot.documents.retention is not installed (Policy 10.3)")
        return
    purge = getattr(module, "purge_due", None)
    if purge is None:
        log.warning("retention purge skipped: bot.documents.retention has no purge_due(app) (Policy 10.3)")
        return
    try:
        result = purge(app)
        if hasattr(result, "__await__"):
            result = await result
        log.info("retention purge: %s", result)
    except Exception:  # noqa: BLE001
        log.exception("retention purge failed")


def start_scheduler(app: Runtime, *, start: bool = True) -> Any:
    """Build (and start) the AsyncIOScheduler of ``cadence serve``; returns it."""
    tz = app.settings.timezone
    scheduler = AsyncIOScheduler(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                            "misfire_grace_time": 3600})
    dispatcher = Dispatcher(app)
    scheduler.add_job(dispatch_job, "interval", seconds=max(1, app.settings.dispatch_interval_seconds),
                      args=(app, dispatcher), id="dispatch", replace_existing=True)
    scheduler.add_job(planning_job, "cron", args=(app,), id="planning", replace_existing=True, **PLANNING_AT)
    if app.settings.replan_interval_minutes:
        scheduler.add_job(replanning_job, "interval", minutes=app.settings.replan_interval_minutes, args=(app,),
                          id="replanning", replace_existing=True)
    scheduler.add_job(purge_job, "cron", args=(app,), id="retention_purge", replace_existing=True, **PURGE_AT)
    if start:
        scheduler.start()
    return scheduler


async def stop_scheduler(scheduler: Any, timeout: float = 30.0) -> None:
    """Stop taking new jobs, let a tick in flight finish (so no claim is left to its lease), then shut down."""
    import asyncio

    scheduler.pause()
    job = scheduler.get_job("dispatch")
    if job is not None and isinstance(job.args[1], Dispatcher):
        job.args[1].stopping = True  # a run in progress ends after its tick (and gives back what it holds)
    executor = scheduler._lookup_executor("default")
    pending = [f for f in getattr(executor, "_pending_futures", ()) if not f.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout)
    scheduler.shutdown(wait=False)

"""One measurement of section 3 in a fresh process, so its peak memory is its own.

``python -m bench.scale_worker MODE DB_URL [N]`` prints one JSON object:

- ``gen-trust N``: migrate and write a trust of N colleagues (bench.generate);
- ``gen-outbox N``: add N pending reminders;
- ``plan``: one planning pass (bot.scheduler.planner.Planner.run: the first is a full pass), then
  a second a day later (nothing changed but the date: incremental), then the floor: reading every review, cycle and person
  in the planner's batches; then one answer's replan: a review's facts change and
  Planner.replan plans its colleague alone, against reading that review by primary key;
- ``claim N``: N dispatch claims of 50 rows (store.repos.outbox.Outbox.claim_due), then as many
  primary-key updates of one reminder (the floor), then one whole dispatcher tick (no channel).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from bench.generate import NOW
from bench.procs import peak_rss_mib, rss_mib
from bot.app import build_app
from bot.clock import FixedClock
from bot.settings import Settings

BATCH = 500


def _app(url: str) -> Any:
    return build_app(Settings(_env_file=None, database_url=url), clock=FixedClock(NOW))  # type: ignore[call-arg]


async def gen_trust(url: str, n: int) -> dict[str, Any]:
    from bench.generate import generate_trust

    app = _app(url)
    try:
        await app.ensure_schema()
        t0 = time.perf_counter()
        made = await generate_trust(app, n)
        return {**made, "seconds": time.perf_counter() - t0}
    finally:
        await app.close()


async def gen_outbox(url: str, n: int) -> dict[str, Any]:
    from bench.generate import pending_reminders

    app = _app(url)
    try:
        t0 = time.perf_counter()
        total = await pending_reminders(app, n)
        return {"outbox": total, "seconds": time.perf_counter() - t0}
    finally:
        await app.close()


async def floor_read(app: Any) -> float:
    """Reading what the planner must read, batch by batch, doing nothing with it."""
    t0 = time.perf_counter()
    after = 0
    while batch := await app.repos.planning.review_batch(after, BATCH):
        after = batch[-1].id
    after = 0
    while people := await app.repos.planning.person_batch(after, BATCH):
        after = people[-1].id
    return time.perf_counter() - t0


async def one_answer(app: Any, samples: int = 21) -> tuple[float, float]:
    """Median ms of one colleague's replan after their review changed (an answer, a submitted form)
    and of reading that review by primary key (the floor). The first of each is not counted: a
    server that has answered once has its statements built and compiled, as both are here after it."""
    from sqlalchemy import select, update

    from bot.scheduler.planner import Planner
    from store.models import Review

    async with app.db.session() as s:
        last = (await s.execute(select(Review.id).order_by(Review.id.desc()).limit(1))).scalar_one()  # type: ignore[attr-defined]
    replans, reads = [], []
    for i in range(samples + 1):
        rid = max(1, last * (i + 1) // (samples + 2))
        async with app.db.transaction() as s:  # the answer: its trigger marks the colleague
            await s.execute(update(Review).where(Review.id == rid).values(planning_submitted_at=NOW))  # type: ignore[call-overload]
        t0 = time.perf_counter()
        async with app.db.session() as s:
            colleague = (await s.execute(select(Review.colleague_id).where(Review.id == rid))).scalar_one()  # type: ignore[call-overload]
        reads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        await Planner(app).replan([colleague])
        replans.append(time.perf_counter() - t0)
    return statistics.median(replans[1:]) * 1000, statistics.median(reads[1:]) * 1000


async def plan(url: str) -> dict[str, Any]:
    from bot.scheduler.planner import Planner

    app = _app(url)
    try:
        rss0 = rss_mib(os.getpid())
        t0 = time.perf_counter()
        first = await Planner(app).run()
        t1 = time.perf_counter()
        peak = peak_rss_mib(os.getpid())
        app.clock.advance(timedelta(days=1))  # the next night's pass: nothing changed but the date
        again = await Planner(app).run()
        t2 = time.perf_counter()
        floor = await floor_read(app)
        one, read = await one_answer(app)
        return {"plan_seconds": t1 - t0, "replan_seconds": t2 - t1, "floor_seconds": floor,
                "planned": first.planned, "inserted": first.inserted, "replan_inserted": again.inserted,
                "replan_updated": again.updated, "replan_incremental": again.incremental,
                "replan_colleagues": again.colleagues, "first_incremental": first.incremental,
                "one_replan_ms": one, "one_read_ms": read, "peak_mib": peak, "start_mib": rss0}
    finally:
        await app.close()


async def claim(url: str, n: int) -> dict[str, Any]:
    from sqlalchemy import update

    from store.models import Reminder

    app = _app(url)
    try:
        lease = NOW + timedelta(minutes=5)
        rss0 = rss_mib(os.getpid())
        await app.repos.outbox.claim_due("bench-warm", NOW, lease, 50)  # warm the pool and the statement cache
        claims, sizes = [], []
        for i in range(n):
            t0 = time.perf_counter()
            rows = await app.repos.outbox.claim_due(f"bench-{i}", NOW, lease, 50)
            claims.append(time.perf_counter() - t0)
            sizes.append(len(rows))
        floors = []
        for i in range(n):
            t0 = time.perf_counter()
            async with app.db.transaction() as s:
                await s.execute(update(Reminder).where(Reminder.id == i + 1).values(attempts=Reminder.attempts))  # type: ignore[call-overload]
            floors.append(time.perf_counter() - t0)
        tick = None
        try:
            from bot.scheduler.dispatcher import Dispatcher

            t0 = time.perf_counter()
            stats = await Dispatcher(app, worker_id="bench-tick", batch=50).tick()
            tick = {"seconds": time.perf_counter() - t0, "claimed": stats.claimed}
        except ImportError:
            pass
        return {"claim_ms": statistics.median(claims) * 1000, "claim_max_ms": max(claims) * 1000,
                "claimed_each": statistics.median(sizes), "floor_ms": statistics.median(floors) * 1000,
                "tick": tick, "peak_mib": peak_rss_mib(os.getpid()), "start_mib": rss0}
    finally:
        await app.close()


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    work = {"gen-trust": lambda: gen_trust(url, n), "gen-outbox": lambda: gen_outbox(url, n),
            "plan": lambda: plan(url), "claim": lambda: claim(url, n)}[mode]
    print(json.dumps(asyncio.run(work())))


if __name__ == "__main__":
    main()

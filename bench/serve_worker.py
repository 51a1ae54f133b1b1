"""``cadence serve`` with an injected clock: the resilience tests' worker process.

The same composition as ``cadence serve`` (bot.app.build_app, bot.handlers.web.build_web_app, the
scheduler's dispatch job bot.scheduler.jobs.dispatch_job on a fixed interval) with two things a
test must control: the clock (a RunningClock from a chosen Monday morning, so working hours and
working days do not depend on when the suite runs) and the dispatcher's lease (seconds rather
than minutes, so a killed worker's rows come back within the test). Settings come from the
environment (CADENCE_*) as for ``cadence serve``.

    python -m bench.serve_worker PORT [--start ISO] [--lease 3] [--interval 0.2] [--batch 50] [--no-dispatch]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
from datetime import datetime, timedelta

from bench.delivery import START, RunningClock
from bench.serving import run_until_stopped, serving


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--start", default=START.isoformat())
    parser.add_argument("--lease", type=float, default=300.0)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--no-dispatch", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from bot.app import build_app
    from bot.handlers.web import build_web_app
    from bot.settings import Settings

    async def go() -> None:
        app = build_app(Settings(), clock=RunningClock(datetime.fromisoformat(args.start)))
        async with serving(app, build_web_app(app), args.port):
            if args.no_dispatch:
                await asyncio.Event().wait()
            jobs = importlib.import_module("bot.scheduler.jobs")
            dispatcher_cls = importlib.import_module("bot.scheduler.dispatcher").Dispatcher
            dispatcher = dispatcher_cls(app, worker_id=f"worker-{args.port}", batch=args.batch,
                                        lease=timedelta(seconds=args.lease))
            while True:
                await jobs.dispatch_job(app, dispatcher)
                await asyncio.sleep(args.interval)

    run_until_stopped(go())


if __name__ == "__main__":
    main()

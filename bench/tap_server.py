"""``cadence serve --no-scheduler`` as it runs, plus one counter: the queries it sent the database.

The composition is bot.cli.run.serve's (build_app, build_web_app, the start-up heap frozen, the
collector between bursts); the only addition is GET /_bench/queries, the number of statements the
engine has executed, which the tap-to-answer bench reads before and after each kind of tap. Run as
``python -m bench.tap_server PORT`` with the CADENCE_* settings in the environment.
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web
from sqlalchemy import event

from bench.serving import run_until_stopped, serving


def main() -> None:
    from bot.app import build_app
    from bot.cli.run import freeze_start_up_heap
    from bot.handlers import ack_first
    from bot.handlers.ack_first import collect_garbage_between_bursts
    from bot.handlers.web import build_web_app
    from bot.settings import Settings

    async def go() -> None:
        app = build_app(Settings())
        await app.ensure_schema()
        count = [0]

        def counted(*_: object) -> None:
            count[0] += 1

        event.listen(app.db.engine.sync_engine, "before_cursor_execute", counted)
        web_app = build_web_app(app)

        async def queries(_: web.Request) -> web.Response:
            return web.json_response({"queries": count[0]})

        web_app.router.add_get("/_bench/queries", queries)
        async with serving(app, web_app, int(sys.argv[1])):
            freeze_start_up_heap()
            collector = asyncio.create_task(collect_garbage_between_bursts(ack_first.of(app)))
            try:
                await asyncio.Event().wait()
            finally:
                collector.cancel()

    run_until_stopped(go())


if __name__ == "__main__":
    main()

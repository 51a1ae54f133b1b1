"""Start-up shared by the bench's server processes (serve_worker, tap_server): Cadence's web app on
127.0.0.1 until the process is stopped, then the server and the app closed, as ``cadence serve`` does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web


@asynccontextmanager
async def serving(app: Any, web_app: web.Application, port: int) -> AsyncIterator[None]:
    """``web_app`` listening on 127.0.0.1:``port`` for the block; afterwards the server and ``app`` are closed."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield
    finally:
        await runner.cleanup()
        await app.close()


def run_until_stopped(main: Coroutine[Any, Any, None]) -> None:
    """asyncio.run, with Ctrl-C (or the harness's SIGINT) a normal way to stop."""
    try:
        asyncio.run(main)
    except KeyboardInterrupt:
        pass

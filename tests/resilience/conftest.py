"""Resilience: the bot against a PostgreSQL that goes away, a Slack that fails, workers that die.

Everything talks to 127.0.0.1 only: our own PostgreSQL servers (bench.pg), the stand-in Slack Web
API (bench.standin_slack) and Bot Connector (bench.standin_teams), and ``cadence serve`` itself.
Each test is bounded to seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bench import pg


def needs_postgres() -> None:
    reason = pg.why_not()
    if reason:
        pytest.skip(f"PostgreSQL resilience test skipped: {reason}")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(interval)
    return False


def healthy(session: Any, worker: Any) -> Callable[[], Awaitable[bool]]:
    """For :func:`eventually`: does this ``cadence serve`` worker (bench.procs.Server) answer /healthz?"""
    import aiohttp

    async def check() -> bool:
        try:
            async with session.get(f"{worker.url}/healthz") as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    return check

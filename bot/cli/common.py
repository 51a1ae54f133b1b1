"""What every command group shares: the settings and running a coroutine against a built app.

Kept apart from ``bot.cli.run`` so that the groups (records, reminders, teams) import it without
an import circle through the module that registers them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.settings import Settings

T = TypeVar("T")


def settings() -> Settings:
    return Settings()


def run_with_app(work: Callable[[Any], Awaitable[T]], *, migrate: bool = True, clock: Any = None) -> T:
    """Build the app, bring the schema up to date, run ``work(app)`` and close."""
    from bot.app import build_app

    async def go() -> T:
        application = build_app(settings(), clock=clock)
        try:
            if migrate:
                await application.ensure_schema()
            return await work(application)
        finally:
            await application.close()

    return asyncio.run(go())

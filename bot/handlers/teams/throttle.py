"""Sending through the Bot Connector politely: a 429 is retried after its ``Retry-After``.

Used for replies in a conversation (bot.py) and for proactive messages (channel.py). Each activity
is retried on its own, so a reply of several messages never sends one twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ErrorResponseException

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


def retry_after_seconds(headers: Any, default: float = 1.0) -> float:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    value = headers.get("Retry-After") if headers is not None and hasattr(headers, "get") else None
    if not value:
        return default
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return default


def status_and_headers(error: Exception) -> tuple[int | None, Any]:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return (int(status) if status else None), getattr(response, "headers", None)


async def send_all(turn_context: TurnContext, activities: list[dict[str, Any]], *, sleep: Sleep = asyncio.sleep,
                   attempts: int = 3, max_wait: float = 10.0) -> None:
    """Send each activity in order; on 429 wait as asked (up to ``max_wait``) and try that one again."""
    for data in activities:
        for attempt in range(1, attempts + 1):
            try:
                await turn_context.send_activity(Activity().deserialize(data))
                break
            except ErrorResponseException as error:
                status, headers = status_and_headers(error)
                wait = retry_after_seconds(headers)
                if status != 429 or attempt == attempts or wait > max_wait:
                    raise
                log.info("teams: throttled (429); waiting %.1fs as Retry-After asks", wait)
                await sleep(wait)

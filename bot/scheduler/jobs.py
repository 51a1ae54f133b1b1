"""APScheduler jobs inside ``cadence serve`` (filled by the reminders work)."""

from __future__ import annotations

from typing import Any

from bot.app import App


def start_scheduler(app: App) -> Any:
    return None

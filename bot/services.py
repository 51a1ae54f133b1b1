"""The typed services the core is handed (DESIGN.md): the store, the clock, the calendars, the
notifier and the documents. Built by ``bot.app.build_app``; dialogs, documents and the scheduler
depend on this module, never on ``bot.app`` (an import-linter contract says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from bot.policy.workdays import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.policy.calendar import SchoolCalendar
    from bot.policy.workdays import WorkingDays
    from bot.settings import Settings
    from store.db import Database
    from store.unit import Repositories


class Notifier(Protocol):
    """Tells someone other than the speaker (the colleague about a meeting, a manager about a
    request for support). Implemented by the scheduler's outbox, so nothing is lost."""

    async def notify(self, to_person_id: int, subject: str, body: str, *, kind: str, clause: str,
                     dedupe_key: str, review_id: int | None = None, action: str = "",
                     subject_person_id: int | None = None) -> None: ...


@dataclass
class Services:
    """What a dialog may use: the store, the clock, the calendar rules and the notifier."""

    repos: Repositories
    clock: Clock
    notifier: Notifier
    calendar_for: Callable[[str], SchoolCalendar]  # organisation calendar name -> calendar
    workdays_for: Callable[[str], WorkingDays]
    documents: Any = None  # bot.documents facade, set by bot.app when available
    extras: dict[str, Any] = field(default_factory=dict)
    timezone: str = DEFAULT_TIMEZONE  # Settings.timezone: what "10:00" and "today" mean to the trust

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


DEFAULT_ZONE = ZoneInfo(DEFAULT_TIMEZONE)


class Runtime(Protocol):
    """What a job, an export or the purge needs of the running application (``bot.app.App``
    has all of it); typed here so that nothing below the composition root imports ``bot.app``."""

    settings: Settings
    clock: Clock
    db: Database
    repos: Repositories
    services: Services

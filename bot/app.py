"""Composition root: build_app(settings) -> App. Nothing is built at import."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot.clock import Clock, SystemClock
from bot.delivery import Deliverer
from bot.dialogs.engine import Engine
from bot.dialogs.registry import build_registry
from bot.documents.branding import Branding
from bot.documents.facade import Documents
from bot.scheduler.outbox import OutboxNotifier
from bot.services import Services
from bot.settings import Settings
from store.db import Database, head_revision, upgrade_async
from store.unit import Repositories

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: Database
    repos: Repositories
    services: Services
    engine: Engine
    channels: dict[str, Deliverer] = field(default_factory=dict)  # filled by each handler package
    extras: dict[str, Any] = field(default_factory=dict)

    async def ensure_schema(self) -> None:
        """Run migrations to head; a database already there costs one SELECT (Alembic is not even imported)."""
        if await self.db.revision() == head_revision():
            return
        await upgrade_async(self.settings.database_url)

    async def close(self) -> None:
        for name, channel in list(self.channels.items()):  # a channel holding a connection open closes it
            aclose = getattr(channel, "aclose", None)
            if aclose is not None:
                try:
                    await aclose()
                except Exception:  # noqa: BLE001 - closing the rest (and the database) matters more
                    log.exception("closing the %s channel failed", name)
        await self.db.dispose()


def load_calendar_text(settings: Settings) -> str:
    """The trust's calendar YAML if CADENCE_CALENDAR_FILE is set, else the shipped England default."""
    from bot.policy.calendar import DEFAULT_CALENDAR_RESOURCE

    default = resources.files("bot.policy").joinpath(DEFAULT_CALENDAR_RESOURCE).read_text(encoding="utf-8")
    if not settings.calendar_file:
        return default
    merged = yaml.safe_load(default) or {}
    trust = yaml.safe_load(Path(settings.calendar_file).read_text(encoding="utf-8")) or {}
    for name, body in trust.items():  # the trust's file overrides the shipped one organisation by organisation
        if name in merged and isinstance(body, dict) and isinstance(merged[name], dict):
            merged[name] = {**merged[name], **body}
        else:
            merged[name] = body
    return yaml.safe_dump(merged)


def build_calendars(settings: Settings):  # noqa: ANN201 - returns (calendar_for, workdays_for)
    from bot.policy.calendar import parse_calendars
    from bot.policy.workdays import WorkingDays

    calendars = parse_calendars(load_calendar_text(settings))

    def calendar_for(name: str):  # noqa: ANN202
        return calendars.get(name) or calendars["default"]

    @cache
    def workdays_for(name: str) -> WorkingDays:
        return WorkingDays(closure_days=calendar_for(name).closure_days)

    return calendar_for, workdays_for


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    clock = clock or SystemClock(settings.timezone)
    db = Database(settings.database_url)
    repos = Repositories(db)
    calendar_for, workdays_for = build_calendars(settings)
    services = Services(repos=repos, clock=clock, notifier=OutboxNotifier(repos, clock),
                        calendar_for=calendar_for, workdays_for=workdays_for, timezone=settings.timezone)
    services.extras["branding"] = Branding.from_settings(settings)  # CADENCE_FORM_TEMPLATE_DIR
    services.documents = Documents(services)  # bot.documents.facade: copies, App Home overview, exports
    engine = Engine(services, build_registry())
    return App(settings=settings, clock=clock, db=db, repos=repos, services=services, engine=engine)

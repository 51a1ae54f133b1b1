"""Fixtures for the records tests: a migrated SQLite app on 23 November 2026 and a small trust.

Everything is built through store/repo, as the bot itself writes it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_app
from bot.clock import FixedClock
from bot.settings import Settings
from tests.records.builders import Trust, build_trust

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
async def rapp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'records.db'}", _env_file=None)
    application = build_app(settings, clock=FixedClock(NOW))
    await application.ensure_schema()
    yield application
    await application.close()


@pytest.fixture
async def trust(rapp) -> Trust:
    return await build_trust(rapp)

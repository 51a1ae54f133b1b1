"""Fixtures for the records tests: a migrated SQLite app on 23 November 2026 and a small trust.

Everything is built through store/repos, as the bot itself writes it. The migrated (and seeded)
database is built once per session and copied for each test, which keeps the suite quick.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_app
from bot.clock import FixedClock
from tests.conftest import make_settings
from tests.records.builders import Trust, build_trust

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def records_templates(tmp_path_factory) -> tuple[Path, Path, Trust]:
    folder = tmp_path_factory.mktemp("records-templates")
    blank, seeded = folder / "blank.db", folder / "trust.db"

    async def make() -> Trust:
        for path, seed in ((blank, False), (seeded, True)):
            application = build_app(make_settings(_url(path)), clock=FixedClock(NOW))
            await application.ensure_schema()
            trust = await build_trust(application) if seed else None
            await application.close()
        assert trust is not None
        return trust

    trust = asyncio.run(make())
    return blank, seeded, replace(trust, app=None)  # type: ignore[arg-type]


async def _app_from(template: Path, target: Path):
    shutil.copyfile(template, target)
    for suffix in ("-wal", "-shm"):  # normally checkpointed away on close; copied if not
        extra = template.with_name(template.name + suffix)
        if extra.exists():
            shutil.copyfile(extra, target.with_name(target.name + suffix))
    application = build_app(make_settings(_url(target)), clock=FixedClock(NOW))
    return application


@pytest.fixture
async def rapp(records_templates, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    application = await _app_from(records_templates[0], tmp_path / "records.db")
    yield application
    await application.close()


@pytest.fixture
async def trust(records_templates, tmp_path, monkeypatch) -> Trust:
    monkeypatch.chdir(tmp_path)
    _blank, seeded, template = records_templates
    application = await _app_from(seeded, tmp_path / "trust.db")
    yield replace(template, app=application, ids=dict(template.ids), orgs=dict(template.orgs),
                  reviews=dict(template.reviews), plans=dict(template.plans))
    await application.close()


@pytest.fixture
def terminal(records_templates, tmp_path, monkeypatch):
    """``cadence ...`` run as from a terminal, on a copy of the small trust (no trust template set)."""
    from typer.testing import CliRunner

    from bot.cli import app as cli

    _blank, seeded, _trust = records_templates
    shutil.copyfile(seeded, tmp_path / "cadence.db")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CADENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'cadence.db'}")
    monkeypatch.delenv("CADENCE_FORM_TEMPLATE_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, list(args))

    return run

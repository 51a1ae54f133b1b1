"""Shared fixtures: a migrated SQLite app on a fixed clock, the demo trust, and PostgreSQL when available."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings as hypothesis_settings

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.settings import Settings

# CI gates a landing, so there the property-based tests run a fixed, repeatable set of examples;
# on a developer's machine they keep exploring at random.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

LONDON = ZoneInfo("Europe/London")
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def make_settings(url: str, **overrides: object) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    os.environ.clear()
    os.environ.update(env)  # tests never pick up a developer's CADENCE_* variables or .env
    return Settings(_env_file=None, database_url=url, **overrides)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cadence.db'}"


def _copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file at the head revision, made once and copied for each test (migrations are slow)."""
    from store.db import upgrade

    path = tmp_path_factory.mktemp("templates") / "migrated.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, migrated_db: Path) -> Path:
    """The demo trust seeded once on the fixed clock, copied for each test that wants it."""
    import asyncio

    from bot.demo import seed_demo

    path = tmp_path_factory.mktemp("templates") / "demo.db"
    _copy_db(migrated_db, path)

    async def seed() -> None:
        application = build_app(make_settings(f"sqlite:///{path}"), clock=FixedClock(TODAY))
        try:
            await seed_demo(application)
        finally:
            await application.close()

    asyncio.run(seed())
    return path


@pytest.fixture
async def app(db_url: str, clock: FixedClock, migrated_db: Path) -> AsyncIterator[App]:
    """A migrated, empty SQLite app on the fixed clock (Monday 23 November 2026, 10:00 London)."""
    _copy_db(migrated_db, Path(db_url.removeprefix("sqlite:///")))
    application = build_app(make_settings(db_url), clock=clock)
    yield application
    await application.close()


@pytest.fixture
async def demo_app(db_url: str, clock: FixedClock, demo_db: Path) -> AsyncIterator[App]:
    """The demo trust (examples/roster.csv, people at different stages) on the fixed clock."""
    _copy_db(demo_db, Path(db_url.removeprefix("sqlite:///")))
    application = build_app(make_settings(db_url), clock=clock)
    yield application
    await application.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on 127.0.0.1, run as the postgres system user (it refuses root)."""
    pg_ctl, initdb = _pg_bin("pg_ctl"), _pg_bin("initdb")
    if not pg_ctl or not initdb:
        pytest.skip("PostgreSQL tests skipped: pg_ctl/initdb not found (install Debian's postgresql package)")
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("PostgreSQL tests skipped: running as root and runuser is missing")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="cadence-pg-"))
    data = base / "data"
    if as_postgres:
        shutil.chown(base, "postgres", "postgres")
    port = _free_port()
    subprocess.run([*as_postgres, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -h 127.0.0.1 -k {base} -c fsync=off -c full_page_writes=off", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the throwaway server for one test."""
    import psycopg

    name = f"t_{os.getpid()}_{_free_port()}"
    admin = pg_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def pg_app(pg_url: str, clock: FixedClock) -> AsyncIterator[App]:
    application = build_app(make_settings(pg_url), clock=clock)
    await application.ensure_schema()
    yield application
    await application.close()

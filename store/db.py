"""Engines, sessions and migrations. One URL serves the app and Alembic."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\s*(?::\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)

# The session of the unit of work this task is inside (store/unit.py), per database. Every query of
# the repositories goes through Database.session()/transaction(), which hand out this session when
# there is one: so everything a turn reads and writes is one transaction, whichever repository does it.
_AMBIENT: ContextVar[tuple[Database, AsyncSession] | None] = ContextVar("cadence_unit_session", default=None)


def to_async_url(url: str) -> str:
    if url.startswith("sqlite:///") or url == "sqlite://":
        return url.replace("sqlite://", "sqlite+aiosqlite://", 1)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def to_sync_url(url: str) -> str:
    if url.startswith("sqlite+aiosqlite://"):
        return url.replace("sqlite+aiosqlite://", "sqlite://", 1)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@cache
def _one_hop_dbapi() -> Any:
    """aiosqlite in one trip to its thread per statement (store/sqlite_one_hop.py), made once."""
    from store.sqlite_one_hop import dbapi

    return dbapi()


class Database:
    """The async engine and its session factory. Built by bot.app.build_app, never at import."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        # Pre-ping (a SELECT 1 before each checkout) is what lets PostgreSQL connections survive a
        # server restart; an SQLite file has no server to lose, and the ping cost a third of a
        # request's database round trips (bench section 1).
        sqlite = to_async_url(url).startswith("sqlite")
        one_hop = {"module": _one_hop_dbapi()} if sqlite and _one_hop_dbapi() is not None else {}
        self.engine: AsyncEngine = create_async_engine(to_async_url(url), echo=echo, pool_pre_ping=not sqlite,
                                                       **one_hop)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def ambient(self) -> AsyncSession | None:
        """The session of the unit of work this task is inside, if any (see ``unit_session``)."""
        current = _AMBIENT.get()
        return current[1] if current is not None and current[0] is self else None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        ambient = self.ambient()
        if ambient is not None:
            yield ambient
            return
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A transaction of its own, or inside a unit of work the unit's, flushed (not committed) at the end."""
        ambient = self.ambient()
        if ambient is not None:
            yield ambient
            await ambient.flush()
            return
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def unit_session(self) -> AsyncIterator[AsyncSession]:
        """One session, one transaction, for everything done inside (a unit inside a unit joins it).

        On SQLite the driver opens the transaction at the unit's first write (the reads before it
        see committed data, as every read did before units), so concurrent turns read in parallel
        and queue only for the write lock (``busy_timeout``), and a transaction never has to
        upgrade an old read snapshot to a write (SQLite would refuse that with SQLITE_BUSY_SNAPSHOT).
        From the first write on, every statement is in the one transaction that commits at the end.
        """
        ambient = self.ambient()
        if ambient is not None:
            yield ambient
            return
        async with self.sessions() as session, session.begin():
            token = _AMBIENT.set((self, session))
            try:
                yield session
            finally:
                _AMBIENT.reset(token)

    async def has_schema(self) -> bool:
        async with self.engine.connect() as conn:
            return await conn.run_sync(lambda c: inspect(c).has_table("alembic_version"))

    async def revision(self) -> str | None:
        """The revision this database is at (alembic_version), or None for an empty database."""
        try:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        except Exception:  # noqa: BLE001 - no such table yet: an empty database
            return None
        return rows[0][0] if len(rows) == 1 else None

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


@cache
def head_revision() -> str:
    """The newest migration's revision id, read from the version files' ``revision``/``down_revision`` lines.

    A start-up on a database already at head then costs one SELECT, not Alembic's whole machinery
    (importing it and its script directory was a sixth of ``cadence serve``'s start, bench section 5);
    tests/store check this agrees with Alembic's own ScriptDirectory.get_current_head().
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found:
            revisions.add(found.group(1))
            down = _DOWN.search(source)
            if down and down.group(1):
                parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))}); expected one")
    return heads.pop()


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", to_sync_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Run the migrations to ``revision`` (synchronously: Alembic's own engine)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    import asyncio

    await asyncio.to_thread(upgrade, url, revision)

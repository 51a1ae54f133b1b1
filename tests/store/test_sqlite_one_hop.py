"""SQLite statements make one trip to aiosqlite's thread each, and behave as the stock adapter's did."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.sqlite_one_hop import OneHopDBAPI


@pytest.fixture
async def db(tmp_path):  # noqa: ANN001, ANN201
    database = Database(f"sqlite:///{tmp_path / 'hop.db'}")
    async with database.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"))
    yield database
    await database.dispose()


class Counted:
    """aiosqlite's queue to its thread, counting what is put on it."""

    def __init__(self, queue) -> None:  # noqa: ANN001
        self.queue, self.sent = queue, 0

    def put_nowait(self, item) -> None:  # noqa: ANN001
        self.sent += 1
        self.queue.put_nowait(item)


async def test_a_statement_is_one_trip_to_the_driver_thread(db: Database) -> None:
    assert isinstance(db.engine.sync_engine.dialect.dbapi, OneHopDBAPI)
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        queue = raw._tx
        raw._tx = counted = Counted(queue)
        try:
            rows = (await conn.execute(text("SELECT 1 UNION ALL SELECT 2"))).all()
        finally:
            raw._tx = queue
    assert [r[0] for r in rows] == [1, 2]
    assert counted.sent == 1  # the stock adapter makes four: cursor, execute, fetchall, close


async def test_writes_rowcounts_errors_and_streams_behave_as_before(db: Database) -> None:
    async with db.engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO note (body) VALUES (:b)"), [{"b": "one"}, {"b": "two"}])
        assert inserted.rowcount == 2
        last = await conn.execute(text("INSERT INTO note (body) VALUES ('three')"))
        assert last.lastrowid == 3
        changed = await conn.execute(text("UPDATE note SET body = body || '!' WHERE id < 3"))
        assert changed.rowcount == 2
    with pytest.raises(IntegrityError):
        async with db.engine.begin() as conn:
            await conn.execute(text("INSERT INTO note (body) VALUES ('three')"))
    async with db.engine.connect() as conn:
        streamed = [row.body async for row in await conn.stream(text("SELECT body FROM note ORDER BY id"))]
    assert streamed == ["one!", "two!", "three"]  # nothing of the failed insert, the server-side cursor as ever

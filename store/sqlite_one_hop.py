"""SQLite through aiosqlite in one trip to its thread per statement.

SQLAlchemy's aiosqlite adapter goes to aiosqlite's worker thread four times for every statement
(open a cursor, execute, fetch the rows, close the cursor), and each trip is a queue put, a thread
wake-up and a call back into the event loop. A turn's ten small queries spent more CPU on those
trips than SQLite spent answering them (bench section 6, bench/causes.py). This cursor does the
four in one trip and hands SQLAlchemy the rows, the description, rowcount and lastrowid, as a
buffered cursor does. Server-side cursors (``stream``, the planner's long reads) keep SQLAlchemy's
own; so does everything else the adapter does (transactions, isolation level, errors).

It reaches into aiosqlite's ``Connection._execute`` (run a function in the connection's thread),
as SQLAlchemy's own adapter does for its isolation level; without it (another aiosqlite), the
stock adapter is used.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

Outcome = tuple[Any, list[Any], int, int | None]


def _execute(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """In aiosqlite's thread: the whole statement, its rows fetched and its cursor closed."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose every statement is one trip to aiosqlite's thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:  # no aiosqlite cursor is opened: nothing to await
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._rows = collections.deque()
        self._soft_closed_memoized = EMPTY_DICT
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None  # the rows are buffered already; there is no driver cursor to close

    def close(self) -> None:
        self._rows.clear()

    def _run(self, operation: str, parameters: Any, many: bool) -> None:
        try:
            outcome: Outcome = await_(self._connection._execute(_execute, self._connection._conn, operation,
                                                                parameters, many))
        except Exception as error:  # noqa: BLE001 - the adapter turns it into SQLAlchemy's DBAPI error
            self._adapt_connection._handle_exception(error)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._run(operation, parameters, False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> None:
        self._run(operation, seq_of_parameters, True)

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite DBAPI module whose connections make one trip per statement."""

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        stock = super().connect(*arg, **kw)
        return OneHopConnection(self, stock._connection)


def dbapi() -> AsyncAdapt_aiosqlite_dbapi | None:
    """The module to hand ``create_async_engine(module=...)``, or None for the stock adapter."""
    if not (hasattr(aiosqlite.Connection, "_execute") and hasattr(aiosqlite.Connection, "_conn")):
        return None
    return OneHopDBAPI(aiosqlite, sqlite3)

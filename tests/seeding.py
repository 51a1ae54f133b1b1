"""Rows put straight into the database by a test, of any table, as they would be after some history
(e.g. a conversation last touched two years ago). The application writes through the typed
repository methods (store/repos/); only tests need this, so it lives here and not in store/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import SQLModel

from store.db import Database

Row = TypeVar("Row", bound=SQLModel)


async def seed(db: Database, *rows: Row) -> list[Row]:
    """Insert or update ``rows`` in one transaction exactly as given (``updated_at`` included) and
    give back the stored copies."""
    return await seed_all(db, rows)


async def seed_all(db: Database, rows: Sequence[Row]) -> list[Row]:
    async with db.transaction() as s:
        out = [await s.merge(row) for row in rows]
        await s.flush()
        for row in out:
            await s.refresh(row)
        return out

"""Inbound platform events already taken: claim an id once across every worker on the database.

Slack sends an event again when our acknowledgement was late or lost (``X-Slack-Retry-Num``), and
Bot Framework can deliver one activity twice; with several ``cadence serve`` workers the second copy
may reach another process. The claim is an insert into ``inbound_event`` under its unique key
(platform, event_id): exactly one claimer wins, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import InboundEvent, utcnow
from store.repos.base import RepoBase

KEEP_FOR = timedelta(days=2)
"""Slack retries within minutes (immediately, after 1 and after 5) and Bot Framework within its own
request's time; two days is far past both, and what the nightly sweep keeps."""
MAX_ID = 255


def _key(event_id: str) -> str:
    """The id as stored: as given, or a digest when it is longer than the column."""
    if len(event_id) <= MAX_ID:
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()


async def claim(session: AsyncSession, platform: str, event_id: str, now: datetime | None = None) -> bool:
    """True if this call took the id (first delivery); False if any worker had taken it already."""
    values = {"platform": platform, "event_id": _key(event_id), "received_at": now or utcnow()}
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(InboundEvent).values(**values)
                 .on_conflict_do_nothing(index_elements=["platform", "event_id"])
                 .returning(InboundEvent.id))  # type: ignore[arg-type]
    result = await session.execute(statement)
    return result.first() is not None  # a row back: ours; none: the key was there already


async def sweep(session: AsyncSession, now: datetime | None = None) -> int:
    """Forget ids older than :data:`KEEP_FOR` (the nightly job); returns how many."""
    cutoff = (now or utcnow()) - KEEP_FOR
    result = await session.execute(delete(InboundEvent).where(InboundEvent.received_at < cutoff))  # type: ignore[arg-type]
    return int(result.rowcount or 0)


class InboundEvents(RepoBase):
    """The claims as repository methods (each its own transaction, until store/unit.py holds a turn's)."""

    async def claim_inbound(self, platform: str, event_id: str) -> bool:
        async with self.db.transaction() as s:
            return await claim(s, platform, event_id)

    async def sweep_inbound(self) -> int:
        async with self.db.transaction() as s:
            return await sweep(s)

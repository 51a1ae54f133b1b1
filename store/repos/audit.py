"""The audit log: who did what to whose record, and its tombstones."""


from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import or_
from sqlmodel import select

from store.models import (
    AuditEvent,
)
from store.repos.base import (
    RepoBase,
)

TURN_IDENTITY: ContextVar[str] = ContextVar("turn_identity", default="")
"""The platform identity of the person whose turn is running (set by a unit opened for them): an audit
row written during the turn without one of its own records it, so every read and change made through
Slack or Teams names the account it came from (Policy 10.1; subject access's audit log)."""


class Audit(RepoBase):
    async def audit(self, *, actor_id: int | None, action: str, record_type: str, record_id: int | None = None,
                    subject_person_id: int | None = None, channel: str = "", actor_identity: str = "",
                    detail: dict[str, Any] | None = None) -> None:
        async with self.db.transaction() as s:
            s.add(AuditEvent(actor_id=actor_id, action=action, record_type=record_type, record_id=record_id,
                             subject_person_id=subject_person_id, channel=channel,
                             actor_identity=actor_identity or TURN_IDENTITY.get(),
                             detail=detail or {}))

    async def audit_events(self, subject_person_id: int | None = None, limit: int = 500) -> list[AuditEvent]:
        async with self.db.session() as s:
            q = select(AuditEvent).order_by(AuditEvent.at.desc()).limit(limit)  # type: ignore[attr-defined]
            if subject_person_id is not None:
                q = q.where(or_(AuditEvent.subject_person_id == subject_person_id,
                                AuditEvent.actor_id == subject_person_id))
            return list((await s.exec(q)).all())

    async def wipe_all(self) -> None:
        """Delete every row (``cadence demo --reset``); the schema stays."""
        from sqlmodel import SQLModel

        async with self.db.transaction() as s:
            for table in reversed(SQLModel.metadata.sorted_tables):
                await s.execute(table.delete())

    async def audit_about(self, subject_person_id: int, limit: int = 5000) -> list[AuditEvent]:
        """Every event about one colleague's records, oldest first (``cadence audit``, subject access)."""
        async with self.db.session() as s:
            q = (select(AuditEvent).where(AuditEvent.subject_person_id == subject_person_id)
                 .order_by(AuditEvent.at, AuditEvent.id).limit(limit))  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

    async def audit_tombstones(self) -> list[AuditEvent]:
        """The anonymous records the retention purge leaves behind (10.3)."""
        async with self.db.session() as s:
            q = select(AuditEvent).where(AuditEvent.action == "purge").order_by(AuditEvent.at)  # type: ignore[arg-type]
            return list((await s.exec(q)).all())

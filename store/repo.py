"""The old one-object facade over the repositories in ``store/repos/`` (one module per aggregate).

``Repo`` is every repository at once, so callers that still say ``app.repo.x(...)`` keep working
while they move to ``store.unit`` and the repository they need. Callers get plain objects back.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from store.repos.appeals import Appeals
from store.repos.audit import Audit
from store.repos.conversations import Conversations
from store.repos.forms import Forms
from store.repos.inbound import InboundEvents
from store.repos.lifecycle import Lifecycle
from store.repos.outbox import Outbox
from store.repos.people import People
from store.repos.planning import Planning
from store.repos.plans import Plans
from store.repos.records import Records
from store.repos.reviews import Reviews
from store.repos.subject_access import SubjectAccess
from store.repos.values import (
    ROSTER_FIELDS,
    TRUST_WIDE_ROLES,
    PersonContext,
    ReviewSnapshot,
    RosterPerson,
    StaleRevision,
    StatusSnapshot,
)
from store.unit import UnitOfWork, unit

__all__ = ["ROSTER_FIELDS", "TRUST_WIDE_ROLES", "PersonContext", "Repo", "ReviewSnapshot", "RosterPerson",
           "StaleRevision", "StatusSnapshot"]


class Repo(People, Reviews, Forms, Plans, Appeals, Conversations, Outbox, Planning, Audit, Records, SubjectAccess,
           InboundEvents, Lifecycle):
    """Every repository in one object (a thin facade while callers move to ``store.unit``)."""

    async def save(self, row: Any) -> Any:
        """Deprecated, kept only for branches written before the typed ``save_<thing>`` methods
        (nothing in this tree calls it; tests/store/test_repo.py checks that). Remove once they land."""
        return await self._save(row)

    async def save_all(self, rows: Sequence[Any]) -> list[Any]:
        """Deprecated like ``save``: tests seed rows of any table with it (``updated_at`` kept as given)."""
        return await self._save_all(rows)

    def unit(self, actor_identity: str = "") -> AbstractAsyncContextManager[UnitOfWork]:
        """One session, one transaction for everything inside (store/unit.py)."""
        return unit(self.db, actor_identity)

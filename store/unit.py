"""The repositories per aggregate, and one turn, one transaction: ``async with unit(db) as uow:``
(or ``repos.unit()``).

``Repositories`` holds one repository per aggregate (``repos.people``, ``repos.reviews``, ...); the
application keeps one (``app.repos``, ``services.repos``). Everything done inside a unit, through
``uow.people``, ``uow.reviews``, ... or through any other repository called meanwhile by the same task, runs in the unit's one session and one
transaction: all of it commits when the block ends, or none of it when it raises. The dialog
engine runs each turn in a unit (read the context, apply the answer, complete, audit, enqueue the
notices, save the dialog state), so a crash, a kill or a database error part-way leaves nothing
half made, and a notice is written in the same transaction as the change it announces.

A unit inside a unit joins the outer one. On SQLite the transaction opens at the unit's first
write (see ``Database.unit_session``): reads before it run as they always did, and every write
from then on is in the one transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlmodel.ext.asyncio.session import AsyncSession

from store.db import Database
from store.repos.appeals import Appeals
from store.repos.audit import TURN_IDENTITY, Audit
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


class Repositories:
    """One repository per aggregate over one database. Outside a unit each call is its own
    transaction; ``unit()`` opens one for everything inside."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.people = People(db)
        self.reviews = Reviews(db)
        self.forms = Forms(db)
        self.plans = Plans(db)
        self.appeals = Appeals(db)
        self.conversations = Conversations(db)
        self.inbound = InboundEvents(db)
        self.outbox = Outbox(db)
        self.planning = Planning(db)
        self.audit = Audit(db)
        self.records = Records(db)
        self.subject_access = SubjectAccess(db)
        self.lifecycle = Lifecycle(db)

    def unit(self, actor_identity: str = "") -> AbstractAsyncContextManager[UnitOfWork]:
        """One session, one transaction for everything inside (a unit inside a unit joins it)."""
        return unit(self.db, actor_identity)


class UnitOfWork(Repositories):
    """The repositories of one transaction."""

    def __init__(self, db: Database, session: AsyncSession) -> None:
        super().__init__(db)
        self.session = session

    async def flush(self) -> None:
        """Send what is pending to the database now (ids, constraint checks) without committing."""
        await self.session.flush()


@asynccontextmanager
async def unit(db: Database, actor_identity: str = "") -> AsyncIterator[UnitOfWork]:
    """``actor_identity``: whose turn this is (e.g. ``slack:U123@T9``); audit rows written inside name it."""
    token = TURN_IDENTITY.set(actor_identity) if actor_identity else None
    try:
        async with db.unit_session() as session:
            yield UnitOfWork(db, session)
    finally:
        if token is not None:
            TURN_IDENTITY.reset(token)

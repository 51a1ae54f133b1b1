"""The reminder outbox: enqueue, the planner's upserts, the dispatcher's claims and leases."""


from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import select

from store.models import (
    Reminder,
)
from store.repos import planning_statements as planned
from store.repos.base import (
    _PLANNER_COLUMNS,
    RepoBase,
    _dialect_insert,
    _pg_unnest_insert,
)


class Outbox(RepoBase):
    async def enqueue_all(self, reminders: Sequence[Reminder]) -> list[Reminder]:
        """Insert many reminders at once, as given (bench seeds the outbox with this)."""
        async with self.db.transaction() as s:
            stored = [await s.merge(r) for r in reminders]
            await s.flush()
            return stored

    async def enqueue(self, reminder: Reminder) -> bool:
        """Insert a reminder unless one with its dedupe key exists; True if inserted.

        One INSERT ... ON CONFLICT (dedupe_key) DO NOTHING: inside a turn's unit of work a second
        worker enqueuing the same notice waits for the first to commit and then adds nothing,
        rather than failing the whole turn on the unique key."""
        values = reminder.model_dump(exclude={"id"})
        statement = (_dialect_insert(self.db)(Reminder).values(**values)
                     .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Reminder.id))  # type: ignore[attr-defined]
        async with self.db.transaction() as s:
            new_id = (await s.execute(statement)).scalar_one_or_none()
        if new_id is None:
            return False
        reminder.id = new_id
        return True

    async def reminders(self, status: str | None = "pending", limit: int = 1000) -> list[Reminder]:
        async with self.db.session() as s:
            q = select(Reminder).order_by(Reminder.due_at).limit(limit)
            if status is not None:
                q = q.where(Reminder.status == status)
            return list((await s.exec(q)).all())

    async def pending_reminders_for(self, recipient_id: int, limit: int = 20) -> list[Reminder]:
        """A person's pending reminders, soonest first (their App Home / status "what's next")."""
        async with self.db.session() as s:
            q = (select(Reminder).where(Reminder.recipient_id == recipient_id, Reminder.status == "pending")
                 .order_by(Reminder.due_at).limit(limit))
            return list((await s.exec(q)).all())

    async def reminder(self, reminder_id: int) -> Reminder | None:
        async with self.db.session() as s:
            return await s.get(Reminder, reminder_id)

    async def reminders_by_keys(self, keys: Sequence[str]) -> dict[str, Reminder]:
        if not keys:
            return {}
        async with self.db.session() as s:
            rows = (await s.exec(select(Reminder).where(Reminder.dedupe_key.in_(list(keys))))).all()  # type: ignore[attr-defined]
            return {r.dedupe_key: r for r in rows}

    async def planner_rows_by_keys(self, keys: Sequence[str]) -> dict[str, Any]:
        """Light rows (the columns the planner compares, no ORM objects) of these dedupe keys."""
        if not keys:
            return {}
        async with self.db.session() as s:
            if self.db.is_postgres:  # one array parameter: PostgreSQL plans an IN of thousands slowly
                from sqlalchemy import String, any_, bindparam
                from sqlalchemy.dialects.postgresql import ARRAY

                match = Reminder.dedupe_key == any_(bindparam("keys", list(keys), type_=ARRAY(String)))
                q = select(*_PLANNER_COLUMNS).where(match)  # type: ignore[call-overload]
                rows = (await s.execute(q)).all()
            else:
                rows = (await s.execute(planned.planner_rows_by_keys(), {"keys": list(keys)})).all()
            return {r.dedupe_key: r for r in rows}

    async def pending_planned(self, *, review_ids: Sequence[int] = (), person_ids: Sequence[int] = (),
                              key_prefix: str = "") -> list[Any]:
        """Pending planner rows (light: id and dedupe_key) of one scope: reviews (by review_id),
        people (by subject), both (a replan's joined batch) or a key prefix.

        The status is checked here, not in SQL: with ``status = 'pending'`` in the WHERE clause an
        unanalysed SQLite picks the (status, due_at) index and reads every pending row of the outbox
        for each batch; by review or subject it reads only the batch's own rows. A key prefix is
        also a range on the unique dedupe_key index (exact under SQLite's binary collation; the
        LIKE keeps it exact on PostgreSQL whatever the collation)."""
        async with self.db.session() as s:
            if review_ids or person_ids:
                q = planned.scope_rows(bool(review_ids), bool(person_ids))
                rows = (await s.execute(q, {"review_ids": list(review_ids), "person_ids": list(person_ids)})).all()
                return [r for r in rows if r.status == "pending"]
            q = select(Reminder.id, Reminder.dedupe_key, Reminder.status)
            if key_prefix:
                prefix = key_prefix.replace("%", "").replace("_", "")
                q = q.where(Reminder.dedupe_key.like(key_prefix.replace("%", "") + "%"))  # type: ignore[attr-defined]
                if not self.db.is_postgres and prefix == key_prefix and prefix:
                    q = q.where(Reminder.dedupe_key >= prefix,
                                Reminder.dedupe_key < prefix[:-1] + chr(ord(prefix[-1]) + 1))
            else:
                return []
            return [r for r in (await s.execute(q)).all() if r.status == "pending"]

    async def apply_plan(self, inserts: Sequence[dict[str, Any]], updates: Sequence[tuple[int, dict[str, Any]]],
                         reactivate: Sequence[tuple[int, dict[str, Any]]], cancel_ids: Sequence[int]) -> None:
        """One planning batch in one transaction. Inserts skip keys another worker just inserted;
        updates and cancels touch only rows still pending (a claimed row is left to its worker)."""
        async with self.db.transaction() as s:
            if inserts:  # one compiled statement, executed for many parameter sets
                insert_fn = _dialect_insert(self.db)
                conn = await s.connection()  # Core executemany: one round trip, not one per row
                if self.db.is_postgres:  # psycopg's executemany runs one INSERT per row: send columns instead
                    names = list(inserts[0])
                    await conn.execute(_pg_unnest_insert(tuple(names)),
                                       {name: [row[name] for row in inserts] for name in names})
                else:
                    await conn.execute(insert_fn(Reminder.__table__).on_conflict_do_nothing(  # type: ignore[attr-defined]
                        index_elements=["dedupe_key"]), list(inserts))
            for rid, values in updates:
                await s.execute(update(Reminder).where(Reminder.id == rid, Reminder.status == "pending")  # type: ignore[call-overload]
                                .values(values))
            for rid, values in reactivate:
                await s.execute(update(Reminder).where(Reminder.id == rid, Reminder.status == "cancelled")  # type: ignore[call-overload]
                                .values({**values, "status": "pending", "attempts": 0, "last_error": ""}))
            if cancel_ids:
                await s.execute(update(Reminder)  # type: ignore[call-overload]
                                .where(Reminder.id.in_(list(cancel_ids)), Reminder.status == "pending")  # type: ignore[union-attr]
                                .values(status="cancelled"))

    async def release_expired_leases(self, now: datetime) -> int:
        """A crashed worker's claimed rows go back to pending when their lease ends."""
        async with self.db.transaction() as s:
            result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                     .where(Reminder.status == "claimed", Reminder.lease_until < now)  # type: ignore[operator]
                                     .values(status="pending", claimed_by="", lease_until=None))
            return int(result.rowcount or 0)

    async def claim_due(self, worker: str, now: datetime, lease_until: datetime, limit: int,
                        skip_recipients: Collection[int] = ()) -> list[Reminder]:
        """Claim up to ``limit`` due rows for ``worker``, atomically, none for ``skip_recipients`` (people
        whose earlier reminders this worker is still delivering: theirs wait, in order, behind them).

        PostgreSQL: in one transaction, SELECT ... FOR UPDATE SKIP LOCKED LIMIT n, then UPDATE those ids
        (two statements: an UPDATE ... WHERE id IN (SELECT ... SKIP LOCKED LIMIT n) may rescan the
        subquery and take more than n rows). Concurrent workers skip each other's locked rows.
        SQLite: one UPDATE ... WHERE status='pending' AND id IN (SELECT ... LIMIT n) RETURNING id, run
        under the database write lock; a row another worker claimed in between no longer matches.
        """
        due = (select(Reminder.id).where(Reminder.status == "pending", Reminder.due_at <= now)  # type: ignore[arg-type]
               .order_by(Reminder.due_at, Reminder.id).limit(limit))  # type: ignore[arg-type]
        if skip_recipients:
            due = due.where(Reminder.recipient_id.not_in(list(skip_recipients)))  # type: ignore[attr-defined]
        claim = dict(status="claimed", claimed_by=worker, lease_until=lease_until)
        async with self.db.transaction() as s:
            if self.db.is_postgres:
                ids = list((await s.exec(due.with_for_update(skip_locked=True))).all())
                if ids:
                    await s.execute(update(Reminder).where(Reminder.id.in_(ids)).values(claim))  # type: ignore[call-overload, union-attr]
            else:
                stmt = (update(Reminder)  # type: ignore[call-overload]
                        .where(Reminder.status == "pending", Reminder.id.in_(due.scalar_subquery()))  # type: ignore[union-attr]
                        .values(claim).returning(Reminder.id))
                ids = [row[0] for row in (await s.execute(stmt)).all()]
            if not ids:
                return []
            rows = (await s.exec(select(Reminder).where(Reminder.id.in_(ids)))).all()  # type: ignore[union-attr]
            return sorted(rows, key=lambda r: (r.due_at, r.id or 0))

    async def release_claims(self, worker: str, ids: Collection[int]) -> int:
        """Rows ``worker`` claimed but will not send now go back to pending as they were (due time,
        attempts), so they stay first in line."""
        if not ids:
            return 0
        async with self.db.transaction() as s:
            result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                     .where(Reminder.id.in_(list(ids)), Reminder.status == "claimed",  # type: ignore[union-attr]
                                            Reminder.claimed_by == worker)
                                     .values(status="pending", claimed_by="", lease_until=None))
            return int(result.rowcount or 0)

    async def finish_claims(self, worker: str, outcomes: Sequence[tuple[int, dict[str, Any]]]) -> set[int]:
        """Write many outcomes in one transaction (one commit, one turn at SQLite's write lock), each only
        if this worker still holds that row; the ids written."""
        written: set[int] = set()
        if not outcomes:
            return written
        async with self.db.transaction() as s:
            for reminder_id, values in outcomes:
                result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                         .where(Reminder.id == reminder_id, Reminder.status == "claimed",
                                                Reminder.claimed_by == worker)
                                         .values({"claimed_by": "", "lease_until": None, **values}))
                if result.rowcount == 1:
                    written.add(reminder_id)
        return written

    async def finish_claim(self, reminder_id: int, worker: str, values: dict[str, Any]) -> bool:
        """Write the outcome of a claimed row, only if this worker still holds it."""
        async with self.db.transaction() as s:
            result = await s.execute(update(Reminder)  # type: ignore[call-overload]
                                     .where(Reminder.id == reminder_id, Reminder.status == "claimed",
                                            Reminder.claimed_by == worker)
                                     .values({"claimed_by": "", "lease_until": None, **values}))
            return bool(result.rowcount == 1)

    async def reminders_due_between(self, start: datetime, end: datetime, status: str = "pending",
                                    limit: int = 10000) -> list[Reminder]:
        async with self.db.session() as s:
            q = (select(Reminder).where(Reminder.status == status, Reminder.due_at >= start,  # type: ignore[arg-type]
                                        Reminder.due_at <= end)  # type: ignore[arg-type]
                 .order_by(Reminder.due_at).limit(limit))
            return list((await s.exec(q)).all())

"""What a subject access export reads beyond the forms: notices and conversations about a person."""

from __future__ import annotations

from sqlalchemy import or_, select

from store.models import DialogSession, Reminder
from store.repos.base import RepoBase

UNFINISHED = ("active", "paused")


class SubjectAccess(RepoBase):
    async def notices_about(self, person_id: int) -> list[Reminder]:
        """Every outbox row sent (or due) to the person, or to someone else about them, oldest first."""
        q = (select(Reminder).where(or_(Reminder.recipient_id == person_id, Reminder.subject_person_id == person_id))
             .order_by(Reminder.due_at, Reminder.id))
        async with self.db.session() as s:
            return list((await s.execute(q)).scalars())

    async def unfinished_sessions_about(self, person_id: int) -> list[DialogSession]:
        """Conversations not finished yet that are the person's, or a manager's about them."""
        q = (select(DialogSession).where(DialogSession.status.in_(UNFINISHED),
                                         or_(DialogSession.person_id == person_id,
                                             DialogSession.subject_person_id == person_id))
             .order_by(DialogSession.created_at, DialogSession.id))
        async with self.db.session() as s:
            return list((await s.execute(q)).scalars())

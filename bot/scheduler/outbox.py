"""Notices to people other than the speaker go through the outbox, so none is lost.

Inside a turn (the engine's unit of work, store/unit.py) the notice is written in the same
transaction as the change it announces: both commit, or neither does."""

from __future__ import annotations

from bot.clock import Clock
from store.models import Reminder
from store.unit import Repositories


class OutboxNotifier:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    async def notify(self, to_person_id: int, subject: str, body: str, *, kind: str, clause: str,
                     dedupe_key: str, review_id: int | None = None, action: str = "",
                     subject_person_id: int | None = None) -> None:
        await self.repos.outbox.enqueue(Reminder(
            dedupe_key=dedupe_key, kind=kind, recipient_id=to_person_id, subject_person_id=subject_person_id,
            review_id=review_id, due_at=self.clock.now(), clause=clause, subject=subject, body=body,
            action=action))

"""How a reminder or notice reaches a person: one Deliverer per channel (Slack, Teams, email, console).

The dispatcher picks the first channel that can reach the recipient and calls ``deliver``; a
channel raises :class:`DeliveryError` (with ``retry_after`` when the platform said 429) and the
dispatcher retries with backoff.
"""

from __future__ import annotations

from typing import Protocol

from bot.messages import Channel, Reply
from store.models import Person


class DeliveryError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Deliverer(Protocol):
    channel: Channel

    async def can_reach(self, person: Person) -> bool: ...

    async def deliver(self, person: Person, reply: Reply) -> None: ...

"""How a reminder or notice reaches a person: one Deliverer per channel (Slack, Teams, email, console).

The dispatcher picks the first channel that can reach the recipient and calls ``deliver``; a
channel raises :class:`DeliveryError` (with ``retry_after`` when the platform said 429) and the
dispatcher tries again then (a platform's Retry-After) or with backoff (any other failure).

A channel that paces itself to its platform's rate limits (Slack: one message a second per
conversation) may also offer ``ready_in(person)`` (:class:`Paced`): the seconds until it could take
that person's next message. The dispatcher then keeps that person's reminders back, in order,
without holding anybody else up.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.messages import Channel, Reply
from store.models import Person  # the recipient every channel is handed

__all__ = ["Deliverer", "DeliveryError", "Paced", "Person"]


class DeliveryError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Deliverer(Protocol):
    channel: Channel

    async def can_reach(self, person: Person) -> bool: ...

    async def deliver(self, person: Person, reply: Reply) -> None: ...


@runtime_checkable
class Paced(Protocol):
    def ready_in(self, person: Person) -> float:
        """Seconds until this channel could deliver to ``person`` without breaking a rate limit (0: now)."""
        ...

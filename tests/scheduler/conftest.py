"""Fixtures of the reminder tests: the England calendar, and a channel that records what it delivers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from importlib import resources

import pytest

from bot.delivery import DeliveryError
from bot.messages import Reply
from bot.policy.calendar import DEFAULT_CALENDAR_RESOURCE, SchoolCalendar, parse_calendars
from bot.policy.workdays import WorkingDays
from store.models import Person


@pytest.fixture(scope="session")
def england() -> SchoolCalendar:
    text = resources.files("bot.policy").joinpath(DEFAULT_CALENDAR_RESOURCE).read_text(encoding="utf-8")
    return parse_calendars(text)["default"]


@pytest.fixture(scope="session")
def workdays() -> WorkingDays:
    return WorkingDays()


@dataclass
class RecordingChannel:
    """A Deliverer for tests: reaches everyone (or those in ``reach``), records each delivery, and can
    be told to fail the next N sends (optionally with a Retry-After)."""

    channel: str = "slack"
    reach: set[int] | None = None
    delivered: list[tuple[int, Reply]] = field(default_factory=list)
    fail_next: int = 0
    retry_after: float | None = None
    permanent: bool = False
    delay: float = 0.0

    async def can_reach(self, person: Person) -> bool:
        return self.reach is None or person.id in self.reach

    async def deliver(self, person: Person, reply: Reply) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_next:
            self.fail_next -= 1
            raise DeliveryError("429 rate limited", retry_after=self.retry_after, permanent=self.permanent)
        self.delivered.append((person.id, reply))  # type: ignore[arg-type]


@pytest.fixture
def recorder() -> RecordingChannel:
    return RecordingChannel()

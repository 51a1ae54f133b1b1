"""Time is injected: rules, dialogs and the dispatcher ask a Clock, never the wall."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.policy.workdays import DEFAULT_TIMEZONE


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


@dataclass
class SystemClock:
    tz: str = DEFAULT_TIMEZONE

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.tz)).date()


@dataclass
class FixedClock:
    """A clock tests and ``cadence simulate`` move by hand."""

    current: datetime
    tz: str = DEFAULT_TIMEZONE
    _zone: ZoneInfo = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._zone = ZoneInfo(self.tz)
        if self.current.tzinfo is None:
            self.current = self.current.replace(tzinfo=self._zone)

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.astimezone(self._zone).date()

    def advance(self, delta: timedelta) -> None:
        self.current = self.current + delta

    def set(self, moment: datetime) -> None:
        self.current = moment if moment.tzinfo else moment.replace(tzinfo=self._zone)

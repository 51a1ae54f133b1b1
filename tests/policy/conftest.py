from __future__ import annotations

from pathlib import Path

import pytest

import bot.policy
from bot.policy.calendar import DEFAULT_CALENDAR_RESOURCE, SchoolCalendar, parse_calendars
from bot.policy.workdays import WorkingDays

DEFAULT_YAML = (Path(bot.policy.__file__).parent / DEFAULT_CALENDAR_RESOURCE).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def england() -> SchoolCalendar:
    return parse_calendars(DEFAULT_YAML)["default"]


@pytest.fixture(scope="session")
def workdays() -> WorkingDays:
    return WorkingDays()

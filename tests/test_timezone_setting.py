"""The trust's time zone is a setting (CADENCE_TIMEZONE): meeting times read in it everywhere."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.documents.exports import export_invite
from bot.documents.subject_access import export_subject
from bot.messages import Address, Channel, Inbound
from tests.conftest import TODAY, _copy_db, make_settings

SAM = "sam.patel@hillside.example"


async def test_status_shows_sams_meeting_in_the_trusts_own_time_zone(db_url: str, demo_db: Path) -> None:
    """Sam's planning meeting is at 14:00 London time (14:00 UTC in winter); a trust that sets its
    zone to New York reads the same moment as 09:00."""
    said = {}
    for zone in ("Europe/London", "America/New_York"):
        _copy_db(demo_db, Path(db_url.removeprefix("sqlite:///")))
        app = build_app(make_settings(db_url, timezone=zone), clock=FixedClock(TODAY))
        try:
            assert app.services.zone.key == zone
            replies = await app.engine.handle(Inbound(Address(Channel.CONSOLE, SAM), text="status",
                                                      platform_identity=f"console:{SAM}"))
            said[zone] = "\n".join(r.text for r in replies)
        finally:
            await app.close()
    assert ", 14:00" in said["Europe/London"] and ", 14:00" not in said["America/New_York"]
    assert ", 09:00" in said["America/New_York"]


def test_no_module_names_the_time_zone_but_the_default() -> None:
    """Europe/London is named once, as the default (bot.policy.workdays.DEFAULT_TIMEZONE); everything
    else reads Settings.timezone (services.zone, the Runtime's services)."""
    root = Path(__file__).resolve().parents[1]
    named = [str(p.relative_to(root)) for p in [*root.glob("bot/**/*.py"), *root.glob("store/**/*.py")]
             if 'ZoneInfo("Europe/London")' in p.read_text(encoding="utf-8")
             or '"Europe/London"' in p.read_text(encoding="utf-8")]
    assert sorted(named) == ["bot/policy/workdays.py"]


@pytest.fixture
async def new_york(db_url: str, demo_db: Path) -> AsyncIterator[App]:
    """The demo trust with CADENCE_TIMEZONE=America/New_York (Sam's planning meeting: 14:00 London)."""
    _copy_db(demo_db, Path(db_url.removeprefix("sqlite:///")))
    app = build_app(make_settings(db_url, timezone="America/New_York"), clock=FixedClock(TODAY))
    yield app
    await app.close()


async def _sam(app: App):  # noqa: ANN202 - a PersonContext
    person = await app.repos.people.person_by_email(SAM)
    return await app.repos.people.context(person.id)


async def test_the_calendar_invite_is_in_the_trusts_time_zone(new_york: App) -> None:
    """The invite carries the trust's zone and its VTIMEZONE (icalendar's, from the tz database):
    the meeting at 14:00 in London arrives as 09:00 New York time."""
    sam = await _sam(new_york)
    attachment = await export_invite(new_york.repos, sam, sam.id, new_york.clock.now(), channel="console",
                                     zone=new_york.services.zone)
    calendar = Calendar.from_ical(attachment.content)
    (event,) = calendar.walk("VEVENT")
    (tz,) = calendar.walk("VTIMEZONE")
    start = event["dtstart"].dt
    assert str(start.tzinfo) == "America/New_York" and start.hour == 9
    assert str(tz["tzid"]) == "America/New_York"
    assert tz.to_tz().utcoffset(start.replace(tzinfo=None)) == timedelta(hours=-5)  # EST in the autumn term
    assert attachment.filename.endswith("-0900.ics")


async def test_the_subject_access_copy_prints_times_in_the_trusts_time_zone(new_york: App) -> None:
    sam = await _sam(new_york)
    attachment = await export_subject(new_york, sam, sam.id, channel="console", identity="console:sam")
    archive = zipfile.ZipFile(io.BytesIO(attachment.content))
    (meetings,) = [n for n in archive.namelist() if n.startswith("meetings/meetings-") and n.endswith(".md")]
    text = archive.read(meetings).decode()
    assert "When (America/New_York)" in text and ", 09:00" in text and ", 14:00" not in text
    (ics,) = [n for n in archive.namelist() if n.startswith("meetings/") and n.endswith(".ics")]
    assert b"DTSTART;TZID=America/New_York:" in archive.read(ics)

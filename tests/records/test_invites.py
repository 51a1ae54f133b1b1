"""The calendar invite (RFC 5545): a compact Europe/London time zone any calendar expands for any year,
and a reminder the day before (issue 20)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.documents.invites import Invite, Invitee, build_invite

LONDON = ZoneInfo("Europe/London")


def _invite(start: datetime, cancelled: bool = False) -> Calendar:
    ics = build_invite(Invite("cadence-meeting-1@cadence", start, 60, "Planning meeting: Sam Patel", "Library",
                              "Planning meeting (Policy 5.3).", Invitee("Priya Shah", "priya@x.example"),
                              (Invitee("Sam Patel", "sam@x.example"),), cancelled=cancelled),
                       datetime(2026, 11, 23, 10, tzinfo=UTC))
    return Calendar.from_ical(ics)


def test_the_time_zone_is_two_rules_and_gives_the_right_offset_in_any_year():
    cal = _invite(datetime(2027, 7, 5, 14, tzinfo=LONDON))
    (tz,) = cal.walk("VTIMEZONE")
    assert len(tz.to_ical().decode().splitlines()) <= 20 and "2037" not in tz.to_ical().decode()
    zone = tz.to_tz()
    for local, offset in ((datetime(2027, 7, 5, 14), 1), (datetime(2027, 12, 1, 9), 0),
                          (datetime(2045, 3, 27, 9), 1), (datetime(2045, 3, 25, 9), 0),  # last Sunday: 26 March
                          (datetime(2051, 10, 30, 9), 0), (datetime(2051, 10, 28, 9), 1)):
        assert zone.utcoffset(local) == timedelta(hours=offset), local
    day = datetime(2026, 1, 1, 12)
    while day.year < 2060:  # the same as the tz database, every week for 34 years
        assert zone.utcoffset(day) == day.replace(tzinfo=LONDON).utcoffset(), day
        day += timedelta(days=7)


def test_a_reminder_pops_up_a_day_before_and_a_cancellation_has_none():
    (event,) = _invite(datetime(2027, 7, 5, 14, tzinfo=LONDON)).walk("VEVENT")
    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == -timedelta(days=1)
    assert "Planning meeting: Sam Patel" in str(alarm["description"])
    (cancelled,) = _invite(datetime(2027, 7, 5, 14, tzinfo=LONDON), cancelled=True).walk("VEVENT")
    assert cancelled.walk("VALARM") == []

"""The calendar invite (RFC 5545): the zone's VTIMEZONE from the tz database around the meeting, in
any year, and a reminder the day before (issue 20; the zone is Settings.timezone, issue 16)."""

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


def test_the_time_zone_is_the_tz_databases_and_gives_the_right_offset_around_a_meeting_in_any_year():
    """The VTIMEZONE is icalendar's own, built from the tz database for the meeting's year and the next
    (no hand-written rules): right every week of those years, for a meeting next summer and one in
    2045 (no table that ends in 2037), and still a few lines."""
    for meeting in (datetime(2027, 7, 5, 14, tzinfo=LONDON), datetime(2045, 3, 27, 9, tzinfo=LONDON)):
        (tz,) = _invite(meeting).walk("VTIMEZONE")
        assert str(tz["tzid"]) == "Europe/London" and len(tz.to_ical().decode().splitlines()) <= 30
        zone = tz.to_tz()
        day = datetime(meeting.year, 1, 1, 12)
        while day.year < meeting.year + 2:
            assert zone.utcoffset(day) == day.replace(tzinfo=LONDON).utcoffset(), day
            day += timedelta(days=7)


def test_a_reminder_pops_up_a_day_before_and_a_cancellation_has_none():
    (event,) = _invite(datetime(2027, 7, 5, 14, tzinfo=LONDON)).walk("VEVENT")
    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == -timedelta(days=1)
    assert "Planning meeting: Sam Patel" in str(alarm["description"])
    (cancelled,) = _invite(datetime(2027, 7, 5, 14, tzinfo=LONDON), cancelled=True).walk("VEVENT")
    assert cancelled.walk("VALARM") == []

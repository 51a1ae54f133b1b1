"""Calendar invites (RFC 5545) for review meetings, with times in Europe/London.

Pure: the caller passes everything, including "now" (DTSTAMP), and gets bytes back. The time
zone is one compact VTIMEZONE (two yearly rules) and each invite carries a reminder a day before. A reschedule
sends the same UID with a higher SEQUENCE; a cancellation sends METHOD:CANCEL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

TIMEZONE = "Europe/London"
PRODID = "-//Cadence//Performance management//EN"
REMINDER_BEFORE = timedelta(days=1)  # the calendar's own reminder, the day before (time to prepare, 5.1)


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str


@dataclass(frozen=True)
class Invite:
    uid: str
    start: datetime  # timezone-aware
    minutes: int
    summary: str
    location: str
    description: str
    organizer: Invitee
    attendees: tuple[Invitee, ...] = field(default_factory=tuple)
    sequence: int = 0
    cancelled: bool = False


def build_invite(invite: Invite, now: datetime) -> bytes:
    """The .ics bytes for one meeting request (or cancellation)."""
    if invite.start.tzinfo is None or now.tzinfo is None:
        raise ValueError("invite times must be timezone-aware")
    zone = ZoneInfo(TIMEZONE)
    start = invite.start.astimezone(zone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if invite.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invite.uid)
    event.add("dtstamp", now.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=invite.minutes))
    event.add("summary", invite.summary)
    event.add("location", invite.location)
    event.add("description", invite.description)
    event.add("sequence", invite.sequence)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    event.add("class", "CONFIDENTIAL")  # Policy 10.1: strict confidence
    organizer = vCalAddress(f"mailto:{invite.organizer.email}")
    organizer.params["cn"] = vText(invite.organizer.name)
    event["organizer"] = organizer
    for person in invite.attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    if not invite.cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Tomorrow: {invite.summary}")
        alarm.add("trigger", -REMINDER_BEFORE)
        event.add_component(alarm)
    cal.add_component(london_timezone())
    cal.add_component(event)
    return cal.to_ical()


def london_timezone() -> Timezone:
    """Europe/London as two yearly rules (the UK's since 1996): BST from 01:00 UTC on the last Sunday
    of March, GMT from 01:00 UTC (02:00 BST) on the last Sunday of October. Calendars expand the rules
    for any year, so no table of transitions is needed (and none that ends in 2037)."""
    tz = Timezone()
    tz.add("tzid", TIMEZONE)
    for kind, name, start, month, before, after in (
            (TimezoneDaylight, "BST", datetime(1996, 3, 31, 1, 0), 3, timedelta(0), timedelta(hours=1)),
            (TimezoneStandard, "GMT", datetime(1996, 10, 27, 2, 0), 10, timedelta(hours=1), timedelta(0))):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        tz.add_component(part)
    return tz


def invite_filename(summary: str, start: datetime) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in summary.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug}-{start.astimezone(ZoneInfo(TIMEZONE)):%Y%m%d-%H%M}.ics"

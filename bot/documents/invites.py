"""Calendar invites (RFC 5545) for review meetings, with times in the trust's time zone
(Settings.timezone, handed in as ``zone``).

Pure: the caller passes everything, including "now" (DTSTAMP), and gets bytes back. The zone's
VTIMEZONE is icalendar's own, built from the tz database (``Calendar.add_missing_timezones``) for the
meeting's year and the next, so a meeting in any year, in any zone, reads right. Each invite carries
a reminder a day before. A reschedule sends the same UID with a higher SEQUENCE; a cancellation sends
METHOD:CANCEL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import DEFAULT_ZONE

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


def build_invite(invite: Invite, now: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> bytes:
    """The .ics bytes for one meeting request (or cancellation), its times in ``zone``."""
    if invite.start.tzinfo is None or now.tzinfo is None:
        raise ValueError("invite times must be timezone-aware")
    start = invite.start.astimezone(zone)
    from icalendar import (  # when an invite is made, not at start-up
        Alarm,
        Calendar,
        Event,
        vCalAddress,
        vText,
    )

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
    cal.add_component(event)
    # the zone's transitions from the tz database, for the meeting's year and the next (a calendar
    # needs the zone only around the event's own times; a far-off meeting gets its own years' rules)
    cal.add_missing_timezones(first_date=date(start.year, 1, 1), last_date=date(start.year + 2, 1, 1))
    return cal.to_ical()


def invite_filename(summary: str, start: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in summary.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug}-{start.astimezone(zone):%Y%m%d-%H%M}.ics"

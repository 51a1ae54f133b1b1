"""Calendar invites (RFC 5545) for review meetings, with times in the trust's time zone
(Settings.timezone, Europe/London by default).

Pure: the caller passes everything, including "now" (DTSTAMP), and gets bytes back. A reschedule
sends the same UID with a higher SEQUENCE; a cancellation sends METHOD:CANCEL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from bot.policy.workdays import DEFAULT_TIMEZONE

PRODID = "-//Cadence//Performance management//EN"


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
    tz: str = DEFAULT_TIMEZONE  # the trust's time zone (Settings.timezone)


def build_invite(invite: Invite, now: datetime) -> bytes:
    """The .ics bytes for one meeting request (or cancellation)."""
    if invite.start.tzinfo is None or now.tzinfo is None:
        raise ValueError("invite times must be timezone-aware")
    zone = ZoneInfo(invite.tz)
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
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def invite_filename(summary: str, start: datetime, tz: str = DEFAULT_TIMEZONE) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in summary.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug}-{start.astimezone(ZoneInfo(tz)):%Y%m%d-%H%M}.ics"

"""Exports as one door for the CLI, the ``export`` chat command and the sign-off copy.

Every export asks bot.access first and is written to the audit log with who, what, when, the
channel and the platform identity (10.1). The document comes back as a neutral Attachment, which
Slack and Teams upload and the console saves.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import access
from bot.documents.branding import Branding
from bot.documents.form import build_form, form_filename, load_form
from bot.documents.plans import build_plan, load_plan, plan_filename
from bot.documents.render import FORMATS, MEDIA_TYPES, render
from bot.messages import Attachment
from bot.policy.calendar import academic_year_label
from bot.services import DEFAULT_ZONE
from store.models import Meeting, Person, Review
from store.repos.values import PersonContext
from store.unit import Repositories


class NothingToExport(LookupError):
    """The record asked for does not exist; the message says what there is instead."""

    def __init__(self, message: str, clause: str = "10.2") -> None:
        super().__init__(message)
        self.message = message
        self.clause = clause


def check_format(fmt: str) -> str:
    fmt = (fmt or "docx").lower().lstrip(".")
    if fmt == "markdown":
        fmt = "md"
    if fmt not in FORMATS:
        raise NothingToExport(f"I can write the form as docx, pdf or md; “{fmt}” isn't one of those.")
    return fmt


async def find_review(repos: Repositories, subject_id: int, cycle_year: int | None) -> Review:
    reviews = await repos.reviews.reviews_of(subject_id)
    person = await repos.people.person(subject_id)
    name = person.name if person else "This colleague"
    if not reviews:
        raise NothingToExport(f"{name} has no Planning & Review Form yet: there is no review in any cycle "
                              "(Policy 1.1 says who the cycle covers).", "1.1")
    if cycle_year is None:
        return reviews[-1][0]
    for review, cycle in reviews:
        if cycle.year == cycle_year:
            return review
    have = ", ".join(academic_year_label(c.year) for _r, c in reviews)
    raise NothingToExport(f"{name} has no form for {academic_year_label(cycle_year)}. Forms on record: {have}.")


async def export_form(repos: Repositories, actor: PersonContext, subject_id: int, *, cycle_year: int | None = None,
                      fmt: str = "docx", channel: str = "", identity: str = "",
                      branding: Branding | None = None, zone: ZoneInfo = DEFAULT_ZONE) -> Attachment:
    """The Planning & Review Form (Annex 1) of one colleague, if the actor may read it (10.2)."""
    fmt = check_format(fmt)
    await access.authorise(repos, actor, "export", subject_id=subject_id, channel=channel, identity=identity)
    review = await find_review(repos, subject_id, cycle_year)
    assert review.id is not None
    data = await load_form(repos, review.id, zone)
    content = render(build_form(data), fmt, branding)
    await access.record(repos, actor, "export", "review", record_id=review.id, subject_id=subject_id,
                        channel=channel, identity=identity, detail={"document": "planning_review_form",
                                                                     "format": fmt})
    return Attachment(form_filename(data, fmt), content, MEDIA_TYPES[fmt],
                      title=f"Planning & Review Form {academic_year_label(data.cycle.year)}: {data.colleague.name}")


async def export_plan(repos: Repositories, actor: PersonContext, subject_id: int, *, fmt: str = "docx",
                      plan_id: int | None = None, channel: str = "", identity: str = "",
                      branding: Branding | None = None, zone: ZoneInfo = DEFAULT_ZONE) -> Attachment:
    """The colleague's support plan or improvement action plan: the one named, else the latest open one,
    else the latest (Annex 4, seed 000)."""
    fmt = check_format(fmt)
    await access.authorise(repos, actor, "export", subject_id=subject_id, channel=channel, identity=identity)
    plans = await repos.plans.plans_for(subject_id)
    person = await repos.people.person(subject_id)
    name = person.name if person else "This colleague"
    if plan_id is not None:
        chosen = next((p for p in plans if p.id == plan_id), None)
        if chosen is None:
            raise NothingToExport(f"{name} has no plan number {plan_id}. "
                                  f"Plans on record: {', '.join(str(p.id) for p in plans) or 'none'}.", "7.4")
    else:
        open_plans = [p for p in plans if p.status == "open"]
        chosen = (open_plans or plans or [None])[-1]
        if chosen is None:
            raise NothingToExport(f"{name} has no support plan or improvement action plan on record "
                                  "(Policy 7.4, Annex 4).", "7.4")
    data = await load_plan(repos, chosen, zone)
    content = render(build_plan(data), fmt, branding)
    await access.record(repos, actor, "export", "support_plan", record_id=chosen.id, subject_id=subject_id,
                        channel=channel, identity=identity, detail={"document": chosen.kind, "format": fmt})
    title = "Improvement Action Plan" if chosen.kind == "improvement" else "Support Plan"
    return Attachment(plan_filename(data, fmt), content, MEDIA_TYPES[fmt], title=f"{title}: {data.colleague.name}")


async def export_invite(repos: Repositories, actor: PersonContext, subject_id: int, now: datetime, *,
                        meeting_id: int | None = None, channel: str = "", identity: str = "",
                        zone: ZoneInfo = DEFAULT_ZONE) -> Attachment:
    """The calendar invite (ICS, in the trust's ``zone``) of a colleague's meeting: the one named, else the next
    scheduled one of their current review (5.3, 5.4). Built by bot.documents.invites."""
    await access.authorise(repos, actor, "read_record", subject_id=subject_id, channel=channel, identity=identity)
    person = await repos.people.person(subject_id)
    name = person.name if person else "This colleague"
    meetings = [m for review, _c in await repos.reviews.reviews_of(subject_id) for m in await repos.reviews.meetings_for(review.id)]  # type: ignore[arg-type]
    if meeting_id is not None:
        chosen = next((m for m in meetings if m.id == meeting_id), None)
    else:
        upcoming = sorted((m for m in meetings if m.status == "scheduled" and m.starts_at >= now),
                          key=lambda m: m.starts_at)
        chosen = upcoming[0] if upcoming else None
    if chosen is None:
        raise NothingToExport(f"{name} has no {'such' if meeting_id else 'upcoming'} meeting booked. "
                              "Say schedule to book one with 5 days' notice (Policy 5.3).", "5.3")
    review = await repos.reviews.review(chosen.review_id)
    assert review is not None and person is not None
    reviewer = await repos.people.person(review.reviewer_id) if review.reviewer_id else None
    attachment = meeting_invite(chosen, person, reviewer, now, zone)
    await access.record(repos, actor, "export", "meeting", record_id=chosen.id, subject_id=subject_id,
                        channel=channel, identity=identity, detail={"document": "invite", "format": "ics"})
    return attachment


def meeting_invite(meeting: Meeting, person: Person, reviewer: Person | None, now: datetime,
                   zone: ZoneInfo = DEFAULT_ZONE) -> Attachment:
    """The calendar invite of one meeting, in the trust's ``zone``: the reviewer organises, the colleague attends."""
    from bot.documents.invites import Invite, Invitee, build_invite, invite_filename
    from bot.policy.meetings import MEETING_KIND_CLAUSES, meeting_kind_label

    organiser = reviewer or person
    label = meeting_kind_label(meeting.kind)
    ics = build_invite(Invite(
        uid=meeting.ics_uid or f"cadence-meeting-{meeting.id}@cadence", start=meeting.starts_at,
        minutes=meeting.minutes, summary=f"{label}: {person.name}" + (f" and {reviewer.name}" if reviewer else ""),
        location=meeting.location, cancelled=meeting.status == "cancelled",
        description=f"{label} (Policy {MEETING_KIND_CLAUSES.get(meeting.kind, '5.3')}). Confidential (Policy 10.1).",
        organizer=Invitee(organiser.name, organiser.email),
        attendees=(Invitee(person.name, person.email),) if reviewer else ()), now, zone)
    return Attachment(invite_filename(label, meeting.starts_at, zone), ics, MEDIA_TYPES["ics"], title=f"{label} invite")

"""Schedule (or reschedule) a review meeting (Policy 5.3, 5.4, 5.7, 5.8, 3.4).

The reviewer picks the kind, the length (at least an hour, 5.4), a confidential, quiet place (5.4)
and the time, last: the time is checked against 5 days' notice (5.3) and working hours (3.4), and
when it fails the reviewer is asked for the time again with the earliest valid slot. Moving a
meeting (5.8: the colleague arrived unprepared, or any other reason) re-applies the same checks.
The colleague is told through the outbox; the reviewer gets the calendar invite (.ics).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.dialogs import (
    lifecycle_guard,
    status,  # a module, not its names: status imports this package's helpers
)
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.diary import busy_for
from bot.dialogs.errors import Refusal
from bot.dialogs.review.common import (
    audit_change,
    ensure_review,
    first_name,
    reviewer_refusal,
    subject_of,
    when_label,
    workdays_for,
    working_hours,
)
from bot.documents.invites import Invite, Invitee, build_invite, invite_filename
from bot.messages import Attachment, Capabilities, Choice, PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.policy.meetings import (
    MEETING_KIND_CLAUSES,
    MEETING_KINDS,
    MIN_MEETING_MINUTES,
    check_meeting,
    meeting_kind_label,
)
from bot.policy.questions import COLLEAGUE_QUESTIONS
from bot.services import Services
from store.models import Meeting, Person, Review, ReviewStage
from store.repos.values import PersonContext

CLAUSE = "5.3"
NEW = "new"
CANCEL = "cancel:"
KIND_CHOICES = tuple(Choice(k, meeting_kind_label(k)) for k in MEETING_KINDS)
MAX_MINUTES = 8 * 60


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    assert subject is not None
    review = await ensure_review(services, subject)
    if isinstance(review, str):
        return review
    refusal = await reviewer_refusal(services, person, review, subject, "booking review meetings")
    if refusal:
        return refusal
    meetings = [m for m in await services.repos.reviews.meetings_for(review.id)  # type: ignore[arg-type]
                if m.status == "scheduled" and m.starts_at >= services.clock.now()]
    prep = await services.repos.forms.preparation_answers(review.id, "colleague")  # type: ignore[arg-type]
    return {"review_id": review.id, "prep_answered": len(prep),
            "meetings": [[m.id, m.kind, m.starts_at.isoformat(), m.minutes, m.location] for m in meetings]}


def _existing(ctx: Ctx) -> tuple[Choice, ...]:
    rows = ctx.data.get("meetings", [])
    moves = tuple(Choice(str(mid), f"Move the {meeting_kind_label(kind).lower()} on "
                                   f"{when_label(datetime.fromisoformat(at), ctx.zone)}") for mid, kind, at, _, _ in rows)
    cancels = tuple(Choice(f"{CANCEL}{mid}", f"Cancel the {meeting_kind_label(kind).lower()} on "
                                             f"{when_label(datetime.fromisoformat(at), ctx.zone)}") for mid, kind, at, _, _ in rows)
    return moves + (Choice(NEW, "Book a new meeting", "primary"),) + cancels


def _moving(ctx: Ctx) -> list[Any] | None:
    choice = ctx.answers.get("meeting")
    return next((m for m in ctx.data.get("meetings", []) if str(m[0]) == choice), None)


def _cancelling(answers: dict[str, Any], data: dict[str, Any]) -> list[Any] | None:
    choice = str(answers.get("meeting") or "")
    if not choice.startswith(CANCEL):
        return None
    return next((m for m in data.get("meetings", []) if str(m[0]) == choice.removeprefix(CANCEL)), None)


def _booking(ctx: Ctx) -> bool:
    return _cancelling(ctx.answers, ctx.data) is None


def _cancel_prompt(ctx: Ctx) -> str:
    meeting = _cancelling(ctx.answers, ctx.data)
    assert meeting is not None
    name = ctx.subject.person.name.split(" ")[0] if ctx.subject else "your colleague"
    return (f"Cancel the {meeting_kind_label(meeting[1]).lower()} on {when_label(datetime.fromisoformat(meeting[2]), ctx.zone)} "
            f"and let {name} know? A new date needs 5 days' notice again (Policy 5.3).")


def _intro(ctx: Ctx) -> str:
    name = ctx.subject.person.name if ctx.subject else "your colleague"
    answered = ctx.data.get("prep_answered", 0)
    return (f"Booking a meeting with {name}. Their preparation: {answered} of {len(COLLEAGUE_QUESTIONS)} questions "
            "answered so far (Policy 5.8: if they arrive unprepared you may move the meeting).")


def _check_minutes(value: Any, ctx: Ctx) -> str | None:
    if value < MIN_MEETING_MINUTES:
        return (f"Policy 5.4 asks for at least one hour. Please set aside {MIN_MEETING_MINUTES} minutes or more "
                f"(you said {value}).")
    if value > MAX_MINUTES:
        return f"That's longer than a working day. Please give a length up to {MAX_MINUTES} minutes, or split it (Policy 5.7)."
    return None


def _check_location(value: Any, ctx: Ctx) -> str | None:
    if len(str(value).strip()) < 3:
        return "Please name the room or place, for example “Meeting room 2”."
    return None


SHARED_PLACES = ("staff room", "staffroom", "corridor", "canteen", "dining", "hall", "playground", "reception",
                 "car park", "cafe", "café", "kitchen", "library", "open plan", "open-plan", "foyer", "lunch")


def _shared_place(ctx: Ctx) -> bool:
    """A place people pass through or share (“Staff room”): worth a gentle question (Policy 5.4)."""
    where = str(ctx.answers.get("location") or "").lower()
    return _booking(ctx) and any(word in where for word in SHARED_PLACES)


STEPS = (
    Step("meeting", "Book a new meeting, or move one that's already booked (Policy 5.8)?", PromptKind.CHOICE,
         _existing, when=lambda ctx: bool(ctx.data.get("meetings")), clause="5.8"),
    Step("cancel", _cancel_prompt, PromptKind.CONFIRM, (Choice("confirm", "Cancel it", "danger"),
                                                        Choice("change", "Go back")),
         when=lambda ctx: not _booking(ctx), clause="5.8"),
    Step("kind", "Which meeting is it?", PromptKind.CHOICE, KIND_CHOICES,
         when=lambda ctx: _booking(ctx) and _moving(ctx) is None, clause="3.2",
         help="A planning meeting may be split in two with everyone's agreement (Policy 5.7)."),
    Step("minutes", f"How long will it be, in minutes? At least {MIN_MEETING_MINUTES} (Policy 5.4).",
         PromptKind.NUMBER, validate=_check_minutes, clause="5.4", label="Length (minutes)", when=_booking),
    Step("location", "Where will you meet? Choose a quiet, confidential place free from interruptions "
         "(Policy 5.4).", PromptKind.SHORT_TEXT, validate=_check_location, clause="5.4", label="Location",
         max_length=300, when=_booking),
    Step("private", lambda ctx: f"Is {ctx.answers.get('location')} private enough? Policy 5.4 asks for a quiet, "
         "confidential place free from interruptions.", PromptKind.CONFIRM,
         (Choice("confirm", "Yes, it will be private", "primary"), Choice("change", "Choose another place")),
         when=_shared_place, clause="5.4", label="Private enough"),
    Step("when", "What date and time? Give at least 5 days' notice, within working hours, for example "
         "14/12/2026 10:00 (Policy 5.3).", PromptKind.DATETIME, clause=CLAUSE, label="Date and time",
         when=_booking),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    subject = subject_of(run)
    review = await repos.reviews.review(int(run.data["review_id"]))
    assert review is not None and review.id is not None
    cancelling = _cancelling(run.answers, run.data)
    if cancelling is not None:
        return await _cancel(run, review, int(cancelling[0]))
    start = datetime.fromisoformat(run.answers["when"]).replace(tzinfo=services.zone)
    minutes = int(run.answers["minutes"])
    now = services.clock.now()
    moving = next((m for m in run.data.get("meetings", []) if str(m[0]) == str(run.answers.get("meeting"))), None)
    kind = str(moving[1]) if moving is not None else str(run.answers["kind"])
    # the lifecycle: the step this meeting serves must be open on its day (3.2, 7.1), asked before saving
    verdict = await lifecycle_guard.booking_refusal(services, review, subject.person, kind, start)
    if not verdict.ok:
        back = "when" if verdict.first is None else None
        raise Refusal(lifecycle_guard.words(verdict, subject.person), verdict.clause, back_to=back)
    names = {subject.id: first_name(subject.person), run.person.id: "You"}
    if review.reviewer_id and review.reviewer_id not in names:
        names[review.reviewer_id] = "The reviewer"
    busy = await busy_for(services, names, min(start, now), skip_meeting=int(moving[0]) if moving else None)
    check = check_meeting(now, start, minutes, workdays_for(services, subject),
                          working_hours(subject.person, services.timezone), busy)
    if not check.ok:
        problem = check.problems[0]
        back = "minutes" if problem.clause == "5.4" else "when"
        raise Refusal(" ".join(p.message for p in check.problems), problem.clause, back_to=back)
    if moving is not None:
        meeting = await repos.reviews.meeting(int(moving[0]))
        assert meeting is not None
        first_booked = meeting.scheduled_at
        meeting.starts_at, meeting.minutes, meeting.location = start, minutes, run.answers["location"]
        meeting.scheduled_at, meeting.scheduled_by_id, meeting.policy_version = now, run.person.id, POLICY_VERSION
        meeting = await repos.reviews.save_meeting(Meeting.model_validate(meeting))
        # SEQUENCE must grow with each change: minutes since first booked, plus one
        sequence = max(1, int((now - first_booked).total_seconds() // 60) + 1)
    else:
        meeting = await repos.reviews.save_meeting(Meeting(review_id=review.id, kind=run.answers["kind"], starts_at=start,
                                          minutes=minutes, location=run.answers["location"],
                                          scheduled_by_id=run.person.id, scheduled_at=now,
                                          policy_version=POLICY_VERSION))
        meeting.ics_uid = f"cadence-meeting-{meeting.id}@cadence"
        meeting = await repos.reviews.save_meeting(Meeting.model_validate(meeting))
        sequence = 0
        if meeting.kind in ("planning", "split_second_half") and review.stage == ReviewStage.PREPARATION:
            review.stage = ReviewStage.PLANNING
            await repos.reviews.save_review(Review.model_validate(review))
    await audit_change(run, "meeting", meeting.id, subject.id,
                       {"kind": meeting.kind, "starts_at": start.isoformat(), "minutes": minutes,
                        "rescheduled": moving is not None})
    label = meeting_kind_label(meeting.kind)
    when = when_label(start, run.services.zone)
    verb = "moved to" if moving is not None else "booked for"
    reviewer = run.person.person
    prep_hint = (" Please prepare beforehand: say prep to answer the Annex 2 questions."
                 if meeting.kind in ("planning", "end_of_year", "split_second_half") else "")
    await services.notifier.notify(
        subject.id, f"{label} {verb} {when}",
        f"{reviewer.name} has {verb} your {label.lower()}: {when}, {minutes} minutes, at {meeting.location}. "
        f"You have at least 5 days' notice to prepare (Policy 5.3).{prep_hint}",
        kind="meeting_notice", clause=CLAUSE, dedupe_key=f"meeting:{meeting.id}:{start.isoformat()}",
        review_id=review.id, action="agenda", subject_person_id=subject.id)
    ics = build_invite(_invite(meeting, subject, reviewer, sequence), now, run.services.zone)
    files = Capabilities.for_channel(run.channel).files
    attachments = (Attachment(invite_filename(label, start, run.services.zone), ics, "text/calendar", f"{label} invite"),) if files else ()
    invite_note = " The calendar invite is attached." if files else ""
    # the real next step, as status shows it: prep only while the reviewer's checklist is still to do
    fresh = await repos.reviews.review(review.id)  # type: ignore[arg-type]
    step = await status.next_step(services, fresh or review, as_colleague=False)
    return [Reply(f"Done: {label.lower()} with {subject.person.name} {verb} {when}, {minutes} minutes, at "
                  f"{meeting.location}. I've let {first_name(subject.person)} know (Policy 5.3).{invite_note}\n"
                  f"Next: {step.line()}", clause=CLAUSE, attachments=attachments)]


def _invite(meeting: Meeting, subject: PersonContext, reviewer: Person, sequence: int, *, cancelled: bool = False
            ) -> Invite:
    label = meeting_kind_label(meeting.kind)
    return Invite(uid=meeting.ics_uid or f"cadence-meeting-{meeting.id}@cadence", start=meeting.starts_at,
                  minutes=meeting.minutes, summary=f"{label}: {subject.person.name} and {reviewer.name}",
                  location=meeting.location, description=f"{label} (Policy {MEETING_KIND_CLAUSES.get(meeting.kind, '5.3')}). "
                                                         "Confidential (Policy 10.1).",
                  organizer=Invitee(reviewer.name, reviewer.email),
                  attendees=(Invitee(subject.person.name, subject.person.email),), sequence=sequence,
                  cancelled=cancelled)


async def _cancel(run: Run, review: Review, meeting_id: int) -> list[Reply]:
    """Cancel a booked meeting (5.8): the colleague is told and the calendar entry withdrawn."""
    services, repos = run.services, run.services.repos
    subject = subject_of(run)
    meeting = await repos.reviews.meeting(meeting_id)
    assert meeting is not None
    now = services.clock.now()
    meeting.status = "cancelled"
    meeting = await repos.reviews.save_meeting(Meeting.model_validate(meeting))
    await audit_change(run, "meeting", meeting.id, subject.id, {"cancelled": True,
                                                                "starts_at": meeting.starts_at.isoformat()})
    label, when = meeting_kind_label(meeting.kind), when_label(meeting.starts_at, run.services.zone)
    await services.notifier.notify(
        subject.id, f"{label} on {when} cancelled",
        f"{run.person.person.name} has cancelled your {label.lower()} on {when}. They'll book a new time with at "
        "least 5 days' notice (Policy 5.3, 5.8).", kind="meeting_notice", clause="5.8",
        dedupe_key=f"meeting:{meeting.id}:cancelled", review_id=review.id, subject_person_id=subject.id)
    sequence = max(1, int((now - meeting.scheduled_at).total_seconds() // 60) + 1)
    ics = build_invite(_invite(meeting, subject, run.person.person, sequence, cancelled=True), now, run.services.zone)
    files = Capabilities.for_channel(run.channel).files
    attachments = (Attachment(invite_filename(label, meeting.starts_at, run.services.zone), ics, "text/calendar",
                              f"{label} cancellation"),) if files else ()
    return [Reply(f"Cancelled the {label.lower()} with {subject.person.name} on {when}, and let "
                  f"{first_name(subject.person)} know (Policy 5.8). Say “schedule {first_name(subject.person)}” "
                  "to book a new time.", clause="5.8", attachments=attachments)]


DIALOG = Dialog(
    id="schedule_meeting", version=1, title="Book a review meeting", steps=STEPS, complete=complete,
    prepare=prepare, subject=Subject.REPORT, intro=_intro, clause=CLAUSE,
    description="Book or move a meeting: at least 5 days' notice (5.3), at least an hour, somewhere quiet (5.4).",
)

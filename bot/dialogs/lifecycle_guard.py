"""The dialogs' door to bot.policy.lifecycle: read a review's facts, ask what may happen, and word
a refusal (what must happen first, by whom, by when, the clause).

Every dialog that changes a review calls :func:`refusal` in ``prepare`` (before it starts) and
again in ``complete`` (before it saves: a second worker may have moved the review on). A refusal
raised there changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from bot.dialogs.errors import Refusal
from bot.policy import lifecycle
from bot.policy.lifecycle import AppealFact, MeetingFact, ReviewState, StepName, Verdict
from bot.services import Services
from store.models import Person, Review
from store.repos.values import ReviewSnapshot

# the command that does each step, for "what must happen first" (NAME: the colleague's first name)
COMMANDS: dict[StepName, str] = {
    StepName.PLANNING_MEETING: "schedule NAME", StepName.OBJECTIVES: "objectives NAME",
    StepName.SIGN_PLANNING: "signoff", StepName.MID_YEAR: "midyear NAME", StepName.SIGN_MID_YEAR: "signoff",
    StepName.END_OF_YEAR: "endyear NAME", StepName.SIGN_END_OF_YEAR: "signoff",
    StepName.INFORMAL_RESOLUTION: "appeal", StepName.APPEAL_HEARING: "appeal",
    StepName.LEAVER_REVIEW: "schedule NAME",
}
WHO_WORDS = {"reviewer": "the reviewer", "colleague": "NAME", "both": "NAME and the reviewer",
             "handler": "the person hearing the appeal"}


def state_from(services: Services, snap: ReviewSnapshot, review: Review) -> ReviewState:
    """The lifecycle's facts about ``review`` from rows already read (Reviews.review_snapshot)."""
    assert review.id is not None
    colleague, organisation = snap.people[review.colleague_id]
    return ReviewState(
        cycle_year=snap.years.get(review.cycle_id, services.clock.today().year),
        calendar=services.calendar_for(organisation.calendar_name),
        workdays=services.workdays_for(organisation.calendar_name),
        start_date=colleague.start_date, last_day=colleague.last_day, leave_start=colleague.leave_start,
        absent_from=colleague.absent_from, absent_until=colleague.absent_until,
        meetings=tuple(MeetingFact(m.kind, m.starts_at, m.status) for m in snap.meetings.get(review.id, [])),
        planning_submitted=review.planning_submitted_at, midyear_submitted=review.midyear_submitted_at,
        eoy_submitted=review.eoy_submitted_at,
        signatures=frozenset((s.part, s.role) for s in snap.signatures.get(review.id, [])),
        report_delivered_on=review.report_delivered_on,
        appeals=tuple(AppealFact(a.stage, a.written_received_on, a.hearing_at) for a in snap.appeals.get(review.id, [])),
        exceptions=frozenset(e.step for e in snap.exceptions.get(review.id, [])), timezone=services.timezone)


async def review_state(services: Services, review: Review) -> ReviewState:
    """Read ``review``'s facts fresh from the store (a second worker may have moved it on)."""
    fresh = await services.repos.reviews.review(review.id) if review.id is not None else None
    fresh = fresh or review
    snap = await services.repos.reviews.review_snapshot([fresh])
    return state_from(services, snap, fresh)


def words(verdict: Verdict, colleague: Person) -> str:
    """A refusal as the person reads it: why, what must happen first with its command, by whom, by when."""
    name = colleague.name.split(" ")[0]
    text = verdict.message
    if verdict.first is not None and verdict.booked_for is not None:
        on = f"{verdict.booked_for:%a} {verdict.booked_for.day} {verdict.booked_for:%b %Y}"
        text += f" First: {lifecycle.LABELS[verdict.first]}, booked for {on}."
    elif verdict.first is not None:
        who = WHO_WORDS.get(verdict.who, "the reviewer").replace("NAME", name)
        command = ("schedule NAME" if verdict.book_first else COMMANDS[verdict.first]).replace("NAME", name)
        by = f" by {verdict.by:%a} {verdict.by.day} {verdict.by:%b %Y}" if verdict.by else ""
        what = f"booking {lifecycle.LABELS[verdict.first]}" if verdict.book_first else lifecycle.LABELS[verdict.first]
        text += f" First: {what} ({who}{by}; say {command})."
    elif verdict.book_first:  # not open yet: its meeting can be booked now for a day it is open
        text += f" You can book its meeting now for a day from then: say schedule {name}."
    return text.replace(" .", ".")


async def refusal(services: Services, review: Review, colleague: Person, step: StepName, *,
                  record: bool = True, now: datetime | None = None) -> str | None:
    """None when ``step`` may happen on ``review`` now, else the refusal to show (nothing is changed)."""
    state = await review_state(services, review)
    verdict = lifecycle.may(state, step, now or services.clock.now(), record=record)
    return None if verdict.ok else words(verdict, colleague)


async def require(services: Services, review: Review, colleague: Person, step: StepName) -> None:
    """Raise a Refusal (the dialog saves nothing) unless ``step`` may be recorded now."""
    state = await review_state(services, review)
    verdict = lifecycle.may(state, step, services.clock.now())
    if not verdict.ok:
        raise Refusal(words(verdict, colleague), verdict.clause)


async def booking_refusal(services: Services, review: Review, colleague: Person, kind: str,
                          starts_at: datetime) -> Verdict:
    state = await review_state(services, review)
    return lifecycle.may_book(state, kind, starts_at, services.clock.now())


async def next_words(services: Services, review: Review) -> str:
    """"Next: …" after a change, as the lifecycle answers it (never a second copy of the order)."""
    step = lifecycle.next_step(await review_state(services, review), services.clock.now())
    if step is None:
        return "Next: nothing; this cycle is complete (Policy 10.3)."
    when = ""
    if step.status == lifecycle.Status.NOT_YET and step.opens is not None:
        when = f", from {step.opens:%a} {step.opens.day} {step.opens:%b %Y}"
    elif step.due is not None:
        when = f", by {step.due:%a} {step.due.day} {step.due:%b %Y}"
    return f"Next: {lifecycle.LABELS[step.step]}{when} (Policy {step.clause})."

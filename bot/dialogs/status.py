"""Status and help: where my review stands, what comes next and by when, with the clause.

For reviewers and line managers, their team's next steps follow. “status NAME” shows one colleague
(for those who may read their record, Policy 10.1). Every read is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import access
from bot.dialogs import lifecycle_guard
from bot.dialogs.appeals.settle import resolved_informally
from bot.dialogs.errors import Refusal
from bot.dialogs.review.common import local, not_in_the_cycle, when_label
from bot.messages import Card, Choice, Inbound, Reply
from bot.policy import lifecycle
from bot.policy.deadlines import (
    appeal_hearing_deadline,
    informal_resolution_deadline,
    prep_nudge_dates,
    reviewer_prep_date,
)
from bot.policy.lifecycle import Status, StepName, StepState
from bot.policy.meetings import meeting_kind_label
from bot.policy.questions import COLLEAGUE_QUESTIONS
from bot.services import Services
from store.models import Person, Review, ReviewStage
from store.repos.values import PersonContext, ReviewSnapshot, StatusSnapshot

if TYPE_CHECKING:
    from bot.dialogs.engine import Engine

STAGE_LABELS = {
    "preparation": "Preparing for your planning meeting (Policy 3.2)",
    "planning": "Planning meeting booked or held; form being completed (3.2)",
    "objectives_agreed": "Objectives agreed and signed (Annex 1)",
    "mid_year_done": "Mid-year review done (3.2)",
    "end_of_year_done": "End-of-year review done (7.1)",
    "closed": "Closed",
}
SHORT_STAGE = {"preparation": "preparing", "planning": "planning", "objectives_agreed": "objectives agreed",
               "mid_year_done": "mid-year done", "end_of_year_done": "end of year done", "closed": "closed"}


@dataclass(frozen=True)
class NextStep:
    text: str  # what comes next, addressed to the viewer
    clause: str
    due: date | None = None
    who: str = ""  # "colleague" | "reviewer" | "both"

    def line(self) -> str:
        by = f" by {self.due:%a %d %b %Y}" if self.due else ""
        return f"{self.text}{by} (Policy {self.clause})"


def _progress(snap: ReviewSnapshot, review: Review) -> tuple[int, bool]:
    """How many Annex 2 questions the colleague has answered, counting a preparation still open or
    paused (its answers live in the dialog state until they finish), and whether one is open."""
    assert review.id is not None
    keys = {a.question_key for a in snap.answers.get(review.id, []) if a.side == "colleague" and a.answer}
    open_prep = False
    for session in snap.sessions.get(review.colleague_id, []):
        state = session.state or {}
        if session.dialog_id != "colleague_prep" or state.get("data", {}).get("review_id") != review.id:
            continue
        open_prep = True
        keys |= {k for k, v in state.get("answers", {}).items() if v and k in _QUESTION_KEYS}
    return len(keys), open_prep


_QUESTION_KEYS = frozenset(q.key for q in COLLEAGUE_QUESTIONS)
_OPEN_APPEAL = ("informal", "written", "hearing_scheduled")


def _person(snap: ReviewSnapshot, person_id: int | None) -> Person | None:
    found = snap.people.get(person_id) if person_id else None
    return found[0] if found else None


def _appeal_step(services: Services, snap: ReviewSnapshot, review: Review, *, as_colleague: bool,
                 name: str) -> NextStep | None:
    """An open concern or appeal comes before anything else on a finished review (Policy 9.1-9.5)."""
    assert review.id is not None
    appeal = next((a for a in reversed(snap.appeals.get(review.id, [])) if a.stage in _OPEN_APPEAL), None)
    if appeal is None:
        return None
    colleague = snap.people.get(review.colleague_id)
    if appeal.stage == "informal":
        due = informal_resolution_deadline(review.report_delivered_on).due if review.report_delivered_on else None
        text = ("You've raised concerns with your reviewer: talk them through together; if that doesn't settle "
                "it, say appeal to appeal in writing" if as_colleague else
                f"{name} has raised concerns about their report: talk them through together; once they're "
                "resolved, say appeal to record it")
        return NextStep(text, "9.1", due, "both")
    handler = _person(snap, appeal.hearing_by_id or appeal.handler_id)
    who = handler.name if handler else "the Headteacher"
    if appeal.stage == "hearing_scheduled" and appeal.hearing_at is not None:
        text = (f"Your appeal hearing with {who}: {when_label(appeal.hearing_at, services.zone)}; you may bring a union "
                "representative or a work colleague (Policy 9.4)" if as_colleague else
                f"{name}'s appeal hearing with {who}: {when_label(appeal.hearing_at, services.zone)}")
        return NextStep(text, "9.5", None, "both")
    due = None
    if appeal.written_received_on is not None and colleague is not None:
        due = appeal_hearing_deadline(appeal.written_received_on,
                                      services.workdays_for(colleague[1].calendar_name)).due
    text = (f"Your written appeal is with {who}, who arranges the hearing" if as_colleague else
            f"{name} has appealed in writing; {who} arranges the hearing")
    return NextStep(text, "9.5", due, "both")


async def next_step(services: Services, review: Review, *, as_colleague: bool) -> NextStep:
    """The next thing to happen on this review, and by when, as bot.policy.lifecycle answers it."""
    assert review.id is not None
    return lifecycle_step(services, await services.repos.reviews.review_snapshot([review], detail=True), review,
                          as_colleague=as_colleague)


def lifecycle_step(services: Services, snap: ReviewSnapshot, review: Review, *, as_colleague: bool) -> NextStep:
    """bot.policy.lifecycle's next step on this review (from rows already read: Reviews.review_snapshot /
    status_snapshot), in words for the colleague or the reviewer, naming the command that does it."""
    assert review.id is not None
    now = services.clock.now()
    colleague = snap.people[review.colleague_id][0]
    name = colleague.name.split(" ")[0]
    step = lifecycle.next_step(lifecycle_guard.state_from(services, snap, review), now)
    S = StepName
    if step is None:
        settled = resolved_informally(snap.appeals.get(review.id, []), review.id)
        if settled is not None and settled.decided_on is not None:
            text = ("Your concerns about the report were resolved with your reviewer on "
                    if as_colleague else f"{name}'s concerns about the report were resolved informally on ")
            return NextStep(f"{text}{settled.decided_on:%a %d %b %Y}", "9.1", None, "both")
        kept = f"; the form is kept until {review.retain_until:%d %b %Y}" if review.retain_until else ""
        return NextStep(f"This cycle is complete{kept}", "10.3", None, "both")
    if step.status == Status.PAUSED:
        return NextStep(step.why, "3.7", None, "colleague")
    if step.step in (S.SIGN_PLANNING, S.SIGN_MID_YEAR, S.SIGN_END_OF_YEAR):
        me = "colleague" if as_colleague else "reviewer"
        if step.who in (me, "both"):
            word = "signoff" if as_colleague else f"signoff {name}"
            what = {S.SIGN_PLANNING: "objectives", S.SIGN_MID_YEAR: "mid-year review",
                    S.SIGN_END_OF_YEAR: "end of year review"}[step.step]
            return NextStep(f"Read and sign the {what}: say {word}", "Annex 1", who="reviewee" if as_colleague
                            else "reviewer")
        whom = "your reviewer" if as_colleague else name
        return NextStep(f"Waiting for {whom} to sign", "Annex 1", who="reviewer" if as_colleague else "reviewee")
    appeal = _appeal_step(services, snap, review, as_colleague=as_colleague, name=name)
    if appeal is not None and step.step in (S.APPEAL_HEARING, S.INFORMAL_RESOLUTION):
        return appeal
    if step.step == S.LEAVER_REVIEW:
        text = (f"{step.why}: your reviewer goes through your objectives with you before then" if as_colleague else
                f"{name} {step.why[0].lower()}{step.why[1:]}: review their objectives with them before then (say "
                f"schedule {name}); for an early end of year review the headteacher or HR records an exception")
        return NextStep(text, "3.8", step.due, "reviewer")
    if step.step == S.PLANNING_MEETING:
        return _planning_step(services, snap, review, step, as_colleague=as_colleague, name=name)
    if step.step == S.OBJECTIVES:
        text = ("Your reviewer records your objectives" if as_colleague else
                f"Record the objectives agreed: say objectives {name}")
        return NextStep(text, "3.2", step.due, "reviewer")
    if step.step in (S.MID_YEAR, S.END_OF_YEAR):
        return _review_meeting_step(step, as_colleague=as_colleague, name=name, now=now, zone=services.zone)
    if step.step == S.INFORMAL_RESOLUTION:
        text = ("Report delivered. If you disagree with it, talk to your reviewer" if as_colleague else
                f"Report delivered to {name}; they may raise any disagreement with you")
        return NextStep(text, "9.1", step.due, "colleague")
    return appeal or NextStep("Nothing is waiting right now", "3.2", None, "both")


def _review_meeting_step(step: StepState, *, as_colleague: bool, name: str, now: datetime,
                         zone: ZoneInfo) -> NextStep:
    """Meeting 2 (3.2) or the end of year review (7.1): book it, hold it, then record it."""
    mid = step.step == StepName.MID_YEAR
    what, word = ("mid-year review", "midyear") if mid else ("end of year review", "endyear")
    when = " in the Spring term" if mid else ""
    clause = "3.2" if mid else "7.1"
    meeting = step.meeting
    if as_colleague:
        text = f"{what[0].upper()}{what[1:]} with your reviewer{when}"
        if meeting is not None and meeting.starts_at >= now:
            text += f" (booked: {when_label(meeting.starts_at, zone)})"
        return NextStep(text, clause, step.due, "reviewer")
    if step.status == Status.NOT_YET and step.opens is not None:
        opens = f"{step.opens:%a} {step.opens.day} {step.opens:%b %Y}"
        booked = (f" (booked: {when_label(meeting.starts_at, zone)})" if meeting is not None else
                  f": say schedule {name}")
        return NextStep(f"Book the {what}{when}, from {opens}{booked}", clause, step.due, "reviewer")
    if meeting is None:
        return NextStep(f"Book the {what}{when}: say schedule {name}", clause, step.due, "reviewer")
    if meeting.starts_at > now:
        return NextStep(f"Hold the {what} on {when_label(meeting.starts_at, zone)}, then record it: say {word} {name}",
                        clause, step.due, "reviewer")
    return NextStep(f"Record the {what}: say {word} {name}", clause, step.due, "reviewer")


def _planning_step(services: Services, snap: ReviewSnapshot, review: Review, step: StepState, *,
                   as_colleague: bool, name: str) -> NextStep:
    """Meeting 1 (3.2; 3.5 for a joiner): book it, prepare for it (5.1, Annex 2), hold it."""
    assert review.id is not None
    colleague, organisation = snap.people[review.colleague_id]
    workdays = services.workdays_for(organisation.calendar_name)
    meeting = step.meeting
    if meeting is not None:
        day = local(meeting.starts_at, services.zone).date()
        location = next((m.location for m in snap.meetings.get(review.id, [])
                         if m.starts_at == meeting.starts_at), "")
        if as_colleague:
            answered, open_prep = _progress(snap, review)
            if open_prep:
                return NextStep(f"Finish preparing for your meeting on {when_label(meeting.starts_at, services.zone)} ({answered} "
                                f"of {len(COLLEAGUE_QUESTIONS)} questions answered): say resume", "5.1",
                                prep_nudge_dates(day, workdays)[1], "colleague")
            if answered == 0:
                return NextStep(f"Prepare for your meeting on {when_label(meeting.starts_at, services.zone)} (0 of "
                                f"{len(COLLEAGUE_QUESTIONS)} questions answered): say prep", "5.1",
                                prep_nudge_dates(day, workdays)[1], "colleague")
            return NextStep(f"Your meeting: {when_label(meeting.starts_at, services.zone)}, {location}. Say agenda to see it",
                            "5.5", None, "both")
        if any(a.side == "reviewer" for a in snap.answers.get(review.id, [])):
            return NextStep(f"Your meeting with {name}: {when_label(meeting.starts_at, services.zone)}, {location}. "
                            f"Say agenda {name} to see it", "5.5", None, "both")
        return NextStep(f"Prepare with the reviewer's checklist for {when_label(meeting.starts_at, services.zone)}: say prep {name}",
                        "Annex 2", reviewer_prep_date(day, workdays), "reviewer")
    text = ("Your reviewer books your planning meeting, with at least 5 days' notice" if as_colleague else
            f"Book the planning meeting, with at least 5 days' notice: say schedule {name}")
    if step.clause == "3.5":  # a colleague joining part way: initial planning within three months
        return NextStep(text + " (joined part way through the year)", "3.5", step.due, "reviewer")
    today = services.clock.today()
    return NextStep(text, "5.3", step.due if step.due and step.due >= today else None, "reviewer")


async def _own(engine: Engine, person: PersonContext, snap: StatusSnapshot,
               inbound: Inbound) -> tuple[list[tuple[str, str]], str] | None:
    review = snap.own
    if review is None:
        return None
    await engine.repos.audit.audit(actor_id=person.id, action="read", record_type="review", record_id=review.id,
                            subject_person_id=person.id, channel=inbound.address.channel.value)
    facts = _facts(engine, snap, review, as_colleague=True)
    step = lifecycle_step(engine.services, snap, review, as_colleague=True)
    facts.append(("Next", step.line()))
    return facts, step.clause


AWAITING_SIGNATURE = {StepName.SIGN_PLANNING: "Objectives recorded; waiting for signatures (Annex 1)",
                      StepName.SIGN_MID_YEAR: "Mid-year review recorded; waiting for signatures (Annex 1)",
                      StepName.SIGN_END_OF_YEAR: "End of year review recorded; waiting for signatures (Annex 1)"}


def stage_label(services: Services, snap: ReviewSnapshot, review: Review) -> str:
    """The stage as the lifecycle sees it: a part recorded but not yet signed by both says so, rather
    than the stage of the last part both signed."""
    step = lifecycle.next_step(lifecycle_guard.state_from(services, snap, review), services.clock.now())
    if step is not None and step.step in AWAITING_SIGNATURE:
        return AWAITING_SIGNATURE[step.step]
    return STAGE_LABELS.get(review.stage, review.stage)


def _facts(engine: Engine, snap: ReviewSnapshot, review: Review, *, as_colleague: bool) -> list[tuple[str, str]]:
    """The facts status shows about a review; ``snap`` holds its objectives or how many there are."""
    now = engine.services.clock.now()
    facts: list[tuple[str, str]] = [("Stage", stage_label(engine.services, snap, review))]
    reviewer = _person(snap, review.reviewer_id)
    if reviewer and as_colleague:
        facts.append(("Reviewer", reviewer.name))
    upcoming = [m for m in snap.meetings.get(review.id, []) if m.status == "scheduled"  # type: ignore[arg-type]
                and m.starts_at >= now]
    if upcoming:
        m = upcoming[0]
        facts.append(("Next meeting", f"{meeting_kind_label(m.kind)}, {when_label(m.starts_at, engine.services.zone)}, "
                                      f"{m.location or 'location to follow'}"))
    objectives = snap.objective_count(review.id)  # type: ignore[arg-type]
    facts.append(("Objectives", str(objectives) if objectives else "none yet"))
    for e in snap.exceptions.get(review.id, []):  # type: ignore[arg-type]
        facts.append(("Exception", f"{lifecycle.LABELS[StepName(e.step)]} out of the usual order: {e.reason}"))
    if review.stage in (ReviewStage.PREPARATION, ReviewStage.PLANNING) and review.planning_submitted_at is None:
        answered, open_prep = _progress(snap, review)
        paused = " (in progress: say resume to carry on)" if open_prep and as_colleague else ""
        facts.append(("Your preparation" if as_colleague else "Their preparation",
                      f"{answered} of {len(COLLEAGUE_QUESTIONS)} questions answered{paused}"))
    return facts


def _team(engine: Engine, snap: StatusSnapshot) -> list[str]:
    """One line per colleague this person reviews, then those they line-manage with another reviewer (4.1)."""
    lines: list[str] = []
    seen: set[int] = set()
    for review in snap.reviewed:
        current = snap.current.get(review.colleague_id)
        if current is None or current.id != review.id or review.stage == ReviewStage.CLOSED:
            continue
        colleague = _person(snap, review.colleague_id)
        if colleague is None or not colleague.active:
            continue
        seen.add(review.colleague_id)
        step = lifecycle_step(engine.services, snap, review, as_colleague=False)
        lines.append(f"• {colleague.name} ({SHORT_STAGE.get(review.stage, review.stage)}): {step.line()}")
    others: list[str] = []
    for colleague in snap.reports:
        if colleague.id is None or colleague.id in seen or not colleague.active:
            continue
        review = snap.current.get(colleague.id)
        if review is None or review.stage == ReviewStage.CLOSED:
            continue
        reviewer = _person(snap, review.reviewer_id)
        who = f"reviewed by {reviewer.name}" if reviewer else "no reviewer yet"
        others.append(f"• {colleague.name} ({SHORT_STAGE.get(review.stage, review.stage)}, {who}; you give "
                      "input when asked, Policy 4.1)")
    return sorted(lines) + sorted(others)


ROLE_HINTS = {
    "headteacher": "As Headteacher you hear written appeals from your staff (Policy 9.2-9.3) and agree essential "
                   "training (8.5); say status and a colleague's name or email to see their review.",
    "chair_of_governors": "As Chair of Governors you hear appeals from colleagues who report to the Headteacher "
                          "(Policy 9.3); I'll message you when one arrives.",
    "hr_admin": "As HR you can see and export any colleague's form: say export or status and their email "
                "(Policy 10.1).",
    "executive_leader": "As an executive leader you hear appeals from the central team's direct reports "
                        "(Policy 1.3, 9.3).",
}


_DUTY_STAGES = ("written", "hearing_scheduled")


def _duties(engine: Engine, snap: StatusSnapshot) -> list[str]:
    """Appeals waiting for this person to hear or decide (Policy 9.2-9.5), one line each."""
    lines: list[str] = []
    for appeal in snap.handled:
        found = snap.people.get(appeal.colleague_id)
        if found is None:
            continue
        name = found[0].name
        if appeal.stage == "hearing_scheduled" and appeal.hearing_at is not None:
            lines.append(f"• {name}'s appeal hearing: {when_label(appeal.hearing_at, engine.services.zone)}. Afterwards, say appeal to "
                         "record the outcome (Policy 9.3)")
            continue
        due = (appeal_hearing_deadline(appeal.written_received_on,
                                       engine.services.workdays_for(found[1].calendar_name)).due
               if appeal.written_received_on else None)
        by = f" by {due:%a %d %b %Y}" if due else ""
        lines.append(f"• {name} has appealed in writing: arrange the hearing{by}; say appeal (Policy 9.5)")
    return lines


_SAY_WITH_NAME = re.compile(r"\b[Ss]ay (?:“)?([a-z-]+)(?: ([A-Z][A-Za-z'-]+))?")
_ACTION_LABELS = {"prep": "Prepare", "resume": "Carry on", "signoff": "Sign", "objectives": "Objectives",
                  "schedule": "Book a meeting", "agenda": "Agenda", "midyear": "Mid-year review",
                  "endyear": "End of year review", "appeal": "Appeal", "plan": "Plan", "checkin": "Check in",
                  "moderation": "Moderation sample", "exception": "Exception"}


def _choices_for(texts: list[str]) -> tuple[Choice, ...]:
    """Buttons for the commands the next steps name (“say signoff”, “say midyear Sam”), so the next
    step is one tap away."""
    seen: list[str] = []
    choices: list[Choice] = []
    for text in texts:
        for word, name in _SAY_WITH_NAME.findall(text):
            value = f"{word} {name}".strip()
            if word in _ACTION_LABELS and value not in seen:
                seen.append(value)
                choices.append(Choice(value, f"{_ACTION_LABELS[word]}: {name}" if name else _ACTION_LABELS[word]))
    return tuple(choices[:3]) or (Choice("help", "What can I do?"), Choice("checkin", "Check in"))


async def status_command(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    if argument:
        return await _status_of(engine, person, argument, inbound)
    snap = await engine.repos.reviews.status_snapshot(person, _DUTY_STAGES)
    own = await _own(engine, person, snap, inbound)
    team = _team(engine, snap)
    duties = _duties(engine, snap)
    hints = [ROLE_HINTS[r] for r in sorted(person.roles) if r in ROLE_HINTS]
    if own is None and not team and not duties:
        if hints:
            return [Reply("You don't have a review of your own in this cycle, and nothing is waiting for you "
                          "right now.\n" + "\n".join(hints), clause="9.3",
                          choices=(Choice("help", "What can I do?"),))]
        not_yet = not_in_the_cycle(person, own=True)
        if not_yet is not None:  # the real reason (induction, capability, agency, a short contract, 1.1-1.2)
            return [Reply(f"{not_yet} If that isn't right, please ask HR to update the roster.", clause="1.1")]
        return [Reply("You don't have a review in this cycle. If you think you should, please ask HR "
                      "(Policy 1.1 explains who the cycle applies to).", clause="1.1")]
    sections: list[str] = []
    facts: tuple[tuple[str, str], ...] = ()
    clause = "3.2"
    if own is not None:
        facts, clause = tuple(own[0]), own[1]
        sections.append("\n".join(f"{k}: {v}" for k, v in facts))
        extra: list[str] = []
    else:
        extra = ["You don't have a review of your own in this cycle.", *hints]
        sections.append("\n".join(extra))
    if duties:
        sections.append("Waiting for you:\n" + "\n".join(duties))
    if team:
        sections.append("Your team's next steps:\n" + "\n".join(team))
    text = "\n\n".join(sections)
    choices = _choices_for([v for k, v in facts if k == "Next"] + duties + team)
    card_sections = tuple(sections[1:]) if own is not None else tuple(sections)
    return [Reply(text, card=Card("Your review" if own is not None else "Your work", facts, card_sections),
                  choices=choices, clause=clause)]


async def _status_of(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    subject_id = await engine.registry.router.find_subject(engine, person, argument, "status")
    if not await access.may_read_record(engine.repos, person, subject_id):
        raise Refusal("You can only see the reviews of colleagues you review or manage (Policy 10.1).", "10.1")
    review = await engine.repos.reviews.current_review(subject_id)
    snap = await engine.repos.reviews.review_snapshot([review] if review else [], person_ids=[subject_id], detail=True)
    subject = _person(snap, subject_id)
    assert subject is not None
    if review is None:
        return [Reply(f"{subject.name} has no review in this cycle yet.", clause="1.1")]
    await engine.repos.audit.audit(actor_id=person.id, action="read", record_type="review", record_id=review.id,
                            subject_person_id=subject_id, channel=inbound.address.channel.value)
    facts = _facts(engine, snap, review, as_colleague=False)
    step = lifecycle_step(engine.services, snap, review, as_colleague=False)
    facts.append(("Next", step.line()))
    text = f"{subject.name}\n" + "\n".join(f"{k}: {v}" for k, v in facts)
    return [Reply(text, card=Card(subject.name, tuple(facts)), clause=step.clause)]


async def help_command(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    return [engine.registry.router.help_reply(person)]


# --- a dashboard of the same facts (Slack App Home; any channel with a home screen) ----------------

_SAY = re.compile(r"\bsay ([a-z-]+)")
_DUE_LABELS = {"prep": "Prepare for my review", "checkin": "Check in", "objectives": "Objectives",
               "schedule": "Book a meeting", "signoff": "Sign the form", "midyear": "Mid-year review",
               "endyear": "End of year review", "plan": "Support plan", "appeal": "Raise a concern",
               "agenda": "Meeting agenda", "export": "Export my form", "status": "Status",
               "moderation": "Check the moderation sample"}


@dataclass(frozen=True)
class HomeSummary:
    """What ``status`` shows, gathered for a dashboard: the facts, the next step with its clause,
    the objectives, the team's next steps and the command words that start what is due."""

    first_name: str
    has_review: bool
    facts: tuple[tuple[str, str], ...] = ()
    next_step: NextStep | None = None
    objectives: tuple[str, ...] = ()
    team: tuple[str, ...] = ()
    due: tuple[Choice, ...] = ()


async def home_summary(engine: Engine, person: PersonContext, channel: str = "") -> HomeSummary:
    """The person's cycle at a glance (reads are audited, as for ``status``)."""
    repos = engine.repos
    first = person.person.name.split(" ")[0]
    snap = await repos.reviews.status_snapshot(person, (), objectives=True)
    team = tuple(_team(engine, snap))
    words: list[str] = []
    review = snap.own
    facts: list[tuple[str, str]] = []
    step: NextStep | None = None
    objectives: tuple[str, ...] = ()
    if review is not None:
        await repos.audit.audit(actor_id=person.id, action="read", record_type="review", record_id=review.id,
                         subject_person_id=person.id, channel=channel)
        facts = _facts(engine, snap, review, as_colleague=True)
        step = lifecycle_step(engine.services, snap, review, as_colleague=True)
        objectives = tuple(f"{o.number}. {o.text}" for o in snap.objectives.get(review.id, []))  # type: ignore[arg-type]
        words.extend(_SAY.findall(step.text))
    for reminder in await repos.outbox.pending_reminders_for(person.id):
        words.extend(_SAY.findall(reminder.body) or [(reminder.action or "").split(" ", 1)[0]])
    words.append("checkin")
    due: list[str] = []
    for word in words:
        if word and word in _DUE_LABELS and word not in due and engine.registry.router.is_command(word):
            due.append(word)
    choices = tuple(Choice(w, _DUE_LABELS[w], "primary" if i == 0 else None) for i, w in enumerate(due[:5]))
    return HomeSummary(first, review is not None, tuple(facts), step, objectives, team, choices)


# --- “objectives” for a colleague with nobody to review: see their own (Annex 1) ----------------------


async def objectives_command(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    """Reviewers set objectives (the objectives dialog); a colleague with nobody to review reads their own,
    rather than being told objective setting is for managers (help promises “set or see objectives”)."""
    router = engine.registry.router
    if argument and argument.lower() not in {"me", "mine", "my"}:
        return await engine.start(person, "objectives", inbound,
                                  subject_id=await router.find_subject(engine, person, argument, "objectives"))
    if not argument and await access.subjects_for(engine.repos, person):
        return await engine.start(person, "objectives", inbound)
    repos = engine.repos
    review = await repos.reviews.current_review(person.id)
    if review is None or review.id is None:
        return [Reply("You don't have a review in this cycle, so there are no objectives to show. If you think you "
                      "should, please ask HR (Policy 1.1).", clause="1.1")]
    await repos.audit.audit(actor_id=person.id, action="read", record_type="review", record_id=review.id,
                     subject_person_id=person.id, channel=inbound.address.channel.value)
    step = await next_step(engine.services, review, as_colleague=True)
    objectives = await repos.forms.objectives(review.id)
    if not objectives:
        return [Reply("No objectives are recorded for you yet: your reviewer records them after your planning "
                      f"meeting (Policy 3.2, 6.3).\nNext: {step.line()}", clause="6.3",
                      choices=_choices_for([step.line()]))]
    lines = ["Your objectives this year (Annex 1):"]
    for o in objectives:
        by = f" (by {o.due_date:%d/%m/%Y})" if o.due_date else ""
        lines.append(f"{o.number}. {o.text}{by}")
        if o.success_criteria:
            lines.append(f"   Success criteria: {o.success_criteria}")
        if o.support_needed:
            lines.append(f"   Support: {o.support_needed}")
    lines.append(f"Next: {step.line()}")
    lines.append("Say export for your whole Planning & Review Form (Policy 10.2).")
    return [Reply("\n".join(lines), clause="6.2", choices=_choices_for([step.line()]))]

"""The meeting agenda (Policy 5.5-5.7), filled in from both preparations and last cycle's record.

Part one (5.5): a reflection on the previous year; progress against the objectives with the
evidence; the development that has taken place and how it helped; how the colleague has shown the
Ways of Being Co-op. Part two (5.6): objectives for the year ahead; areas for development or
improvement; the support, training and development needed. A split meeting (5.7) takes part one
at the first meeting and part two at the second.

``build_agenda`` is pure (facts in, Reply out); ``agenda_for_review`` loads the facts, so the
reminders can send the agenda one working day before a meeting (``deadlines.agenda_date``).
The colleague's answers appear for the reviewer only when the colleague chose to share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.dialogs import lifecycle_guard
from bot.dialogs.base import Dialog, Run, Subject
from bot.dialogs.review.common import ensure_review, is_reviewer, when_label
from bot.messages import Card, Reply
from bot.policy import lifecycle
from bot.policy.lifecycle import StepName
from bot.policy.meetings import meeting_kind_label
from bot.policy.objectives import OUTCOME_LABELS
from bot.services import DEFAULT_ZONE, Services
from store.models import Meeting
from store.repos.values import PersonContext
from store.unit import Repositories

CLAUSE = "5.5"


@dataclass(frozen=True)
class AgendaFacts:
    colleague: str
    reviewer: str
    meeting_kind: str | None = None  # planning | mid_year | end_of_year | one_to_one | split_second_half
    meeting_at: datetime | None = None
    location: str = ""
    colleague_answers: dict[str, str] | None = None  # question key -> answer; None when not shared
    reviewer_notes: str = ""
    last_objectives: tuple[tuple[int, str, str, str], ...] = ()  # number, text, outcome, evidence
    objectives: tuple[tuple[int, str, str], ...] = ()  # this cycle: number, text, mid-year comment
    last_training: tuple[tuple[str, str, bool], ...] = ()  # category, description, essential
    manager_input: tuple[tuple[str, str], ...] = ()  # other line manager, their input (4.1)
    prep_answered: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    zone: ZoneInfo = DEFAULT_ZONE  # the trust's time zone (services.zone, from Settings.timezone)


def _answer(facts: AgendaFacts, key: str) -> str:
    if facts.colleague_answers is None:
        return ""
    text = facts.colleague_answers.get(key, "")
    return f"\n    {facts.colleague.split(' ')[0]}: “{text}”" if text else ""


def _part_one(facts: AgendaFacts) -> list[str]:
    """Policy 5.5."""
    lines = ["Part one: looking back (Policy 5.5)",
             "1. A reflection on the previous year" + _answer(facts, "back_02") + _answer(facts, "back_05")]
    progress = "2. Progress against the objectives set, and the evidence of success"
    rows = facts.last_objectives or tuple((n, t, "", "") for n, t, _ in facts.objectives)
    for number, text, outcome, evidence in rows:
        label = OUTCOME_LABELS.get(outcome, "")
        progress += f"\n    Objective {number}: {text}" + (f" — {label}" if label else "") + (
            f" ({evidence})" if evidence else "")
    progress += _answer(facts, "back_01") + _answer(facts, "back_04")
    lines.append(progress)
    development = "3. What development has taken place and how it has helped in the role"
    for category, description, essential in facts.last_training:
        development += f"\n    Planned ({category}): {description}" + (" — essential" if essential else "")
    development += _answer(facts, "back_07") + _answer(facts, "back_08")
    lines.append(development)
    lines.append("4. How the Ways of Being Co-op have been demonstrated (Annex 3)" + _answer(facts, "back_09"))
    return lines


def _part_two(facts: AgendaFacts) -> list[str]:
    """Policy 5.6."""
    return ["Part two: looking ahead (Policy 5.6)",
            "5. Setting objectives for the year ahead: SMART, normally no more than 3 (Policy 6.2, 6.4)"
            + _answer(facts, "ahead_01") + _answer(facts, "ahead_05") + _answer(facts, "ahead_12"),
            "6. Areas for development or improvement" + _answer(facts, "ahead_08") + _answer(facts, "ahead_10"),
            "7. Support, training and development needed (Policy 8.1)" + _answer(facts, "ahead_11")
            + _answer(facts, "ahead_06")]


def build_agenda(facts: AgendaFacts) -> Reply:
    """The agenda as one message (with a card where the channel shows cards)."""
    kind = facts.meeting_kind or "planning"
    title = meeting_kind_label(kind)
    head = [f"Agenda: {title.lower()} — {facts.colleague} with {facts.reviewer}"]
    if facts.meeting_at is not None:
        head.append(f"When: {when_label(facts.meeting_at, facts.zone)}" + (f", {facts.location}" if facts.location else ""))
    else:
        head.append("No meeting booked yet: the reviewer books it with at least 5 days' notice (Policy 5.3).")
    if kind == "mid_year":
        body = ["Mid-year review (Policy 3.2)",
                "1. Progress towards each objective" + "".join(
                    f"\n    Objective {n}: {t}" for n, t, _ in facts.objectives),
                "2. Are all objectives on track? Is the job role going at the level expected? (Policy 6.6)",
                "3. Support, training, evidence and feedback",
                "4. The Ways of Being Co-op (Annex 3)"]
    elif kind == "one_to_one":
        body = ["One-to-one (Policy 3.3)", "1. Wellbeing", "2. Recognition of successes",
                "3. Objectives on track, and the support and development being provided"]
    elif kind == "split_second_half":
        body = _part_two(facts)
    elif kind == "end_of_year":
        body = _part_one(facts)
    else:
        body = _part_one(facts) + _part_two(facts)
    notes = []
    if facts.manager_input:
        notes.append("Input from other line managers (Policy 4.1):" + "".join(
            f"\n    {name}: “{text}”" for name, text in facts.manager_input))
    if facts.reviewer_notes:
        notes.append(f"Reviewer's notes: {facts.reviewer_notes}")
    if facts.colleague_answers is None:
        notes.append(f"{facts.colleague.split(' ')[0]} has answered {facts.prep_answered} preparation question(s) "
                     "and kept them for the meeting.")
    text = "\n".join(head + [""] + body + ([""] + notes if notes else []))
    card = Card(f"Agenda: {title}", facts=(("Colleague", facts.colleague), ("Reviewer", facts.reviewer)) + (
        (("When", when_label(facts.meeting_at, facts.zone)),) if facts.meeting_at else ()), sections=tuple(body + notes))
    return Reply(text, card=card, clause=CLAUSE, meta={"agenda": True})


async def agenda_for_review(repos: Repositories, review_id: int, viewer_id: int, *, meeting: Meeting | None = None,
                            now: datetime | None = None, next_kind: str | None = None,
                            zone: ZoneInfo = DEFAULT_ZONE) -> Reply:
    """Load the facts for a review's next meeting and build its agenda for ``viewer_id``."""
    review = await repos.reviews.review(review_id)
    assert review is not None
    people = await repos.people.people([review.colleague_id, *( [review.reviewer_id] if review.reviewer_id else [])])
    colleague = people[review.colleague_id]
    reviewer = people.get(review.reviewer_id) if review.reviewer_id else None
    if meeting is None:
        upcoming = [m for m in await repos.reviews.meetings_for(review_id) if m.status == "scheduled"
                    and (now is None or m.starts_at >= now)]
        meeting = upcoming[0] if upcoming else None
    answers = await repos.forms.preparation_answers(review_id, "colleague")
    visible = viewer_id == review.colleague_id or review.prep_shared_with_reviewer
    reviewer_notes = [a.answer for a in await repos.forms.preparation_answers(review_id, "reviewer")
                      if a.question_key == "notes" and a.answer]
    if viewer_id == review.colleague_id:
        reviewer_notes = []  # the reviewer's own notes are theirs
    objectives = await repos.forms.objectives(review_id)
    progress = {(p.objective_id, p.stage): p for p in await repos.forms.progress([o.id for o in objectives if o.id])}
    last_objectives: list[tuple[int, str, str, str]] = []
    last_training: list[tuple[str, str, bool]] = []
    earlier = [r for r, c in await repos.reviews.reviews_of(review.colleague_id) if r.id != review_id]
    current_cycle = await repos.reviews.cycle_by_id(review.cycle_id)
    if earlier and current_cycle is not None:
        previous = earlier[-1]
        old = await repos.forms.objectives(previous.id)  # type: ignore[arg-type]
        old_progress = {p.objective_id: p for p in await repos.forms.progress([o.id for o in old if o.id])
                        if p.stage == "end_of_year"}
        last_objectives = [(o.number, o.text, old_progress[o.id].outcome or "" if o.id in old_progress else "",
                            old_progress[o.id].evidence if o.id in old_progress else "") for o in old]
        last_training = [(t.category, t.description, t.essential)
                         for t in await repos.forms.training_needs(previous.id)]  # type: ignore[arg-type]
    inputs = [r for r in await repos.forms.input_requests(review_id) if r.response]
    names = await repos.people.people([r.manager_id for r in inputs])
    facts = AgendaFacts(
        colleague=colleague.name, reviewer=reviewer.name if reviewer else "your reviewer",
        meeting_kind=meeting.kind if meeting else next_kind, meeting_at=meeting.starts_at if meeting else None,
        location=meeting.location if meeting else "",
        colleague_answers={a.question_key: a.answer for a in answers} if visible else None,
        reviewer_notes="; ".join(reviewer_notes),
        last_objectives=tuple(last_objectives),
        objectives=tuple((o.number, o.text, progress[(o.id, "mid_year")].comment if (o.id, "mid_year") in progress
                          else "") for o in objectives),
        last_training=tuple(last_training),
        manager_input=tuple((names[r.manager_id].name if r.manager_id in names else "A line manager", r.response)
                            for r in inputs),
        prep_answered=len(answers), zone=zone)
    return build_agenda(facts)


NEXT_MEETING = {StepName.PLANNING_MEETING: "planning", StepName.MID_YEAR: "mid_year",
                StepName.SIGN_MID_YEAR: "end_of_year", StepName.END_OF_YEAR: "end_of_year"}


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    assert subject is not None
    if subject.id == person.id:
        review = await services.repos.reviews.current_review(person.id)
        if review is None:
            hint = (" For a colleague you review, say “agenda NAME”."
                    if await services.repos.reviews.reviews_by_reviewer(person.id) else " Say status to see why.")
            return "You don't have a review in this cycle yet, so there's no agenda." + hint
        return {"review_id": review.id}
    review = await ensure_review(services, subject)
    if isinstance(review, str):
        return review
    if not (await is_reviewer(services, person, review, subject) or person.id in subject.manager_ids):
        return f"Only {subject.person.name}'s reviewer and line managers can see their agenda (Policy 10.1)."
    return {"review_id": review.id}


async def complete(run: Run) -> list[Reply]:
    review_id = int(run.data["review_id"])
    review = await run.services.repos.reviews.review(review_id)
    next_kind = None
    if review is not None:  # with no meeting booked, the agenda is for the meeting the lifecycle says is next
        step = lifecycle.next_step(await lifecycle_guard.review_state(run.services, review), run.services.clock.now())
        next_kind = NEXT_MEETING.get(step.step) if step is not None else None
    reply = await agenda_for_review(run.services.repos, review_id, run.person.id, now=run.services.clock.now(),
                                    next_kind=next_kind, zone=run.services.zone)
    await run.services.repos.audit.audit(actor_id=run.person.id, action="read", record_type="agenda", record_id=review_id,
                                  subject_person_id=run.subject.id if run.subject else run.person.id,
                                  channel=run.channel.value, actor_identity=run.platform_identity)
    return [reply]


DIALOG = Dialog(
    id="agenda", version=1, title="Meeting agenda", steps=(), complete=complete, prepare=prepare,
    subject=Subject.EITHER, clause=CLAUSE,
    description="The agenda for your next meeting (5.5, 5.6); “agenda NAME” for a colleague you review.",
)

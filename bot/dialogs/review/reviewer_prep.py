"""Reviewer preparation (Policy 4.1, 5.1, Annex 2 §2): “prep NAME”.

The reviewer sees the colleague's answers (when the colleague shared them), last cycle's objectives
and outcomes, and last year's training and support; works through the Annex 2 checklist; and, when
the colleague has other line managers, asks them for input (4.1): an InputRequest row each and a
notice. One of those other managers saying “prep NAME” gives their input instead.
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.review.common import (
    audit_change,
    ensure_review,
    first_name,
    is_reviewer,
    reviewer_refusal,
    subject_of,
)
from bot.messages import PromptKind, Reply
from bot.policy.objectives import OUTCOME_LABELS
from bot.policy.questions import (
    COLLEAGUE_QUESTIONS,
    REVIEWER_AHEAD,
    REVIEWER_BACK,
    REVIEWER_CHECKLIST,
    REVIEWER_READY,
    REVIEWER_SHARE_NOTE,
)
from bot.services import Services
from store.models import InputRequest
from store.repos.values import PersonContext

CLAUSE = "Annex 2"
HEADINGS = {"ready": "Make sure that you are fully prepared for the planning and review meeting, and you:",
            "looking_back": "Looking back at the review period:", "looking_ahead": "Looking ahead to next year:"}


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    assert subject is not None
    repos = services.repos
    review = await ensure_review(services, subject)
    if isinstance(review, str):
        return review
    assert review.id is not None
    requests = await repos.forms.input_requests(review.id)
    if not await is_reviewer(services, person, review, subject):
        mine = [r for r in requests if r.manager_id == person.id]
        if mine:
            reviewer = await repos.people.person(review.reviewer_id) if review.reviewer_id else None
            return {"mode": "input", "review_id": review.id, "request_id": mine[-1].id,
                    "reviewer": reviewer.name if reviewer else "The reviewer", "earlier": mine[-1].response}
        refusal = await reviewer_refusal(services, person, review, subject, "the reviewer's preparation")
        return refusal or "Only the reviewer prepares with this checklist (Annex 2)."
    others = [m for m in subject.manager_ids if m not in (person.id, review.reviewer_id)]
    names = await repos.people.people(others)
    lines = [f"Preparing for your meeting with {subject.person.name} (Annex 2). {REVIEWER_SHARE_NOTE}"]
    answers = await repos.forms.preparation_answers(review.id, "colleague")
    if review.prep_shared_with_reviewer and answers:
        lines.append(f"{first_name(subject.person)}'s preparation, shared with you:")
        by_key = {a.question_key: a.answer for a in answers}
        lines += [f"• {q.text} — {by_key[q.key]}" for q in COLLEAGUE_QUESTIONS if by_key.get(q.key)]
    elif answers:
        lines.append(f"{first_name(subject.person)} has answered {len(answers)} of {len(COLLEAGUE_QUESTIONS)} "
                     "preparation questions and is keeping them for the meeting.")
    else:
        lines.append(f"{first_name(subject.person)} hasn't started preparing yet (Policy 5.8: if they arrive "
                     "unprepared you may move the meeting).")
    earlier = [r for r, _ in await repos.reviews.reviews_of(subject.id) if r.id != review.id]
    if earlier:
        previous = earlier[-1]
        old = await repos.forms.objectives(previous.id)  # type: ignore[arg-type]
        outcomes = {p.objective_id: p for p in await repos.forms.progress([o.id for o in old if o.id])
                    if p.stage == "end_of_year"}
        if old:
            lines.append("Last cycle's objectives and outcomes:")
            for o in old:
                p = outcomes.get(o.id)  # type: ignore[arg-type]
                outcome = OUTCOME_LABELS.get(p.outcome or "", "no outcome recorded") if p else "no outcome recorded"
                lines.append(f"• {o.number}. {o.text} — {outcome}" + (f" ({p.evidence})" if p and p.evidence else ""))
        training = await repos.forms.training_needs(previous.id)  # type: ignore[arg-type]
        if training:
            lines.append("Training and support planned last year (Policy 8.1):")
            lines += [f"• ({t.category}) {t.description}" + (" — essential" if t.essential else "")
                      + (", funded" if t.funded else "") for t in training]
    else:
        lines.append("There's no earlier cycle on record for them.")
    pending = {r.manager_id for r in requests}
    return {"mode": "review", "review_id": review.id, "intro": "\n".join(lines),
            "others": [[pid, names[pid].name] for pid in others if pid in names and pid not in pending],
            "has_others": bool(others)}


def _intro(ctx: Ctx) -> str:
    if ctx.data.get("mode") == "input":
        name = ctx.subject.person.name if ctx.subject else "your colleague"
        return (f"{ctx.data['reviewer']} is {name}'s reviewer and has asked for your input as another of their "
                "line managers (Policy 4.1).")
    return str(ctx.data.get("intro", ""))


def _reviewer(ctx: Ctx) -> bool:
    return ctx.data.get("mode") == "review"


def _checklist_step(key: str, text: str, section: str, first: bool) -> Step:
    def prompt(ctx: Ctx) -> str:
        head = f"{HEADINGS[section]}\n" if first else ""
        return f"{head}• {text}\nDone?"
    when = _reviewer
    if key == REVIEWER_BACK[3].key:  # "if not the direct/only line manager, seek input ..."
        def when(ctx: Ctx) -> bool:
            return _reviewer(ctx) and bool(ctx.data.get("has_others"))
    return Step(key, prompt, PromptKind.YES_NO, when=when, clause=CLAUSE, label=text, group=f"check_{section}")


STEPS: tuple[Step, ...] = tuple(
    _checklist_step(q.key, q.text, q.section, i == 0)
    for block in (REVIEWER_READY, REVIEWER_BACK, REVIEWER_AHEAD) for i, q in enumerate(block)
) + (
    Step("request_input", lambda ctx: "Ask " + " and ".join(n for _, n in ctx.data.get("others", [])) +
         f" for input on {ctx.subject.person.name if ctx.subject else 'them'}'s performance in the review period "
         "and priorities for the next cycle (Policy 4.1)?", PromptKind.YES_NO, clause="4.1",
         when=lambda ctx: _reviewer(ctx) and bool(ctx.data.get("others"))),
    Step("notes", "Your notes for the meeting: priorities for the next cycle, possible objectives, any team or whole "
         "academy objectives to include.", PromptKind.LONG_TEXT, optional=True, when=_reviewer, clause=CLAUSE,
         label="Notes for the meeting"),
    Step("input", lambda ctx: f"Your input on {ctx.subject.person.name if ctx.subject else 'their'}'s performance in "
         "the review period, and priorities for the next cycle:" + (
             f" (You wrote before: “{ctx.data['earlier']}”.)" if ctx.data.get("earlier") else ""),
         PromptKind.LONG_TEXT, when=lambda ctx: ctx.data.get("mode") == "input", clause="4.1",
         label="Your input (Policy 4.1)"),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    subject = subject_of(run)
    review_id = int(run.data["review_id"])
    if run.data.get("mode") == "input":
        requests = {r.id: r for r in await repos.forms.input_requests(review_id)}
        request = requests[int(run.data["request_id"])]
        request.response, request.responded_at = run.answers["input"], services.clock.now()
        await repos.forms.save_input_request(InputRequest.model_validate(request))
        await audit_change(run, "input_request", request.id, subject.id, {"responded": True})
        review = await repos.reviews.review(review_id)
        if review is not None and review.reviewer_id:
            await services.notifier.notify(
                review.reviewer_id, f"Input from {run.person.person.name}",
                f"{run.person.person.name} has given their input for {subject.person.name}'s review (Policy 4.1). "
                f"It's on the agenda: say “agenda {first_name(subject.person)}”.", kind="reviewer_prep",
                clause="4.1", dedupe_key=f"input-given:{request.id}:{run.session_id}", review_id=review_id,
                action="agenda", subject_person_id=subject.id)
        return [Reply(f"Thank you: your input is with {run.data['reviewer']} and on the meeting agenda (Policy 4.1).",
                      clause="4.1")]
    triples = [(q.key, q.text, "yes" if run.answers.get(q.key) else "no")
               for q in REVIEWER_CHECKLIST if q.key in run.answers and run.answers[q.key] is not None]
    if run.get("notes"):
        triples.append(("notes", "Notes for the meeting", str(run.get("notes"))))
    await repos.forms.save_preparation(review_id, run.person.id, "reviewer", triples)
    asked: list[str] = []
    if run.get("request_input"):
        for manager_id, name in run.data.get("others", []):
            request = await repos.forms.save_input_request(InputRequest(review_id=review_id, manager_id=manager_id,
                                                   requested_at=services.clock.now()))
            await services.notifier.notify(
                manager_id, f"Input requested for {subject.person.name}'s review",
                f"{run.person.person.name} is {subject.person.name}'s reviewer and would like your input on their "
                "performance in the review period and priorities for the next cycle, as another of their line "
                f"managers (Policy 4.1). Say “prep {first_name(subject.person)}” to give it.",
                kind="reviewer_prep", clause="4.1", dedupe_key=f"input-request:{request.id}", review_id=review_id,
                action="prep", subject_person_id=subject.id)
            asked.append(name)
    await audit_change(run, "preparation", review_id, subject.id,
                       {"side": "reviewer", "checked": sum(1 for _, _, a in triples if a == "yes"),
                        "input_requested_from": asked})
    not_done = [q.text for q in REVIEWER_CHECKLIST if run.answers.get(q.key) is False]
    todo = (" Still to do: " + "; ".join(t.rstrip(";.") for t in not_done) + ".") if not_done else ""
    ask = f" I've asked {' and '.join(asked)} for their input (Policy 4.1)." if asked else ""
    return [Reply(f"Your preparation for {subject.person.name}'s meeting is saved.{ask}{todo} Say “agenda "
                  f"{first_name(subject.person)}” for the agenda (Policy 5.5-5.6).", clause="5.1")]


DIALOG = Dialog(
    id="reviewer_prep", version=1, title="Reviewer preparation", steps=STEPS, complete=complete, prepare=prepare,
    subject=Subject.REPORT, intro=_intro, clause=CLAUSE,
    description="The Annex 2 reviewer's checklist, with the colleague's shared answers and last cycle's record.",
)

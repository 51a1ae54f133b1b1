"""Colleague preparation (Policy 5.1-5.2, Annex 2 §1): the 11 looking-back and 12 looking-ahead
questions, in order, every one optional, then whether the reviewer may read the answers first.

The answers live in the dialog state after every reply (so a restart or a switch of channel
resumes at the same question) and are written to the preparation record when the colleague
finishes. Running it again shows the earlier answer; skip keeps it.
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.base import Ctx, Dialog, Run, Step
from bot.dialogs.review.common import audit_change, ensure_review, first_name
from bot.messages import Choice, PromptKind, Reply
from bot.policy.questions import COLLEAGUE_INTRO, COLLEAGUE_QUESTIONS, SECTION_TITLES, Question
from bot.services import Services
from store.models import Review
from store.repos.values import PersonContext

CLAUSE = "Annex 2"
SHARE_CHOICES = (Choice("yes", "Yes, share them before the meeting", "primary"),
                 Choice("no", "No, keep them for the meeting"))


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    review = await ensure_review(services, person, own=True)
    if isinstance(review, str):
        return review
    earlier = await services.repos.forms.preparation_answers(review.id, "colleague")  # type: ignore[arg-type]
    return {"review_id": review.id, "earlier": {a.question_key: a.answer for a in earlier if a.answer}}


def _prompt(q: Question, index: int):  # noqa: ANN202 - a prompt callable
    def text(ctx: Ctx) -> str:
        lines = []
        if index == 0 or COLLEAGUE_QUESTIONS[index - 1].section != q.section:
            lines.append(f"{SECTION_TITLES[q.section]}:")
        lines.append(q.text)
        earlier = ctx.data.get("earlier", {}).get(q.key)
        if earlier:
            lines.append(f"(Last time you wrote: “{earlier}”. Say skip to keep it.)")
        return "\n".join(lines)
    return text


STEPS: tuple[Step, ...] = tuple(
    Step(q.key, _prompt(q, i), PromptKind.LONG_TEXT, optional=True, clause=CLAUSE, label=q.text,
         help="These questions help you prepare; answer as many as you like, and skip the rest. "
              "It's a good idea to make some notes!")
    for i, q in enumerate(COLLEAGUE_QUESTIONS)
) + (
    Step("share", "Thank you. Would you like your reviewer to see these answers before the meeting? "
         "(Sharing in advance helps an informed discussion, Annex 2.)", PromptKind.CHOICE, SHARE_CHOICES,
         clause=CLAUSE, label="Share with your reviewer before the meeting"),
)


def _progress(ctx: Ctx, step: Step) -> str:
    """“question 4 of 23”, as status counts them; the sharing choice at the end is the last step."""
    keys = [q.key for q in COLLEAGUE_QUESTIONS]
    return f"question {keys.index(step.key) + 1} of {len(keys)}" if step.key in keys else "last step"


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    review_id = int(run.data["review_id"])
    triples = [(q.key, q.text, str(run.answers[q.key])) for q in COLLEAGUE_QUESTIONS if run.answers.get(q.key)]
    await repos.forms.save_preparation(review_id, run.person.id, "colleague", triples)
    review = await repos.reviews.review(review_id)
    assert review is not None
    shared = run.get("share") == "yes"
    review.prep_shared_with_reviewer = shared
    await repos.reviews.save_review(Review.model_validate(review))
    await audit_change(run, "preparation", review_id, run.person.id,
                       {"answered": [k for k, _, _ in triples], "shared_with_reviewer": shared})
    answered = len(await repos.forms.preparation_answers(review_id, "colleague"))
    told = ""
    if shared and review.reviewer_id:
        name = run.person.person.name
        await run.services.notifier.notify(
            review.reviewer_id, f"{name} has shared their preparation",
            f"{name} has answered {answered} of {len(COLLEAGUE_QUESTIONS)} preparation questions and shared them "
            f"with you before your meeting (Annex 2). Say “prep {first_name(run.person.person)}” to read them "
            "with your own checklist.",
            kind="reviewer_prep", clause="5.1", dedupe_key=f"prep-shared:{review_id}:{answered}:{run.session_id}",
            review_id=review_id, action="prep", subject_person_id=run.person.id)
        told = " Your reviewer can read them before the meeting."
    else:
        told = " They stay with you until the meeting."
    return [Reply(f"Your preparation is saved: {answered} of {len(COLLEAGUE_QUESTIONS)} questions answered.{told} "
                  "You can say prep again at any time to add to it. Next: say agenda to see what the meeting "
                  "will cover (Policy 5.5-5.6).", clause="5.1",
                  choices=(Choice("agenda", "See the agenda"), Choice("status", "Where am I?")))]


DIALOG = Dialog(
    id="colleague_prep", version=1, title="Preparation for your planning & review meeting", steps=STEPS,
    complete=complete, prepare=prepare, clause=CLAUSE, progress=_progress,
    intro=COLLEAGUE_INTRO + " Every question is optional: answer what helps you, skip the rest, and say pause "
                            "to come back later.",
    description="The Annex 2 questions: 11 looking back, 12 looking ahead. All optional.",
)

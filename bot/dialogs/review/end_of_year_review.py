"""End of year review (Annex 1; Policy 7.1-7.2, 8.1-8.5).

Per objective: Met / Partially Met / Not Met, with the evidence and any factors that affected
performance (7.1: good progress on a challenging objective counts). Then whether the colleague is
performing to the level expected, notes of the dialogue, the four Ways of Being Co-op reflections,
reviewee and reviewer comments, and training and development needs by category (8.1 a, b, c), each
category with an "essential" flag (8.4). Saving signs as reviewer; the colleague is asked to sign.
"""

from __future__ import annotations

import re
from typing import Any

from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.review.common import now_utc, reviewer_confirm_step
from bot.dialogs.review.midyear_review import objectives_for
from bot.dialogs.review.objectives import coop_key
from bot.dialogs.review.signoff import meeting_record, save_signed_by_reviewer
from bot.messages import Choice, PromptKind, Reply
from bot.policy.lifecycle import StepName
from bot.policy.objectives import (
    OUTCOME_LABELS,
    OUTCOMES,
    TRAINING_CATEGORIES,
    WAYS_OF_BEING_COOP,
    WAYS_OF_BEING_COOP_DESCRIPTIONS,
)
from bot.policy.questions import (
    COMMENTS_HERE,
    COOP_GUIDANCE,
    DIALOGUE,
    EOY_EVIDENCE,
    PERFORMING_EXPECTED,
    REVIEWER_COMMENTS,
)
from bot.services import Services
from store.models import ObjectiveProgress, TrainingNeed
from store.repos.values import PersonContext

CLAUSE = "7.1"
OUTCOME_CHOICES = tuple(Choice(o, OUTCOME_LABELS[o]) for o in OUTCOMES)


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    assert subject is not None
    return await objectives_for(services, person, subject, "the end of year review", StepName.END_OF_YEAR)


def _needs(text: str | None) -> list[str]:
    return [line.strip().lstrip("-•* ").strip() for line in re.split(r"[;\n]", text or "") if line.strip(" -•*")]


def steps(ctx: Ctx) -> list[Step]:
    out: list[Step] = []
    for oid, number, text in ctx.data.get("objectives", []):
        out.append(Step(f"outcome_{oid}", f"Objective {number}: {text}\nOutcome: Met, Partially Met or Not Met?",
                        PromptKind.CHOICE, OUTCOME_CHOICES, clause="7.1", label=f"Objective {number}: outcome",
                        group=f"objective_{oid}",
                        help="Assess against the success criteria; good progress on a challenging objective "
                             "counts (Policy 7.1)."))
        out.append(Step(f"evidence_{oid}", f"Objective {number}: {EOY_EVIDENCE}.", PromptKind.LONG_TEXT,
                        clause="7.1", label=f"Objective {number}: evidence and factors", group=f"objective_{oid}"))
    out += [
        Step("performing", PERFORMING_EXPECTED, PromptKind.YES_NO, clause="6.6", label=PERFORMING_EXPECTED,
             group="overall"),
        Step("comments", COMMENTS_HERE, PromptKind.LONG_TEXT, optional=True, label="Comments", group="overall"),
        Step("dialogue", DIALOGUE, PromptKind.LONG_TEXT, clause="7.2", label="Professional dialogue", group="overall"),
    ]
    for way in WAYS_OF_BEING_COOP:
        out.append(Step(coop_key(way), f"Ways of Being Co-op — {way}: {WAYS_OF_BEING_COOP_DESCRIPTIONS[way]} "
                        f"{COOP_GUIDANCE}.", PromptKind.LONG_TEXT, optional=True, clause="6.8",
                        label=f"Ways of Being Co-op: {way}", group="coop"))
    out += [
        Step("reviewer_comments", REVIEWER_COMMENTS.replace(" (optional)", ":"), PromptKind.LONG_TEXT, optional=True, label=REVIEWER_COMMENTS,
             group="comments"),
    ]
    for cat, description in TRAINING_CATEGORIES.items():
        out.append(Step(f"training_{cat}", f"Training and development needs ({cat}) — {description}. One a line, or "
                        "separated by “;” (Policy 8.1).", PromptKind.LONG_TEXT, optional=True, clause="8.1",
                        label=f"Training ({cat}): {description}", max_length=2000))
        out.append(Step(f"essential_{cat}", f"Is the ({cat}) training essential, so that the Headteacher considers "
                        "funding it (Policy 8.4)?", PromptKind.YES_NO, clause="8.4",
                        when=lambda ctx, cat=cat: bool(ctx.answers.get(f"training_{cat}")),
                        label=f"Training ({cat}) essential"))
    out.append(reviewer_confirm_step("the end of year review", lambda ctx: out, "Annex 1"))
    return out


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    subject, review = await meeting_record(run, StepName.END_OF_YEAR)
    assert review.id is not None
    await repos.forms.set_progress([ObjectiveProgress(objective_id=oid, stage="end_of_year", outcome=run.answers[f"outcome_{oid}"],
                                               evidence=run.answers[f"evidence_{oid}"], recorded_by_id=run.person.id)
                             for oid, _, _ in run.data["objectives"]])
    await repos.forms.set_coop_reflections(review.id, "end_of_year",
                                    {way: run.get(coop_key(way), "") for way in WAYS_OF_BEING_COOP})
    needs = [TrainingNeed(review_id=review.id, category=cat, description=line[:1000],
                          essential=bool(run.get(f"essential_{cat}", False)))
             for cat in TRAINING_CATEGORIES for line in _needs(run.get(f"training_{cat}"))]
    await repos.forms.set_training_needs(review.id, needs)
    review.eoy_performing_expected = bool(run.answers["performing"])
    review.eoy_comments = run.get("comments", "")
    review.eoy_dialogue = run.answers["dialogue"]
    review.eoy_reviewer_comments = run.get("reviewer_comments", "")
    review.eoy_submitted_at = now_utc(run.services)
    outcomes = {n: run.answers[f"outcome_{oid}"] for oid, n, _ in run.data["objectives"]}
    await save_signed_by_reviewer(run, review, "end_of_year", "end_of_year_review", {
        "outcomes": outcomes, "performing": review.eoy_performing_expected, "training_needs": len(needs)})
    essential = sum(1 for n in needs if n.essential)
    training = f" {len(needs)} training need(s) recorded, {essential} essential (Policy 8.1, 8.4)." if needs else ""
    return [Reply(f"Saved the end of year review for {subject.person.name} and signed it as reviewer.{training} "
                  f"I've asked {subject.person.name.split(' ')[0]} to read and sign; once you've both signed, the "
                  "report is delivered and the 10 days of Policy 9.1 begin.", clause="7.1")]


DIALOG = Dialog(
    id="end_of_year_review", version=1, title="End of year review", steps=steps, complete=complete,
    prepare=prepare, subject=Subject.REPORT, clause=CLAUSE,
    description="Met / Partially Met / Not Met with evidence, Ways of Being Co-op, training needs (7.1, 8.1).",
)

"""Mid-year interim review (Annex 1; Policy 3.2 Meeting 2, in the Spring term).

A comment on each objective, whether all are on track (YES/NO), whether the colleague is performing
their job role to the level expected (YES/NO, 6.6), the notes of the professional dialogue, the Ways
of Being Co-op dialogue and the reviewee's optional comments. Saving signs as reviewer; the colleague
is asked to sign (signoff).
"""

from __future__ import annotations

from typing import Any

from bot.dialogs import lifecycle_guard
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.review.common import (
    ensure_review,
    first_name,
    now_utc,
    reviewer_confirm_step,
    reviewer_refusal,
)
from bot.dialogs.review.signoff import meeting_record, save_signed_by_reviewer
from bot.messages import PromptKind, Reply
from bot.policy.lifecycle import StepName
from bot.policy.questions import (
    COMMENTS_HERE,
    DIALOGUE,
    MIDYEAR_COOP_DIALOGUE,
    MIDYEAR_GUIDANCE,
    MIDYEAR_ON_TRACK,
    PERFORMING_EXPECTED,
)
from bot.services import Services
from store.models import ObjectiveProgress
from store.repos.values import PersonContext

CLAUSE = "3.2"


async def objectives_for(services: Services, person: PersonContext, subject: PersonContext,
                         what: str, step: StepName) -> dict[str, Any] | str:
    review = await ensure_review(services, subject)
    if isinstance(review, str):
        return review
    refusal = await reviewer_refusal(services, person, review, subject, what)
    if refusal:
        return refusal
    refusal = await lifecycle_guard.refusal(services, review, subject.person, step)  # 3.2, before it starts
    if refusal:
        return refusal
    objectives = await services.repos.forms.objectives(review.id)  # type: ignore[arg-type]
    if not objectives:
        return (f"{subject.person.name} has no objectives recorded yet, so there's nothing to review. Set them "
                f"first: say “objectives {first_name(subject.person)}” (Policy 6.3).")
    return {"review_id": review.id, "objectives": [[o.id, o.number, o.text] for o in objectives]}


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    assert subject is not None
    return await objectives_for(services, person, subject, "the mid-year review", StepName.MID_YEAR)


def steps(ctx: Ctx) -> list[Step]:
    out = [Step(f"comment_{oid}", f"{MIDYEAR_GUIDANCE}\nObjective {number}: {text}\nComment:", PromptKind.LONG_TEXT,
                clause=CLAUSE, label=f"Objective {number}: comment", group="progress")
           for oid, number, text in ctx.data.get("objectives", [])]
    out += [
        Step("on_track", MIDYEAR_ON_TRACK, PromptKind.YES_NO, clause="7.2", label=MIDYEAR_ON_TRACK, group="overall"),
        Step("performing", PERFORMING_EXPECTED, PromptKind.YES_NO, clause="6.6", label=PERFORMING_EXPECTED,
             group="overall"),
        Step("comments", COMMENTS_HERE, PromptKind.LONG_TEXT, optional=True, label="Comments", group="overall"),
        Step("dialogue", DIALOGUE, PromptKind.LONG_TEXT, clause="7.2", label="Professional dialogue",
             group="notes"),
        Step("coop_dialogue", MIDYEAR_COOP_DIALOGUE, PromptKind.LONG_TEXT, optional=True, clause="6.8",
             label="Ways of Being Co-op dialogue", group="notes"),
    ]
    out.append(reviewer_confirm_step("the mid-year review", lambda ctx: out, "Annex 1"))
    return out


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    subject, review = await meeting_record(run, StepName.MID_YEAR)
    await repos.forms.set_progress([ObjectiveProgress(objective_id=oid, stage="mid_year", comment=run.answers[f"comment_{oid}"],
                                               recorded_by_id=run.person.id)
                             for oid, _, _ in run.data["objectives"]])
    review.midyear_all_on_track = bool(run.answers["on_track"])
    review.midyear_performing_expected = bool(run.answers["performing"])
    review.midyear_comments = run.get("comments", "")
    review.midyear_dialogue = run.answers["dialogue"]
    review.midyear_coop_dialogue = run.get("coop_dialogue", "")
    review.midyear_submitted_at = now_utc(run.services)
    review = await save_signed_by_reviewer(run, review, "mid_year", "midyear_review", {
        "on_track": review.midyear_all_on_track, "performing": review.midyear_performing_expected})
    concern = ("" if review.midyear_all_on_track and review.midyear_performing_expected else
               " Where things are off track, agree the support now; if there are concerns about performance, "
               "say plan for a support plan (Policy 7.4, Annex 4).")
    return [Reply(f"Saved the mid-year review for {subject.person.name} and signed it as reviewer. I've asked "
                  f"{first_name(subject.person)} to read and sign it (Annex 1).{concern}", clause="Annex 1")]


DIALOG = Dialog(
    id="midyear_review", version=1, title="Mid-year review", steps=steps, complete=complete, prepare=prepare,
    subject=Subject.REPORT, clause=CLAUSE,
    description="Record Meeting 2: progress on each objective, on track, performing as expected, notes.",
)

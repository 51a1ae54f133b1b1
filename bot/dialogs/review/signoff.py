"""Sign-off (Annex 1): the reviewee and the reviewer each sign the planning, mid-year and end-of-year
parts of the Planning & Review Form.

“signoff” signs your own form as reviewee; “signoff NAME” signs a colleague's as their reviewer.
Each signature records who, when, on which channel and with which platform identity. When both have
signed the planning part the objectives are agreed; when both have signed the end-of-year part the
report is delivered: the 10 days of Policy 9.1 start, and the form is kept until the date of 10.3.
"""

from __future__ import annotations

from typing import Any

from bot.dialogs import lifecycle_guard
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.errors import Refusal
from bot.dialogs.review.common import audit_change, ensure_review, first_name, is_reviewer, reviewer_refusal
from bot.messages import Choice, PromptKind, Reply
from bot.policy import lifecycle
from bot.policy.deadlines import POLICY_VERSION, informal_resolution_deadline, retain_until
from bot.policy.objectives import OUTCOME_LABELS
from bot.policy.questions import NOTES_SIGN, PLANNING_SIGN, REVIEWEE_COMMENTS
from bot.services import Services
from store.models import Review, ReviewStage, Signature
from store.repos.values import PersonContext
from store.unit import Repositories

PARTS = ("planning", "mid_year", "end_of_year")
PART_LABELS = {"planning": "Objectives (planning)", "mid_year": "Mid-year interim review",
               "end_of_year": "End of year review"}
PART_STAGE = {"planning": ReviewStage.OBJECTIVES_AGREED, "mid_year": ReviewStage.MID_YEAR_DONE,
              "end_of_year": ReviewStage.END_OF_YEAR_DONE}
SUBMITTED = {"planning": "planning_submitted_at", "mid_year": "midyear_submitted_at",
             "end_of_year": "eoy_submitted_at"}


async def part_text(repos: Repositories, review: Review, part: str) -> str:
    """What is being signed, as the person reads it before signing."""
    objectives = await repos.forms.objectives(review.id)  # type: ignore[arg-type]
    progress = {(p.objective_id, p.stage): p for p in await repos.forms.progress([o.id for o in objectives if o.id])}
    yes_no = {True: "YES", False: "NO", None: "not answered"}
    lines: list[str] = []
    if part == "planning":
        for o in objectives:
            due = f" (by {o.due_date:%d/%m/%Y})" if o.due_date else ""
            lines.append(f"Objective {o.number}: {o.text}{due}\n   Success criteria: {o.success_criteria}")
            if o.support_needed:
                lines.append(f"   Support: {o.support_needed}")
            if o.smart_gaps:  # 6.2-6.3: the colleague sees what the reviewer was told looks missing
                lines.append(f"   SMART check: may not yet be {', '.join(g.lower() for g in o.smart_gaps)}; talk "
                             "to your reviewer before signing if that matters to you (Policy 6.2, 6.3)")
        if review.professional_development:
            lines.append(f"Professional & career development: {review.professional_development}")
        if review.other_information:
            lines.append(f"Other information: {review.other_information}")
    elif part == "mid_year":
        for o in objectives:
            p = progress.get((o.id, "mid_year"))
            lines.append(f"{o.number}. {o.text}: {p.comment if p else '(no comment)'}")
        lines.append(f"All objectives on track: {yes_no[review.midyear_all_on_track]}")
        lines.append(f"Performing to the level expected: {yes_no[review.midyear_performing_expected]}")
        if review.midyear_dialogue:
            lines.append(f"Notes: {review.midyear_dialogue}")
    else:
        for o in objectives:
            p = progress.get((o.id, "end_of_year"))
            outcome = OUTCOME_LABELS.get(p.outcome or "", "no outcome") if p else "no outcome"
            lines.append(f"{o.number}. {o.text}: {outcome}" + (f" — {p.evidence}" if p and p.evidence else ""))
        lines.append(f"Performing to the level expected: {yes_no[review.eoy_performing_expected]}")
        if review.eoy_dialogue:
            lines.append(f"Notes: {review.eoy_dialogue}")
    return "\n".join(lines)


async def unsigned_parts(repos: Repositories, review: Review, role: str) -> list[str]:
    signed = {(s.part, s.role) for s in await repos.forms.signatures("review", review.id)}  # type: ignore[arg-type]
    return [p for p in PARTS if getattr(review, SUBMITTED[p]) is not None and (p, role) not in signed]


async def _waiting_for(services: Services, person: PersonContext) -> list[str]:
    """Colleagues whose forms wait for this person's signature as reviewer."""
    names = []
    for review in await services.repos.reviews.reviews_by_reviewer(person.id):
        if await unsigned_parts(services.repos, review, "reviewer"):
            colleague = await services.repos.people.person(review.colleague_id)
            if colleague:
                names.append(colleague.name)
    return names


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    assert subject is not None
    repos = services.repos
    role = "reviewee" if subject.id == person.id else "reviewer"
    if role == "reviewee":
        review = await repos.reviews.current_review(person.id)
    else:
        review = await ensure_review(services, subject)
        if isinstance(review, str):
            return review
        refusal = await reviewer_refusal(services, person, review, subject, "signing as reviewer")
        if refusal:
            return refusal
    parts = await unsigned_parts(repos, review, role) if review is not None else []
    if not parts:
        lead = (f"There's nothing of {subject.person.name}'s waiting for your signature." if role == "reviewer"
                else "There's nothing on your form waiting for your signature.")
        waiting = await _waiting_for(services, person) if role == "reviewee" else []
        if waiting:
            lead += (" As reviewer, these colleagues' forms wait for you: " + ", ".join(waiting) +
                     f". Say “signoff {waiting[0].split(' ')[0]}” to sign.")
        return lead + " Say status to see what comes next (Annex 1)."
    assert review is not None
    return {"review_id": review.id, "role": role, "parts": parts,
            "texts": {p: await part_text(repos, review, p) for p in parts}}


def _what(ctx: Ctx) -> str:
    part = _part(ctx)
    whose = "your" if ctx.data["role"] == "reviewee" else f"{ctx.subject.person.name}'s" if ctx.subject else "the"
    return f"{PART_LABELS[part]} on {whose} Planning & Review Form:\n{ctx.data['texts'][part]}"


def _asks_comments(ctx: Ctx) -> bool:
    return ctx.data.get("role") == "reviewee" and _part(ctx) in ("mid_year", "end_of_year")


def _sign_prompt(ctx: Ctx) -> str:
    part = _part(ctx)
    sentence = PLANNING_SIGN if part == "planning" else NOTES_SIGN
    shown = "" if _asks_comments(ctx) else f"{_what(ctx)}\n\n"
    return (f"{shown}{sentence} Say confirm to sign as {ctx.data['role']}. If you don't agree, say cancel and talk "
            "it through first (Policy 6.3, 7.2).")


def _part(ctx: Ctx) -> str:
    return str(ctx.answers.get("part") or ctx.data["parts"][0])


STEPS = (
    Step("part", "Which part would you like to sign?", PromptKind.CHOICE,
         lambda ctx: tuple(Choice(p, PART_LABELS[p]) for p in ctx.data["parts"]),
         when=lambda ctx: len(ctx.data.get("parts", [])) > 1),
    Step("comments", lambda ctx: f"{_what(ctx)}\n\n{REVIEWEE_COMMENTS}: anything you'd like added in your own "
         "words before you sign (Policy 7.2)?", PromptKind.LONG_TEXT, optional=True, clause="7.2",
         label=REVIEWEE_COMMENTS, when=_asks_comments),
    Step("sign", _sign_prompt, PromptKind.CONFIRM, (Choice("confirm", "Sign", "primary"), Choice("change", "Go back")),
         clause="Annex 1"),
)


async def meeting_record(run: Run, step: lifecycle.StepName) -> tuple[PersonContext, Review]:
    """(the colleague, their review) that a reviewer's meeting record (mid-year, end of year) writes to,
    once the lifecycle allows ``step`` now: checked before anything is saved."""
    assert run.subject is not None
    review = await run.services.repos.reviews.review(int(run.data["review_id"]))
    assert review is not None and review.id is not None
    await lifecycle_guard.require(run.services, review, run.subject.person, step)
    return run.subject, review


async def save_signed_by_reviewer(run: Run, review: Review, part: str, record_type: str,
                                  detail: dict[str, Any]) -> Review:
    """Save a meeting record as the policy now reads (its version stamped), drop the signatures of an earlier
    version of this part (it has changed, so both sign again), audit it, and sign it as reviewer; the
    colleague is asked to sign (Annex 1)."""
    repos, subject = run.services.repos, run.subject
    assert subject is not None
    review.policy_version = POLICY_VERSION
    review = await repos.reviews.save_review(Review.model_validate(review))
    await repos.forms.clear_signatures("review", review.id, part)  # type: ignore[arg-type]
    await audit_change(run, record_type, review.id, subject.id, detail)
    await record_signature(run, review, part, "reviewer", notify_other=True)
    return review


async def record_signature(run: Run, review: Review, part: str, role: str, *, notify_other: bool = False) -> bool:
    """Sign one part; move the review on when both have signed. True when both have now signed."""
    services, repos = run.services, run.services.repos
    assert review.id is not None
    added = await repos.forms.add_signature(Signature(subject_type="review", subject_id=review.id, part=part, role=role,
                                               person_id=run.person.id, signed_at=services.clock.now(),
                                               channel=run.channel.value, platform_identity=run.platform_identity))
    if added:
        await audit_change(run, "signature", review.id, review.colleague_id, {"part": part, "role": role})
    roles = {s.role for s in await repos.forms.signatures("review", review.id) if s.part == part}
    both = {"reviewee", "reviewer"} <= roles
    fresh = await repos.reviews.review(review.id)
    assert fresh is not None
    if both:
        if PARTS.index(part) >= _stage_index(fresh.stage):
            fresh.stage = PART_STAGE[part]
        if part == "end_of_year" and fresh.report_delivered_on is None:
            fresh.report_delivered_on = services.clock.today()  # 9.1: the 10 days start
            cycle = await repos.reviews.cycle_by_id(fresh.cycle_id)
            if cycle is not None:
                fresh.retain_until = retain_until(cycle.year)  # 10.3
        await repos.reviews.save_review(Review.model_validate(fresh))
        await audit_change(run, "review", review.id, review.colleague_id, {"stage": fresh.stage, "signed": part})
        if services.documents is not None:  # 10.2: the reviewee's own copy, queued once per part
            await services.documents.send_copy_after_signoff(review.id)
        if part == "end_of_year":
            due = informal_resolution_deadline(fresh.report_delivered_on)  # type: ignore[arg-type]
            await services.notifier.notify(
                fresh.colleague_id, "Your Planning & Review report is complete",
                "Your end of year review is signed by you both, and your report is final. If you're unhappy with "
                f"it, talk to your reviewer by {due.due:%A %d %B %Y} (Policy 9.1); say appeal if that doesn't "
                "resolve it. Say export for a copy (Policy 10.2).", kind="form_completion", clause="9.1",
                dedupe_key=f"report-delivered:{review.id}", review_id=review.id, action="export",
                subject_person_id=fresh.colleague_id)
    elif notify_other:
        other_role = "reviewer" if role == "reviewee" else "reviewee"
        other = fresh.reviewer_id if other_role == "reviewer" else fresh.colleague_id
        if other is not None:
            colleague = await repos.people.person(fresh.colleague_id)
            what = PART_LABELS[part].lower()
            body = (f"{run.person.person.name} has signed the {what}. Please read it and sign: say "
                    + ("signoff" if other_role == "reviewee" else f"signoff {first_name(colleague)}" if colleague
                       else "signoff") + " (Annex 1).")
            await services.notifier.notify(other, f"Please sign the {what}", body, kind="signoff_request",
                                           clause="Annex 1", dedupe_key=f"signoff:{part}:{review.id}:{other_role}",
                                           review_id=review.id, action="signoff",
                                           subject_person_id=fresh.colleague_id)
    return both


def _stage_index(stage: str) -> int:
    order = [ReviewStage.PREPARATION, ReviewStage.PLANNING]
    if stage in order:
        return 0
    return {ReviewStage.OBJECTIVES_AGREED: 1, ReviewStage.MID_YEAR_DONE: 2}.get(stage, 3)  # type: ignore[call-overload]


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    review = await repos.reviews.review(int(run.data["review_id"]))
    assert review is not None
    part = run.get("part") or run.data["parts"][0]
    role = run.data["role"]
    if role == "reviewer" and run.subject is not None:
        # re-check at the moment of signing: the reviewer may have changed since the dialog began (4.2)
        assert await is_reviewer(run.services, run.person, review, run.subject)
    # the lifecycle, again before saving: the part is still recorded and waiting for this signature (Annex 1)
    state = await lifecycle_guard.review_state(run.services, review)
    step = lifecycle.step_of(lifecycle.assess(state, run.services.clock.now()), lifecycle.SIGN_OF[part])
    if step.status not in (lifecycle.Status.OPEN, lifecycle.Status.PAUSED) or (part, role) in state.signatures:
        raise Refusal(f"The {PART_LABELS[part].lower()} has changed since you opened it: it is no longer waiting for "
                      "your signature. Say signoff to see what is (Annex 1).", "Annex 1")
    comment = str(run.get("comments", "")).strip()
    if comment and role == "reviewee":
        field = "midyear_reviewee_comments" if part == "mid_year" else "eoy_reviewee_comments"
        earlier = str(getattr(review, field) or "").strip()
        setattr(review, field, f"{earlier}\n{comment}".strip() if earlier and comment not in earlier else comment)
        review = await repos.reviews.save_review(Review.model_validate(review))
        await audit_change(run, "review", review.id, review.colleague_id, {"reviewee_comments": part})
    both = await record_signature(run, review, part, role, notify_other=True)
    label = PART_LABELS[part].lower()
    if not both:
        other = "your reviewer" if role == "reviewee" else first_name(run.subject.person) if run.subject else "they"
        return [Reply(f"Signed: the {label}, as {role}. I've asked {other} to sign too (Annex 1).", clause="Annex 1")]
    fresh = await repos.reviews.review(review.id)  # type: ignore[arg-type]
    assert fresh is not None
    if part == "planning":
        nxt = f"The objectives are agreed. {await lifecycle_guard.next_words(run.services, fresh)}"
    elif part == "mid_year":
        nxt = f"The mid-year review is complete. {await lifecycle_guard.next_words(run.services, fresh)}"
    else:
        due = informal_resolution_deadline(fresh.report_delivered_on)  # type: ignore[arg-type]
        nxt = (f"The report is final and delivered today. If there's a disagreement, talk it through by "
               f"{due.due:%A %d %B %Y} (Policy 9.1). The form is kept until {fresh.retain_until:%d %B %Y} "
               "(Policy 10.3).")
    return [Reply(f"Signed: the {label}, by you both. {nxt}", clause="Annex 1")]


DIALOG = Dialog(
    id="signoff", version=1, title="Sign-off", steps=STEPS, complete=complete, prepare=prepare,
    subject=Subject.EITHER, clause="Annex 1",
    description="Sign your form (signoff) or, as reviewer, a colleague's (signoff NAME).",
)

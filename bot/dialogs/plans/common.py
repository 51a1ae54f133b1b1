"""What the support plan dialogs share: field wording, the action loop, dates, the written copy.

Fields follow the two templates word for word:

* Annex 4 Support Plan: colleague name, date of meeting; per row "Concern / Area of performance
  for review", "Level of improvement required", "Support to be provided (nature of support, who
  should make arrangements)", "Timescales for improvement / review date(s)".
* Improvement Action Plan (seed 000): date of agreed plan, revision of a previous plan with its
  dates, stage 1 informal / stage 2 formal; per action "Area for Improvement", "Required Level of
  Performance", "Identified Gap", the risk question with its measures, "Agreed Actions (Manager
  and Employee)", "Support Required", "Timescale", "Progress Monitoring Review Dates", "How
  Improvement will be Measured", "Date to Achieve Required Level of Performance (End of Review
  Period)"; and its Review: per action review date, "Outcome / Evaluation", Met / Partially Met /
  Not Met, "Agreed Actions (if required)".

Decisions where the templates are silent: the template's "risk for patient safety" reads as a risk
to safety (pupils, colleagues, others) in a school; an Annex 4 support plan is always stage 1
informal (Annex 4: "as part of normal performance management procedures"); a plan holds at most
:data:`MAX_ACTIONS` actions (the template shows three rows; six leaves room without becoming a
capability file); review dates must be after today.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from bot.dialogs.answers import parse_date, show
from bot.dialogs.base import Ctx, Run, Step
from bot.dialogs.errors import Refusal
from bot.messages import Choice, PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.policy.workdays import WorkingDays
from bot.services import Services
from store.models import PlanAction, PlanActionReview, Signature, SupportPlan
from store.repos.values import PersonContext

CLAUSE = "7.4"  # Policy 7.4 and Annex 4
MAX_ACTIONS = 6
MAX_REVIEW_DATES = 12
NOTICE_KIND = "support_plan_review"  # the DESIGN.md reminder kind for support plan notices

KIND_LABELS = {"support": "Support Plan", "improvement": "Improvement Action Plan"}
STAGES = (Choice("stage_1_informal", "Stage 1 informal"), Choice("stage_2_formal", "Stage 2 formal"))
STAGE_LABELS = {c.value: c.label for c in STAGES}
RESULTS = (Choice("met", "Met"), Choice("partially_met", "Partially Met"), Choice("not_met", "Not Met"))
RESULT_LABELS = {c.value: c.label for c in RESULTS}
AGREED_SENTENCE = ("This plan has been agreed to provide support in improving performance as part of normal "
                   "performance management procedures.")  # Annex 4, word for word
SMART_HINT = ("Actions should be SMART: specific, measurable, achievable, relevant, time-related: very clear "
              "what is required, by whom and by when, and how it will be evaluated and reviewed (Annex 4).")


# --- dates ---------------------------------------------------------------------------------------


def split_dates(text: str, today: date) -> tuple[list[date], str | None]:
    """Read "14/12/2026, 25/01/2027" into dates; an error says what to do instead."""
    parts = [p.strip() for p in re.split(r"[,;\n]|\band\b", text) if p.strip()]
    if not parts:
        return [], "Please give at least one review date, like 14/12/2026."
    if len(parts) > MAX_REVIEW_DATES:
        return [], f"That's {len(parts)} dates; please give at most {MAX_REVIEW_DATES}."
    found: list[date] = []
    for part in parts:
        d = parse_date(part, today)
        if d is None:
            return [], (f"I couldn't read “{part}” as a date. Please write the dates like 14/12/2026, "
                        "separated by commas.")
        if d <= today:
            return [], (f"{show(d.isoformat())} isn't in the future. Review dates need to be after today "
                        f"({show(today.isoformat())}).")
        found.append(d)
    return sorted(set(found)), None


def review_dates_valid(value: Any, ctx: Ctx) -> str | None:
    """Review dates are read, then each must be a working day: no weekend, bank holiday or closure day
    of the colleague's academy (Support Plan / Improvement Action Plan review dates; 3.4)."""
    dates, problem = split_dates(str(value), ctx.today)
    if problem:
        return problem
    workdays = WorkingDays(frozenset(date.fromisoformat(d) for d in ctx.data.get("closed", [])))
    for d in dates:
        why = workdays.why_not_working(d)
        if why is not None:
            return (f"{show(d.isoformat())} is {why}. Plan reviews are held on working days (Policy 3.4): please "
                    f"choose another date, for example {show(workdays.next_working_day(d).isoformat())}.")
    return None


def not_in_future(value: Any, ctx: Ctx) -> str | None:
    d = date.fromisoformat(str(value))
    if d > ctx.today:
        return f"That's in the future. Please give the date it happened, today ({show(ctx.today.isoformat())}) or earlier."
    if (ctx.today - d).days > 366:
        return "That's more than a year ago. Please check the date and send it again."
    return None


def after_today(value: Any, ctx: Ctx) -> str | None:
    d = date.fromisoformat(str(value))
    if d <= ctx.today:
        return f"Please give a date after today ({show(ctx.today.isoformat())})."
    return None


# --- the action loop -----------------------------------------------------------------------------


def action_loop(ctx: Ctx, fields: Callable[[int], list[Step]]) -> list[Step]:
    """Action 1's fields, then "add another action?", up to MAX_ACTIONS."""
    steps: list[Step] = []
    for i in range(1, MAX_ACTIONS + 1):
        steps.extend(fields(i))
        if i == MAX_ACTIONS:
            break
        more = f"a{i}_more"
        left = MAX_ACTIONS - i
        steps.append(Step(more, f"Action {i} is noted. Add another action? (up to {left} more)",
                          PromptKind.YES_NO, label=f"Another action after action {i}"))
        if ctx.answers.get(more) is not True:
            break
    return steps


def action_count(answers: dict[str, Any]) -> int:
    n = 1
    while n < MAX_ACTIONS and answers.get(f"a{n}_more") is True:
        n += 1
    return n


# --- loading plans for a dialog's data -----------------------------------------------------------


def plan_label(plan: SupportPlan) -> str:
    when = plan.date_agreed or plan.meeting_date
    word = "agreed" if plan.date_agreed else "of"
    dated = f" {word} {show(when.isoformat())}" if when else ""
    return f"{KIND_LABELS.get(plan.kind, 'Plan')}{dated} ({STAGE_LABELS.get(plan.stage, plan.stage)})"


async def plan_data(services: Services, plan: SupportPlan) -> dict[str, Any]:
    """A plan as plain JSON for a dialog's state: what its steps and confirmation need."""
    repos = services.repos
    actions = await repos.plans.plan_actions(plan.id)  # type: ignore[arg-type]
    reviews = await repos.plans.plan_action_reviews([a.id for a in actions if a.id is not None])
    people = await repos.people.people([plan.colleague_id, plan.manager_id])
    last: dict[int, str] = {}
    for r in reviews:
        last[r.action_id] = r.result
    return {
        "id": plan.id, "kind": plan.kind, "label": plan_label(plan),
        "colleague": people[plan.colleague_id].name if plan.colleague_id in people else "",
        "manager": people[plan.manager_id].name if plan.manager_id in people else "",
        "manager_id": plan.manager_id,
        "dated": (plan.date_agreed or plan.meeting_date or plan.created_at.date()).isoformat(),
        "acknowledged": plan.acknowledged_at is not None,
        "actions": [{"id": a.id, "number": a.number, "area": a.area, "last_result": last.get(a.id or 0)}
                    for a in actions],
        "review_dates": sorted({r.review_date.isoformat() for r in reviews}),
        "text": plan_text(plan, actions, people.get(plan.colleague_id), people.get(plan.manager_id), reviews),
    }


def chosen_plan(ctx: Ctx) -> dict[str, Any] | None:
    plans: list[dict[str, Any]] = ctx.data.get("plans", [])
    if len(plans) == 1:
        return plans[0]
    wanted = ctx.answers.get("plan")
    return next((p for p in plans if str(p["id"]) == str(wanted)), None)


def plan_choice_step(prompt: str) -> Step:
    """"Which plan?" shown only when there is more than one."""
    return Step("plan", prompt, PromptKind.CHOICE,
                choices=lambda ctx: tuple(Choice(str(p["id"]), p["label"]) for p in ctx.data.get("plans", [])),
                when=lambda ctx: len(ctx.data.get("plans", [])) > 1, clause=CLAUSE)


# --- the written copy ----------------------------------------------------------------------------


def _line(label: str, value: Any) -> str:
    return f"   {label}: {show(value) if value not in (None, '') else '—'}"


def plan_text(plan: SupportPlan, actions: Sequence[PlanAction], colleague: Any, manager: Any,
              reviews: Sequence[PlanActionReview] = ()) -> str:
    """The plan as the colleague receives it in writing (Annex 4 / the Improvement Action Plan)."""
    colleague_name = getattr(colleague, "name", "")
    manager_name = getattr(manager, "name", "")
    lines = [KIND_LABELS.get(plan.kind, "Plan"), f"Colleague name: {colleague_name}",
             f"Manager name: {manager_name}"]
    if plan.kind == "support":
        lines.append(f"Date of meeting: {show(plan.meeting_date.isoformat()) if plan.meeting_date else '—'}")
    else:
        lines.append(f"Date of agreed plan: {show(plan.date_agreed.isoformat()) if plan.date_agreed else '—'}")
        if plan.revision_note:
            lines.append(f"Revised version of previous plan: {plan.revision_note}")
        lines.append(f"Stage in performance management process: {STAGE_LABELS.get(plan.stage, plan.stage)}")
    by_action: dict[int, list[PlanActionReview]] = {}
    for r in reviews:
        by_action.setdefault(r.action_id, []).append(r)
    for a in actions:
        dates = ", ".join(show(d) for d in a.review_dates) or "—"
        if plan.kind == "support":
            lines += [f"{a.number}. Concern / area of performance for review: {a.area}",
                      _line("Level of improvement required", a.required_level),
                      _line("Support to be provided", a.support),
                      _line("Who should make arrangements", a.support_arranged_by),
                      _line("Timescales for improvement", a.timescale),
                      f"   Review date(s): {dates}"]
        else:
            risk = "Yes" if a.safety_risk else "No"
            if a.safety_risk and a.risk_measures:
                risk += f". Measures: {a.risk_measures}"
            lines += [f"{a.number}. Area for improvement: {a.area}",
                      _line("Required level of performance", a.required_level),
                      _line("Identified gap", a.identified_gap),
                      f"   Does the gap pose a risk to safety? {risk}",
                      _line("Agreed actions (manager and employee)", a.agreed_actions),
                      _line("Support required", a.support),
                      _line("Timescale", a.timescale),
                      f"   Progress monitoring review dates: {dates}",
                      _line("How improvement will be measured", a.how_measured),
                      _line("Date to achieve required level of performance",
                            a.date_to_achieve.isoformat() if a.date_to_achieve else None)]
        for r in by_action.get(a.id or 0, []):
            lines.append(f"   Review {show(r.review_date.isoformat())}: {RESULT_LABELS.get(r.result, r.result)}. "
                         f"{r.outcome}" + (f" Agreed actions: {r.agreed_actions}" if r.agreed_actions else ""))
    lines.append(AGREED_SENTENCE)
    return "\n".join(lines)


# --- shared by the dialogs that open a plan ------------------------------------------------------


async def prepare_new(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    """Only the colleague's line manager, reviewer or headteacher opens a plan (10.1)."""
    from bot import access

    if subject is None or not await access.may_manage(services.repos, person, subject.id):
        return "Only a colleague's line manager, reviewer or headteacher can open a plan for them (Policy 10.1)."
    earlier = [p for p in await services.repos.plans.plans_for(subject.id) if p.kind == "improvement"]
    closed = services.workdays_for(subject.organisation.calendar_name).closure_days
    return {"name": subject.person.name, "first": subject.person.name.split(" ")[0],
            "earlier": [[p.id, plan_label(p), p.status] for p in earlier],
            "closed": sorted(d.isoformat() for d in closed if d > services.clock.today())}


def iso_dates(text: Any, today: date) -> list[str]:
    return [d.isoformat() for d in split_dates(str(text or ""), today)[0]] if text else []


async def save_new_plan(run: Run, kind: str, actions: list[PlanAction], **fields: Any) -> list[Reply]:
    """Store the plan, sign it as the manager, send the colleague the written copy to acknowledge."""
    from bot import access

    services = run.services
    repos = services.repos
    subject = run.subject
    assert subject is not None
    if not await access.may_manage(repos, run.person, subject.id):  # roles may have changed meanwhile
        raise Refusal("You're no longer this colleague's line manager or reviewer, so I can't save the plan "
                      "(Policy 10.1).", "10.1")
    review = await repos.reviews.current_review(subject.id)
    supersedes = fields.pop("supersedes_id", None)
    plan = SupportPlan(colleague_id=subject.id, manager_id=run.person.id, kind=kind,
                       review_id=review.id if review else None, policy_version=POLICY_VERSION, **fields)
    plan = await repos.plans.create_plan(plan, actions, supersedes_id=supersedes)
    stored = await repos.plans.plan_actions(plan.id)  # type: ignore[arg-type]
    await repos.forms.save_signature(Signature(subject_type="support_plan", subject_id=plan.id, part="plan", role="manager",
                              person_id=run.person.id, channel=run.channel.value,
                              platform_identity=run.platform_identity))
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="support_plan", record_id=plan.id,
                     subject_person_id=subject.id, channel=run.channel.value, actor_identity=run.platform_identity,
                     detail={"event": "created", "kind": kind, "actions": len(stored),
                             "supersedes": supersedes, "policy_version": POLICY_VERSION})
    title = KIND_LABELS[kind]
    text = plan_text(plan, stored, subject.person, run.person.person)
    first = subject.person.name.split(" ")[0]
    await services.notifier.notify(
        subject.id, f"Your {title.lower()}: please read and acknowledge",
        f"Hello {first}, {run.person.person.name} has confirmed your {title.lower()} in writing (Policy 7.4, "
        f"Annex 4).\n\n{text}\n\nPlease read it, then say plan and choose “Acknowledge my plan” to confirm you "
        "have received it. If anything is wrong, choose “I'd like to talk about it first”. You may find it "
        "helpful to seek advice from your trade union representative (Annex 4).",
        kind=NOTICE_KIND, clause=CLAUSE, dedupe_key=f"support_plan:{plan.id}:confirmation",
        review_id=plan.review_id, action="plan", subject_person_id=subject.id)
    dates = sorted({d for a in stored for d in a.review_dates})
    when = ", ".join(show(d) for d in dates[:4]) + (" …" if len(dates) > 4 else "")
    return [Reply(f"Saved {subject.person.name}'s {title.lower()} with {len(stored)} action"
                  f"{'s' if len(stored) != 1 else ''}. I've sent {first} the written confirmation to acknowledge "
                  f"(Annex 4) and I'll let you know when they do. Review dates: {when}. To record a review, "
                  "say plan and choose “Review a plan”.", clause=CLAUSE)]


def readback(steps: Sequence[Step]) -> list[Step]:
    """The steps worth reading back before confirming (not the "another action?" questions)."""
    return [s for s in steps if not s.key.endswith("_more") and s.key != "confirm"]


def whose(ctx: Ctx) -> str:
    name = ctx.data.get("name")
    return f"{name}'s" if name else "a"


def labelled_summary(steps: Sequence[Step], ctx: Ctx) -> str:
    """Answers read back with choice labels rather than their stored values."""
    lines = []
    for s in steps:
        if s.key not in ctx.answers or s.kind == PromptKind.CONFIRM or s.key.endswith("_more"):
            continue
        value = ctx.answers[s.key]
        if s.kind == PromptKind.CHOICE:
            choices = s.choices(ctx) if callable(s.choices) else s.choices
            value = next((c.label for c in choices if c.value == value), value)
        label = s.label or (s.prompt(ctx) if callable(s.prompt) else s.prompt)
        lines.append(f"• {label}: {show(value)}")
    return "\n".join(lines)

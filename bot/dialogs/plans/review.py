"""Improvement Action Plan Review: per action the review date, outcome / evaluation, whether the
required level of performance has been achieved (Met / Partially Met / Not Met) and agreed actions
(if required). The colleague receives the outcome in writing."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import access
from bot.dialogs.answers import show
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.errors import Refusal
from bot.dialogs.plans.common import (
    CLAUSE,
    NOTICE_KIND,
    RESULT_LABELS,
    RESULTS,
    chosen_plan,
    labelled_summary,
    not_in_future,
    plan_choice_step,
    plan_data,
    plan_text,
    whose,
)
from bot.messages import PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.services import Services
from store.models import PlanActionReview, Signature
from store.repos.values import PersonContext


async def prepare_open_plans(services: Services, person: PersonContext,
                             subject: PersonContext | None) -> dict[str, Any] | str:
    """The subject's open plans, for a line manager, reviewer or headteacher only (10.1)."""
    if subject is None or not await access.may_manage(services.repos, person, subject.id):
        return "Only a colleague's line manager, reviewer or headteacher can do that (Policy 10.1)."
    plans = await services.repos.plans.plans_for(subject.id, status="open")
    if not plans:
        return (f"{subject.person.name} has no open plan. Say plan and choose a new support plan or improvement "
                "action plan to start one (Annex 4).")
    data = [await plan_data(services, p) for p in plans]
    for plan in data:
        await services.repos.audit.audit(actor_id=person.id, action="read", record_type="support_plan",
                                  record_id=plan["id"], subject_person_id=subject.id)
    return {"plans": data, "name": subject.person.name, "first": subject.person.name.split(" ")[0]}


def _review_date_valid(value: Any, ctx: Ctx) -> str | None:
    problem = not_in_future(value, ctx)
    plan = chosen_plan(ctx)
    if problem is None and plan and value < plan["dated"]:
        return f"That's before the plan was agreed ({show(plan['dated'])}). Please check the date."
    return problem


def _actions(ctx: Ctx) -> list[Step]:
    plan = chosen_plan(ctx)
    if plan is None:
        return []
    steps: list[Step] = []
    for a in plan["actions"]:
        n, group = a["number"], f"review{a['number']}"
        steps += [
            Step(f"r{n}_outcome", f"Action {n}, “{_short(a['area'])}”: outcome / evaluation?", PromptKind.LONG_TEXT,
                 group=group, clause=CLAUSE, label=f"{n}. Outcome / evaluation"),
            Step(f"r{n}_result", "Has the required level of performance been achieved?", PromptKind.CHOICE,
                 choices=RESULTS, group=group, label="Required level achieved? Met / Partially Met / Not Met"),
            Step(f"r{n}_agreed", "Agreed actions (if required)?", PromptKind.LONG_TEXT, optional=True, group=group,
                 label="Agreed actions (if required)"),
        ]
    return steps


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _previous(ctx: Ctx) -> str:
    plan = chosen_plan(ctx) or {}
    dates = plan.get("review_dates") or []
    return f" Previous reviews: {', '.join(show(d) for d in dates)}." if dates else ""


def steps(ctx: Ctx) -> list[Step]:
    action_steps = _actions(ctx)
    return [
        plan_choice_step("Which plan are you reviewing?"),
        Step("review_date", lambda c: f"Date of this review?{_previous(c)}", PromptKind.DATE,
             validate=_review_date_valid, clause=CLAUSE, label="Date of review"),
        *action_steps,
        Step("confirm", lambda c: (f"Here is {whose(c)} plan review:\n"
                                   f"{labelled_summary(action_steps, c)}\n"
                                   f"Shall I save it and send {c.data.get('first', 'them')} the outcome in writing?"),
             PromptKind.CONFIRM, clause=CLAUSE),
    ]


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    subject = run.subject
    assert subject is not None
    ctx = Ctx(run.answers, run.data, run.person, subject, services.clock.today(), services.clock.now(), run.channel)
    plan = chosen_plan(ctx)
    assert plan is not None
    stored = await repos.plans.support_plan(plan["id"])
    if stored is None or stored.status != "open" or stored.colleague_id != subject.id:
        raise Refusal("That plan is no longer open, so I haven't saved the review. Say plan to see where things "
                      "stand.", CLAUSE)
    if not await access.may_manage(repos, run.person, subject.id):
        raise Refusal("You're no longer this colleague's line manager or reviewer (Policy 10.1).", "10.1")
    when = date.fromisoformat(run.get("review_date"))
    rows = [PlanActionReview(action_id=a["id"], review_date=when, outcome=run.get(f"r{a['number']}_outcome", ""),
                             result=run.get(f"r{a['number']}_result"),
                             agreed_actions=run.get(f"r{a['number']}_agreed", ""), reviewed_by_id=run.person.id)
             for a in plan["actions"]]
    await repos.plans.add_plan_reviews(rows)
    # recording the review is the manager's signature of it (the Review's "Manager ... Signature")
    await repos.forms.clear_signatures("support_plan", stored.id, "plan_review")  # type: ignore[arg-type]
    await repos.forms.add_signature(Signature(subject_type="support_plan", subject_id=stored.id, part="plan_review",
                                       role="manager", person_id=run.person.id, signed_at=services.clock.now(),
                                       channel=run.channel.value, platform_identity=run.platform_identity))
    results = {r.result for r in rows}
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="plan_action_review", record_id=stored.id,
                     subject_person_id=subject.id, channel=run.channel.value, actor_identity=run.platform_identity,
                     detail={"event": "reviewed", "review_date": when.isoformat(),
                             "results": [r.result for r in rows], "policy_version": POLICY_VERSION})
    actions = await repos.plans.plan_actions(stored.id)  # type: ignore[arg-type]
    reviews = await repos.plans.plan_action_reviews([a.id for a in actions if a.id is not None])
    people = await repos.people.people([stored.colleague_id, stored.manager_id])
    text = plan_text(stored, actions, people.get(stored.colleague_id), people.get(stored.manager_id), reviews)
    first = subject.person.name.split(" ")[0]
    outcome = "; ".join(f"action {r_action['number']}: {RESULT_LABELS[row.result]}"
                        for r_action, row in zip(plan["actions"], rows, strict=True))
    await services.notifier.notify(
        subject.id, "The review of your plan",
        f"Hello {first}, {run.person.person.name} reviewed your {plan['label']} on {show(when.isoformat())} "
        f"({outcome}). Here it is with the review, for your records (Annex 4):\n\n{text}",
        kind=NOTICE_KIND, clause=CLAUSE, dedupe_key=f"support_plan:{stored.id}:review:{run.session_id}",
        action="plan", subject_person_id=subject.id)
    if results == {"met"}:
        nxt = (f"Every action is Met. If the improvement is made, say plan and choose “Close a plan” to draw a line "
               f"under it: {first} gets it confirmed in writing (Annex 4).")
    elif "not_met" in results:
        nxt = ("Where this informal approach has not succeeded in improving performance, Annex 4 points to the "
               "Trust's Capability Procedure; please talk to HR before going further.")
    else:
        nxt = "Keep going with the agreed actions; the next review dates are in the plan."
    return [Reply(f"Saved the review of {subject.person.name}'s plan ({outcome}) and sent {first} the outcome in "
                  f"writing. {nxt}", clause=CLAUSE)]


DIALOG = Dialog(
    id="plan_review", version=1, title="Plan review", steps=steps, complete=complete, subject=Subject.REPORT,
    prepare=prepare_open_plans, clause=CLAUSE,
    description="Review each action of a plan: outcome, Met / Partially Met / Not Met, agreed actions.",
)

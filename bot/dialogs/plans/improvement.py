"""Improvement Action Plan (seed 000), opened by the colleague's line manager, reviewer or headteacher.

Date of agreed plan; whether it revises a previous plan (and the dates of the original / revised
plans); Stage 1 informal or Stage 2 formal; then, per action, every column of the template.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialogs.answers import show
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.plans.common import (
    CLAUSE,
    MAX_ACTIONS,
    SMART_HINT,
    STAGES,
    action_count,
    action_loop,
    after_today,
    iso_dates,
    labelled_summary,
    not_in_future,
    prepare_new,
    readback,
    review_dates_valid,
    save_new_plan,
    split_dates,
    whose,
)
from bot.messages import Choice, PromptKind, Reply
from store.models import PlanAction

NEW = "new"
OUTSIDE = "outside"


def _achieve_by_valid(i: int):  # noqa: ANN202 - a validator bound to action i
    def check(value: Any, ctx: Ctx) -> str | None:
        problem = after_today(value, ctx)
        if problem:
            return problem
        dates, _ = split_dates(str(ctx.answers.get(f"a{i}_review_dates") or ""), ctx.today)
        if dates and date.fromisoformat(str(value)) < dates[0]:
            return (f"That's before the first review date ({show(dates[0].isoformat())}). The date to achieve the "
                    "required level is the end of the review period; please give a later date.")
        return None

    return check


def _action(i: int) -> list[Step]:
    group = f"action{i}"
    return [
        Step(f"a{i}_area", f"Action {i}: area for improvement?", PromptKind.LONG_TEXT, group=group, clause=CLAUSE,
             label=f"{i}. Area for improvement", help=SMART_HINT),
        Step(f"a{i}_required", "Required level of performance?", PromptKind.LONG_TEXT, group=group,
             label="Required level of performance"),
        Step(f"a{i}_gap", "Identified gap? (what the evidence shows against the required level)", PromptKind.LONG_TEXT,
             group=group, label="Identified gap"),
        Step(f"a{i}_risk", "Does the gap pose a risk to safety? (yes/no)", PromptKind.YES_NO, group=group,
             label="Does the gap pose a risk to safety?"),
        Step(f"a{i}_measures", "Please detail the measures in place to be implemented for that risk.",
             PromptKind.LONG_TEXT, group=group, label="Risk: measures in place",
             when=lambda ctx, i=i: ctx.answers.get(f"a{i}_risk") is True),
        Step(f"a{i}_agreed", "Agreed actions (manager and employee)?", PromptKind.LONG_TEXT, group=group,
             label="Agreed actions (manager and employee)"),
        Step(f"a{i}_support", "Support required?", PromptKind.LONG_TEXT, group=group, label="Support required"),
        Step(f"a{i}_timescale", "Timescale? (for example: immediately, weekly)", PromptKind.SHORT_TEXT, group=group,
             label="Timescale", max_length=300),
        Step(f"a{i}_review_dates", "Progress monitoring: review dates, after today, separated by commas (for "
             "example 14/12/2026, 25/01/2027)", PromptKind.SHORT_TEXT, group=group,
             label="Progress monitoring review dates", validate=review_dates_valid, max_length=300),
        Step(f"a{i}_measured", "How will improvement be measured?", PromptKind.LONG_TEXT, group=group,
             label="How improvement will be measured"),
        Step(f"a{i}_achieve_by", "Date to achieve the required level of performance (end of review period)?",
             PromptKind.DATE, group=group, label="Date to achieve required level of performance",
             validate=_achieve_by_valid(i)),
    ]


def _revision_choices(ctx: Ctx) -> tuple[Choice, ...]:
    earlier = tuple(Choice(str(pid), f"Yes, it revises the {label}") for pid, label, _status in ctx.data.get("earlier", []))
    return (Choice(NEW, "No, this is a new plan"), *earlier, Choice(OUTSIDE, "Yes, a plan made outside Cadence"))


def _confirm_prompt(ctx: Ctx) -> str:
    return (f"Here is {whose(ctx)} improvement action plan:\n{labelled_summary(readback(steps(ctx)), ctx)}\n"
            f"Shall I save it and send {ctx.data.get('first', 'them')} the written confirmation to acknowledge "
            "(Annex 4)?")


def steps(ctx: Ctx) -> list[Step]:
    return [
        Step("date_agreed", "Date of the agreed plan?", PromptKind.DATE, validate=not_in_future, clause=CLAUSE,
             label="Date of agreed plan"),
        Step("revision", "Is this a revised version of a previous plan?", PromptKind.CHOICE, choices=_revision_choices,
             label="Revised version of previous plan"),
        Step("revision_note", "Please give the date(s) of the original / revised plan(s).", PromptKind.SHORT_TEXT,
             when=lambda c: c.answers.get("revision") == OUTSIDE, label="Dates of original / revised plan(s)",
             max_length=300),
        Step("stage", "Stage in the performance management process?", PromptKind.CHOICE, choices=STAGES,
             label="Stage", help="Stage 1 is informal; Stage 2 is formal."),
        *action_loop(ctx, _action),
        Step("confirm", _confirm_prompt, PromptKind.CONFIRM, clause=CLAUSE),
    ]


async def complete(run: Run) -> list[Reply]:
    today = run.services.clock.today()
    actions = [_row(run.answers, i, today) for i in range(1, action_count(run.answers) + 1)]
    revision = run.get("revision", NEW)
    supersedes: int | None = None
    note = ""
    if revision == OUTSIDE:
        note = run.get("revision_note", "")
    elif revision != NEW:
        supersedes = int(revision)
        earlier = await run.services.repos.plans.support_plan(supersedes)
        if earlier is None or earlier.colleague_id != (run.subject.id if run.subject else None):
            supersedes = None
        else:
            when = earlier.date_agreed or earlier.meeting_date
            note = f"revises the plan agreed {show(when.isoformat())}" if when else "revises an earlier plan"
            if earlier.revision_note:
                note += f" ({earlier.revision_note})"
    return await save_new_plan(run, "improvement", actions, stage=run.get("stage"),
                               date_agreed=date.fromisoformat(run.get("date_agreed")), revision_of_id=supersedes,
                               revision_note=note, supersedes_id=supersedes)


def _row(a: dict[str, Any], i: int, today: date) -> PlanAction:
    risk = a.get(f"a{i}_risk") is True
    return PlanAction(plan_id=0, number=i, area=a[f"a{i}_area"], required_level=a.get(f"a{i}_required") or "",
                      identified_gap=a.get(f"a{i}_gap") or "", safety_risk=risk,
                      risk_measures=(a.get(f"a{i}_measures") or "") if risk else "",
                      agreed_actions=a.get(f"a{i}_agreed") or "", support=a.get(f"a{i}_support") or "",
                      timescale=a.get(f"a{i}_timescale") or "", review_dates=iso_dates(a.get(f"a{i}_review_dates"), today),
                      how_measured=a.get(f"a{i}_measured") or "",
                      date_to_achieve=date.fromisoformat(a[f"a{i}_achieve_by"]) if a.get(f"a{i}_achieve_by") else None)


DIALOG = Dialog(
    id="plan_improvement", version=1, title="Improvement action plan", steps=steps, complete=complete,
    subject=Subject.REPORT, prepare=prepare_new, clause=CLAUSE,
    intro=lambda ctx: (f"Let's write up {whose(ctx)} improvement action plan (Policy 7.4, Annex 4). One action at "
                       f"a time; you can add up to {MAX_ACTIONS}. {SMART_HINT}"),
    description="The Improvement Action Plan: stage, actions with required level, gap, risk, support, "
                "review dates and how improvement will be measured.",
)

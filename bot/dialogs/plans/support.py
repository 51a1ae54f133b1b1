"""Annex 4 Support Plan, opened by the colleague's line manager, reviewer or headteacher (7.4).

Per row of the template: concern / area of performance for review, level of improvement required,
support to be provided (nature of support, who should make arrangements), timescales for
improvement / review date(s). The colleague receives it in writing and acknowledges it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.plans.common import (
    CLAUSE,
    MAX_ACTIONS,
    SMART_HINT,
    action_count,
    action_loop,
    iso_dates,
    labelled_summary,
    not_in_future,
    prepare_new,
    readback,
    review_dates_valid,
    save_new_plan,
    whose,
)
from bot.messages import PromptKind, Reply
from store.models import PlanAction


def _action(i: int) -> list[Step]:
    group = f"action{i}"
    return [
        Step(f"a{i}_area", f"Action {i}: what is the concern / area of performance for review?",
             PromptKind.LONG_TEXT, group=group, clause=CLAUSE, label=f"{i}. Concern / area of performance for review",
             help=SMART_HINT),
        Step(f"a{i}_required", "Level of improvement required? Be specific: what, by whom and by when.",
             PromptKind.LONG_TEXT, group=group, label="Level of improvement required", help=SMART_HINT),
        Step(f"a{i}_support", "Support to be provided: what is the nature of the support? (for example coaching, "
             "mentoring, training, observation)", PromptKind.LONG_TEXT, group=group,
             label="Support to be provided (nature of support)"),
        Step(f"a{i}_arranged_by", "Who should make the arrangements for that support?", PromptKind.SHORT_TEXT,
             group=group, label="Who should make arrangements", max_length=200),
        Step(f"a{i}_timescale", "Timescales for improvement? (for example: weekly check, within 6 weeks)",
             PromptKind.SHORT_TEXT, group=group, label="Timescales for improvement", max_length=300),
        Step(f"a{i}_review_dates", "Review date(s), after today, separated by commas (for example 14/12/2026, "
             "25/01/2027)", PromptKind.SHORT_TEXT, group=group, label="Review date(s)",
             validate=review_dates_valid, max_length=300),
    ]


def _confirm_prompt(ctx: Ctx) -> str:
    return (f"Here is {ctx.data.get('name', 'the colleague')}'s support plan:\n"
            f"{labelled_summary(readback(steps(ctx)), ctx)}\n"
            f"Shall I save it and send {ctx.data.get('first', 'them')} the written confirmation to acknowledge "
            "(Annex 4)?")


def steps(ctx: Ctx) -> list[Step]:
    return [
        Step("meeting_date", lambda c: f"Date of the meeting with {c.data.get('first', 'the colleague')} where you "
             "discussed the concerns?", PromptKind.DATE, validate=not_in_future, clause=CLAUSE,
             label="Date of meeting"),
        *action_loop(ctx, _action),
        Step("confirm", _confirm_prompt, PromptKind.CONFIRM, clause=CLAUSE),
    ]


async def complete(run: Run) -> list[Reply]:
    today: date = run.services.clock.today()
    actions = [_row(run.answers, i, today) for i in range(1, action_count(run.answers) + 1)]
    return await save_new_plan(run, "support", actions, stage="stage_1_informal",
                               meeting_date=date.fromisoformat(run.get("meeting_date")))


def _row(a: dict[str, Any], i: int, today: date) -> PlanAction:
    return PlanAction(plan_id=0, number=i, area=a[f"a{i}_area"], required_level=a.get(f"a{i}_required") or "",
                      support=a.get(f"a{i}_support") or "", support_arranged_by=a.get(f"a{i}_arranged_by") or "",
                      timescale=a.get(f"a{i}_timescale") or "",
                      review_dates=iso_dates(a.get(f"a{i}_review_dates"), today))


DIALOG = Dialog(
    id="plan_support", version=1, title="Support plan", steps=steps, complete=complete, subject=Subject.REPORT,
    prepare=prepare_new, clause=CLAUSE,
    intro=lambda ctx: (f"Let's write up {whose(ctx)} support plan (Policy 7.4, Annex 4). One action at a time; "
                       f"you can add up to {MAX_ACTIONS}. {SMART_HINT}"),
    description="The Annex 4 support plan: concerns, the improvement required, support and review dates.",
)

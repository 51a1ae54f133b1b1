"""`cadence simulate` over the 2026-27 year of the demo trust plans no reminder for a step of the
review cycle that is already done or not yet open on the day it would be sent (bot.policy.lifecycle).

Each reminder about a step of a review is matched to that step and the lifecycle is asked, with the
review as it stands, what the step's status is on the reminder's date: it must be open.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.cli.reminders import simulate_lines
from bot.dialogs import lifecycle_guard
from bot.policy import lifecycle
from bot.policy.lifecycle import Status, StepName
from bot.scheduler.facts import FactSource
from bot.scheduler.rules import Planned, Span

S = StepName
START, END = date(2026, 9, 1), date(2027, 8, 31)
PART_STEPS = {"planning": (S.OBJECTIVES, S.SIGN_PLANNING), "mid_year": (S.MID_YEAR, S.SIGN_MID_YEAR),
              "end_of_year": (S.END_OF_YEAR, S.SIGN_END_OF_YEAR)}
FORM_LABELS = {"planning": "planning", "mid-year review": "mid_year", "end-of-year review": "end_of_year"}


def step_of(p: Planned) -> StepName | None:
    """The lifecycle step a reminder is about (None: not a step of the review cycle)."""
    if p.kind in ("annual_review_due", "new_joiner_planning"):
        return S.PLANNING_MEETING
    if p.kind == "midyear_due":
        return S.MID_YEAR
    if p.kind == "informal_resolution":
        return S.INFORMAL_RESOLUTION
    if p.kind == "appeal_hearing_deadline":
        return S.APPEAL_HEARING
    if p.kind == "signoff_request":
        part = p.dedupe_key.split(":signoff_request:")[1].split(":")[0]
        return PART_STEPS[part][1]
    if p.kind == "form_completion":
        label = next(v for k, v in FORM_LABELS.items() if f"'s {k} form" in p.subject)
        return PART_STEPS[label][0]
    return None


async def test_simulate_plans_no_reminder_for_a_step_done_or_not_yet_open(demo_app):
    from bot.scheduler.demo_state import add_reminder_scenarios

    await add_reminder_scenarios(demo_app, appeal=True)
    # what `cadence simulate --from 2026-09-01 --to 2027-08-31` prints (its lines, tests/scheduler/test_simulate.py)
    printed = {(line.kind, line.subject) for line in await simulate_lines(demo_app, START, END)}

    checked: dict[str, int] = {}
    async for batch in FactSource(demo_app).all_batches(Span(START, END)):
        for p in batch.planned:
            step = step_of(p)
            day = p.due.date()
            if step is None or p.review_id is None or (p.kind, p.subject) not in printed or not (
                    START - timedelta(days=14) <= day <= END):
                continue
            review = await demo_app.repos.reviews.review(p.review_id)
            assert review is not None
            state = await lifecycle_guard.review_state(demo_app.services, review)
            found = lifecycle.step_of(lifecycle.assess(state, p.due), step)
            assert found.status == Status.OPEN, (p.kind, p.subject, p.due, found)
            checked[p.kind] = checked.get(p.kind, 0) + 1
    # the check saw the cycle's reminders, not an empty list
    assert {"annual_review_due", "new_joiner_planning", "form_completion", "appeal_hearing_deadline"} <= set(checked)


async def test_no_mid_year_reminder_once_it_is_recorded_or_before_objectives_are_signed(demo_app):
    """Issue 19 findings 4 and 8 on the demo trust: Jo (objectives agreed) is due a mid-year reminder on
    4 Jan; Alex (objectives not yet signed by Alex) and Dana (joined in October, no planning yet) are not."""
    planned = [p async for b in FactSource(demo_app).all_batches(Span(START, END)) for p in b.planned
               if p.kind == "midyear_due" and p.escalation_level == 0]
    about = {p.subject.split("Book ")[1].split("'s")[0] for p in planned}
    assert "Jo Brown" in about
    assert "Alex Green" not in about and "Dana White" not in about and "Chris Wood" not in about

"""The plan and appeal conversations scripted on standard input through the console chat, exactly
as `printf '...' | cadence chat --as EMAIL` would run them."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

from bot.handlers.console.chat import run_console
from tests.dialogs.support.conftest import Trust


async def chat(trust: Trust, email: str, lines: list[str]) -> str:
    out = io.StringIO()
    await run_console(trust.app, email, io.StringIO("\n".join(lines) + "\n"), Console(file=out, width=200))
    return out.getvalue()


async def test_a_support_plan_written_and_acknowledged_in_the_console(trust: Trust):
    output = await chat(trust, "priya.shah@hillside.example", [
        "plan", "1", "Sam",
        "20/11/2026", "Arriving late to sessions", "On time every day", "Weekly check-in", "Priya Shah",
        "Weekly", "14/12/2026, 25/01/2027", "2", "confirm",
        ":as sam.patel@hillside.example", "plan", "1", "1", "skip", "quit"])
    assert "What would you like to do?" in output
    assert "Saved Sam Patel's support plan with 1 action" in output
    assert "Here is the written confirmation of your plan from Priya Shah" in output
    assert "Thank you, that's recorded" in output
    [plan] = await trust.app.repos.plans.plans_for(trust.ids["sam.patel@hillside.example"])
    assert plan.acknowledged_at is not None


async def test_an_appeal_and_a_refused_hearing_date_in_the_console(trust: Trust):
    await trust.deliver_report("sam.patel@hillside.example", date(2026, 11, 2))
    output = await chat(trust, "sam.patel@hillside.example", [
        "appeal", "1", "Objective 2 was rated without the evidence", "2", "Jo Brown", "confirm",
        ":as helen.hart@hillside.example", "appeal", "15/12/2026 10:00", "14/12/2026 10:00", "Room 4", "confirm",
        "quit"])
    assert "the 10 days for sorting it out informally with Priya Shah ended on Thu 12 Nov 2026" in output
    assert "Your written appeal has gone to Helen Hart (Headteacher)" in output
    assert "the last valid date is Mon 14 Dec 2026" in output
    assert "Booked: Sam Patel's appeal hearing on Mon 14 Dec 2026, 10:00" in output
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids["sam.patel@hillside.example"])
    assert (appeal.stage, appeal.companion_kind, appeal.companion_name) == ("hearing_scheduled", "colleague",
                                                                            "Jo Brown")


async def test_an_improvement_plan_reviewed_and_closed_in_the_console(trust: Trust):
    iap = ["plan", "2", "Sam", "23/11/2026", "1", "1",
           "Accurate reading logs", "Every log complete each week", "12 of 30 missing", "no",
           "Sam logs daily; Priya checks Fridays", "Quiet time at the end of the day", "Weekly",
           "7/12/2026", "Weekly sample of 5 logs", "29/01/2027", "2", "confirm"]
    output = await chat(trust, "priya.shah@hillside.example", [*iap, "quit"])
    assert "Saved Sam Patel's improvement action plan with 1 action" in output
    trust.set_now(trust.clock.now().replace(month=12, day=7, hour=15))
    output = await chat(trust, "priya.shah@hillside.example", [
        "plan", "3", "Sam", "7/12/2026", "All logs complete for two weeks", "1", "skip", "confirm",
        "plan", "4", "Sam", "Reading logs are complete and checked every week.", "confirm", "quit"])
    assert "Saved the review of Sam Patel's plan (action 1: Met)" in output
    assert "Every action is Met" in output
    assert "Closed Sam Patel's Improvement Action Plan" in output
    [plan] = await trust.app.repos.plans.plans_for(trust.ids["sam.patel@hillside.example"])
    assert (plan.kind, plan.status) == ("improvement", "closed")

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
    [plan] = await trust.app.repo.plans_for(trust.ids["sam.patel@hillside.example"])
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
    [appeal] = await trust.app.repo.appeals_of(trust.ids["sam.patel@hillside.example"])
    assert (appeal.stage, appeal.companion_kind, appeal.companion_name) == ("hearing_scheduled", "colleague",
                                                                            "Jo Brown")

"""Small things found walking the whole cycle as the demo trust's people: nobody is left lost."""

from __future__ import annotations

import io
from datetime import datetime

from rich.console import Console

from bot.app import App
from bot.clock import FixedClock
from bot.dialogs.base import Ctx, Step
from bot.dialogs.engine import summary
from bot.handlers.console.chat import run_console
from bot.messages import Channel, Choice, PromptKind

SAM = "sam.patel@hillside.example"
PRIYA = "priya.shah@hillside.example"
HELEN = "helen.hart@hillside.example"
COLIN = "colin.chair@hillside.example"


async def chat(app: App, email: str, lines: list[str]) -> str:
    out = io.StringIO()
    await run_console(app, email, io.StringIO("\n".join([*lines, "quit"]) + "\n"), Console(file=out, width=250))
    return " ".join(out.getvalue().split())


async def test_a_paused_preparation_counts_in_status(demo_app: App) -> None:
    out = await chat(demo_app, SAM, ["prep", "one", "two", "three", "four", "five", "pause", "status"])
    after = out.split("Paused “")[-1]
    assert "0 of 23" not in after
    assert "5 of 23 questions answered (in progress: say resume to carry on)" in out
    assert "1. Carry on" in out  # the next step is one tap away


async def test_free_text_after_a_pause_points_back_to_the_paused_questions(demo_app: App) -> None:
    out = await chat(demo_app, SAM, ["prep", "one", "pause", "I did the reading group"])
    assert "is paused, with your answers saved. Say resume to carry on" in out


async def test_reopening_the_console_mid_conversation_picks_up_at_the_same_question(demo_app: App) -> None:
    await chat(demo_app, SAM, ["prep", "one"])  # quit mid-dialog
    out = await chat(demo_app, SAM, ["two"])
    assert "here's where you left off" in out and "question 2 of 23" in out
    sam = await demo_app.repos.people.person_by_email(SAM)
    session = await demo_app.repos.conversations.active_session(sam.id)  # type: ignore[union-attr,arg-type]
    assert session is not None and list(session.state["answers"].values())[:2] == ["one", "two"]


async def test_after_the_reviewers_checklist_priya_is_pointed_to_the_agenda(demo_app: App) -> None:
    out = await chat(demo_app, PRIYA, ["prep Sam", *["yes"] * 11, "skip", "status"])
    assert "Sam Patel (planning): Your meeting with Sam: Tue 1 Dec 2026, 14:00, Inclusion office. " \
           "Say agenda Sam to see it" in out
    assert "say prep Sam" not in out.split("Your team's next steps")[-1]


async def test_the_chair_and_the_headteacher_get_a_useful_status(demo_app: App) -> None:
    out = await chat(demo_app, COLIN, ["status"])
    assert "As Chair of Governors you hear appeals from colleagues who report to the Headteacher" in out
    assert "please ask HR" not in out
    out = await chat(demo_app, HELEN, ["status"])
    assert "You don't have a review of your own in this cycle." in out and "As Headteacher" in out
    assert "Priya Shah (objectives agreed)" in out and "Book a meeting: Priya" in out


async def test_a_written_appeal_shows_in_the_colleagues_and_the_headteachers_status(
        demo_app: App, clock: FixedClock) -> None:
    sam = await demo_app.repos.people.person_by_email(SAM)
    review = await demo_app.repos.reviews.current_review(sam.id)  # type: ignore[union-attr,arg-type]
    assert review is not None
    review.report_delivered_on = datetime(2026, 11, 2).date()
    await demo_app.repos.reviews.save_review(review)
    await chat(demo_app, SAM, ["appeal", "1", "Objective 1 was rated without the evidence", "4", "confirm"])
    out = await chat(demo_app, SAM, ["status"])
    assert "Your written appeal is with Helen Hart, who arranges the hearing by Mon 14 Dec 2026 (Policy 9.5)" in out
    out = await chat(demo_app, HELEN, ["status"])
    assert "Sam Patel has appealed in writing: arrange the hearing by Mon 14 Dec 2026; say appeal" in out


def test_a_summary_reads_a_choice_back_by_its_label() -> None:
    step = Step("outcome", "Outcome?", PromptKind.CHOICE, (Choice("partially_met", "Partially Met"),))
    ctx = Ctx({}, {}, None, None, datetime(2026, 11, 23).date(), datetime(2026, 11, 23), Channel.CONSOLE)  # type: ignore[arg-type]
    assert summary([step], {"outcome": "partially_met"}, ctx) == "• Outcome?: Partially Met"


async def test_a_colleague_who_says_objectives_reads_their_own(demo_app: App) -> None:
    out = await chat(demo_app, "jo.brown@hillside.example", ["objectives"])
    assert "Your objectives this year (Annex 1): 1. Lead phonics catch-up sessions" in out
    assert "for reviewers and line managers" not in out
    out = await chat(demo_app, PRIYA, ["objectives me"])
    assert "Your objectives this year (Annex 1)" in out
    out = await chat(demo_app, "chris.wood@hillside.example", ["objectives"])
    assert "No objectives are recorded for you yet: your reviewer records them after your planning meeting" in out


async def test_status_offers_the_next_step_as_a_button(demo_app: App) -> None:
    out = await chat(demo_app, "alex.green@hillside.example", ["status"])
    assert "Read and sign the objectives: say signoff" in out and "1. Sign" in out
    out = await chat(demo_app, PRIYA, ["status"])
    assert "2. Book a meeting: Jo" in out or "1. Book a meeting: Jo" in out  # the mid-year is booked first (3.2)


async def test_reopening_after_leaving_at_the_switch_question_asks_the_open_question_again(demo_app: App) -> None:
    await chat(demo_app, SAM, ["checkin", "4", "skip", "prep"])  # quits at “Pause it and start …?”
    out = await chat(demo_app, SAM, ["yes"])  # the one-to-one question is shown again, and this answers it
    assert "Would you like a one-to-one" in out and "paused “Wellbeing check-in”" not in out
    sam = await demo_app.repos.people.person_by_email(SAM)
    session = await demo_app.repos.conversations.active_session(sam.id)  # type: ignore[union-attr,arg-type]
    assert session is not None and session.dialog_id == "checkin" and session.state["answers"]["one_to_one"] is True

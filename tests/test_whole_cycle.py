"""Issue 3, done when: in the console, the demo trust goes through a whole cycle.

Sam Patel (Teaching Assistant at Co-op Academy Hillside) is reviewed by Priya Shah (Inclusion Lead).
Over 2026-27 they prepare, meet, set and sign objectives, hold the mid-year and end-of-year reviews,
Priya writes a support plan that Sam acknowledges, Sam appeals his end-of-year report in writing and
Helen Hart (Headteacher) hears it. Every step is typed into the console chat exactly as a person
would, on a clock moved between stages; after each stage the test checks what is stored, and at
the end that the exported form and plan carry it. Harriet Ward (HR) and Colin Chambers (Chair of
Governors) look in along the way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from rich.console import Console

from bot.app import App
from bot.clock import FixedClock
from bot.handlers.console.chat import run_console
from bot.policy.questions import COLLEAGUE_QUESTIONS
from store.models import Review, ReviewStage

SAM = "sam.patel@hillside.example"
PRIYA = "priya.shah@hillside.example"
HELEN = "helen.hart@hillside.example"
HARRIET = "harriet.ward@central.example"
COLIN = "colin.chair@hillside.example"

OBJECTIVE = "Run a phonics catch-up group for 6 Year 2 pupils three mornings a week"
CRITERIA = "5 of the 6 pupils reach the expected phonics standard at the June 2027 screening check"
LOOKING_BACK = ["Mostly: the Year 3 reading group met four mornings a week all year.",
                "The reading group: seven of ten pupils caught up.",
                "Working closely with the class teacher.",
                "Two long absences in the group.",
                "I now run the group on my own."]


class Cycle:
    """The demo trust on a clock we move, and a console to type into as anyone in it."""

    def __init__(self, app: App, clock: FixedClock) -> None:
        self.app, self.clock = app, clock
        self.steps = 0

    async def chat(self, email: str, when: datetime, lines: list[str]) -> str:
        self.clock.set(when)
        self.steps += len(lines)
        out = io.StringIO()
        await run_console(self.app, email, io.StringIO("\n".join([*lines, "quit"]) + "\n"),
                          Console(file=out, width=250))
        return " ".join(out.getvalue().split())  # one line: the console wraps and indents

    async def review(self) -> Review:
        sam = await self.app.repos.people.person_by_email(SAM)
        review = await self.app.repos.reviews.current_review(sam.id)  # type: ignore[union-attr]
        assert review is not None
        return review

    async def signed(self) -> set[tuple[str, str]]:
        review = await self.review()
        return {(s.part, s.role) for s in await self.app.repos.forms.signatures("review", review.id)}  # type: ignore[arg-type]


@pytest.fixture
def cycle(demo_app: App, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cycle:
    monkeypatch.chdir(tmp_path)  # the console saves attachments under ./exports
    return Cycle(demo_app, clock)


@dataclass(frozen=True)
class Finished:
    """Where the cycle ended: what is stored and what the exported documents say."""

    stage: ReviewStage
    report_delivered_on: date | None
    outcome: str  # objective 1's end-of-year outcome
    appeal: tuple[str, str]  # (stage, outcome)
    form: str  # Sam's Planning & Review Form, exported as Markdown
    plan: str  # his support plan, exported as Markdown
    steps: int  # lines typed into the console


async def test_sam_and_priya_go_through_a_whole_cycle_in_the_console(cycle: Cycle, tmp_path: Path) -> None:
    finished = await go_through_the_cycle(cycle, tmp_path)

    assert (finished.stage, finished.report_delivered_on) == (ReviewStage.END_OF_YEAR_DONE, date(2027, 7, 7))
    assert finished.outcome == "partially_met"
    assert finished.appeal == ("decided", "Appeal upheld. The July retest is accepted as evidence for objective 1.")
    for text in (OBJECTIVE, CRITERIA, "Partially Met", "4 of 6 pupils on track at the February check",
                 "Good progress on a challenging group", "Wants to start the Level 3 TA qualification",
                 "Priya Shah", "Sam Patel"):
        assert text in finished.form, text  # the form carries the whole year
    assert "Arriving late to the morning phonics group" in finished.plan
    assert finished.steps > 100


async def go_through_the_cycle(cycle: Cycle, tmp_path: Path) -> Finished:
    """The 2026-27 cycle typed into the console, checked stage by stage (also the start of the retention test);
    returns where it ended, for the test to check."""
    repos = cycle.app.repos

    # --- Preparation, colleague side (Policy 5.1, Annex 2): five answers, a pause, then the rest later.
    out = await cycle.chat(SAM, datetime(2026, 11, 23, 10, 0), ["prep", *LOOKING_BACK, "pause", "status"])
    assert "Your answers are saved; say resume" in out
    assert "Your preparation 5 of 23 questions answered (in progress: say resume to carry on)" in out
    assert "Finish preparing for your meeting on Tue 1 Dec 2026, 14:00" in out
    out = await cycle.chat(SAM, datetime(2026, 11, 23, 16, 0), ["I'm not sure what to do now"])
    assert "is paused, with your answers saved. Say resume" in out  # free text never leaves Sam lost
    rest = ["skip"] * (len(COLLEAGUE_QUESTIONS) - len(LOOKING_BACK))
    out = await cycle.chat(SAM, datetime(2026, 11, 24, 8, 30), ["resume", *rest, "1", "status"])
    assert "Your preparation is saved: 5 of 23 questions answered. Your reviewer can read them" in out
    assert "Your meeting: Tue 1 Dec 2026, 14:00, Inclusion office. Say agenda to see it" in out
    review = await cycle.review()
    assert len(await repos.forms.preparation_answers(review.id, "colleague")) == 5  # type: ignore[arg-type]
    assert review.prep_shared_with_reviewer is True

    # --- Preparation, reviewer side (Annex 2 checklist), with Sam's shared answers in front of Priya.
    out = await cycle.chat(PRIYA, datetime(2026, 11, 24, 9, 0),
                           ["prep Sam", *["yes"] * 11, "Phonics catch-up as a possible objective", "status"])
    assert "Sam's preparation, shared with you" in out and LOOKING_BACK[0] in out
    assert "Your preparation for Sam Patel's meeting is saved" in out
    assert "Your meeting with Sam: Tue 1 Dec 2026, 14:00, Inclusion office. Say agenda Sam" in out
    assert len(await repos.forms.preparation_answers(review.id, "reviewer")) == 12  # type: ignore[arg-type]

    # --- The planning meeting, moved with 5 days' notice (5.3, 5.8); too short a notice is refused.
    out = await cycle.chat(PRIYA, datetime(2026, 11, 24, 9, 20),
                           ["schedule Sam", "1", "60", "Inclusion office", "27/11/2026 10:00", "03/12/2026 10:00"])
    assert "The earliest you can book is Monday 30 November at 08:00" in out
    assert "moved to Thu 3 Dec 2026, 10:00, 60 minutes, at Inclusion office" in out
    assert list((tmp_path / "exports").glob("*.ics"))
    [meeting] = [m for m in await repos.reviews.meetings_for(review.id) if m.status == "scheduled"]  # type: ignore[arg-type]
    assert (meeting.kind, meeting.minutes) == ("planning", 60)
    assert meeting.starts_at.astimezone(cycle.clock._zone).replace(tzinfo=None) == datetime(2026, 12, 3, 10, 0)

    # --- Objectives set after the meeting (6.1-6.8) and signed by both (Annex 1).
    out = await cycle.chat(PRIYA, datetime(2026, 12, 3, 11, 30), [
        "objectives Sam", OBJECTIVE, CRITERIA, "18/06/2027", "Read Write Inc. phonics training in the Spring term",
        "team", "skip", "1", "no", "Wants to start the Level 3 TA qualification",
        "Runs the reading club with the class teacher", "skip", "skip", "skip", "Works Monday to Thursday",
        "confirm"])
    assert "Agreement: Agreed together" in out  # read back by label, not the stored value
    assert "Saved 1 objective(s) for Sam Patel and signed the planning part as reviewer" in out
    [objective] = await repos.forms.objectives(review.id)  # type: ignore[arg-type]
    assert (objective.text, objective.success_criteria, objective.due_date) == (OBJECTIVE, CRITERIA,
                                                                                date(2027, 6, 18))
    assert objective.kinds == ["team"]
    out = await cycle.chat(SAM, datetime(2026, 12, 3, 15, 0), ["status", "signoff", "confirm"])
    assert "Read and sign the objectives: say signoff" in out and "1. Sign" in out
    assert "Signed: the objectives (planning), by you both" in out
    assert (await cycle.review()).stage == ReviewStage.OBJECTIVES_AGREED
    assert {("planning", "reviewer"), ("planning", "reviewee")} <= await cycle.signed()

    # --- Mid-year review in the Spring term (3.2): booked, held, recorded, signed by both.
    out = await cycle.chat(PRIYA, datetime(2027, 1, 25, 9, 0), [
        "schedule Sam", "2", "60", "Inclusion office", "10/02/2027 09:00"])
    assert "mid-year review with Sam Patel booked for Wed 10 Feb 2027, 09:00" in out
    out = await cycle.chat(PRIYA, datetime(2027, 2, 10, 10, 0), [
        "midyear Sam", "4 of 6 pupils on track at the February check", "yes", "yes", "skip",
        "We talked about moving one pupil to a smaller group", "skip", "skip", "confirm"])
    assert "Saved the mid-year review for Sam Patel and signed it as reviewer" in out
    out = await cycle.chat(SAM, datetime(2027, 2, 10, 15, 0), ["signoff", "skip", "confirm"])
    assert "Signed: the mid-year interim review, by you both" in out
    review = await cycle.review()
    assert (review.stage, review.midyear_all_on_track, review.midyear_performing_expected) == (
        ReviewStage.MID_YEAR_DONE, True, True)
    assert ("mid_year", "reviewee") in await cycle.signed()

    # --- A support plan (7.4, Annex 4): Priya writes it, Sam acknowledges it.
    out = await cycle.chat(PRIYA, datetime(2027, 2, 11, 10, 0), [
        "plan", "1", "Sam", "11/02/2027", "Arriving late to the morning phonics group",
        "On time for every session from 22 February", "Weekly check-in with Priya", "Priya Shah", "Weekly",
        "25/02/2027, 18/03/2027", "2", "confirm"])
    assert "Saved Sam Patel's support plan with 1 action" in out
    out = await cycle.chat(SAM, datetime(2027, 2, 11, 15, 0), ["plan", "1", "1", "skip"])
    assert "Thank you, that's recorded" in out
    sam = await repos.people.person_by_email(SAM)
    [plan] = await repos.plans.plans_for(sam.id)  # type: ignore[union-attr,arg-type]
    assert (plan.kind, plan.acknowledged_at is not None) == ("support", True)
    [action] = await repos.plans.plan_actions(plan.id)  # type: ignore[arg-type]
    assert action.review_dates == ["2027-02-25", "2027-03-18"]

    # --- End-of-year review (7.1): booked in its window, then Partially Met, read back as such; both
    # sign; the report is delivered.
    out = await cycle.chat(PRIYA, datetime(2027, 6, 28, 9, 0), [
        "schedule Sam", "3", "60", "Inclusion office", "07/07/2027 09:00"])
    assert "end-of-year review with Sam Patel booked for Wed 7 Jul 2027, 09:00" in out
    out = await cycle.chat(PRIYA, datetime(2027, 7, 7, 10, 0), [
        "endyear Sam", "2", "4 of 6 pupils reached the expected standard at the June check", "yes", "skip",
        "Good progress on a challenging group", *["skip"] * 6, "Phonics: Read Write Inc. refresher", "yes",
        "skip", "skip", "confirm"])
    assert "Objective 1: outcome: Partially Met" in out and "partially_met" not in out
    assert "Saved the end of year review for Sam Patel and signed it as reviewer" in out
    out = await cycle.chat(SAM, datetime(2027, 7, 7, 15, 0), ["signoff", "skip", "confirm"])
    assert "The report is final and delivered today" in out
    review = await cycle.review()
    assert (review.stage, review.report_delivered_on, review.eoy_performing_expected) == (
        ReviewStage.END_OF_YEAR_DONE, date(2027, 7, 7), True)
    [progress] = [p for p in await repos.forms.progress([objective.id]) if p.stage == "end_of_year"]  # type: ignore[list-item]
    assert progress.outcome == "partially_met"

    # --- Concerns (9.1), then a written appeal to the Headteacher (9.2-9.5), heard and decided.
    out = await cycle.chat(SAM, datetime(2027, 7, 8, 9, 0), [
        "appeal", "The June check was on a day two of my group were absent; the July retest shows 6 of 6",
        "confirm", "status"])
    assert "I've sent your concerns to Priya Shah" in out
    assert "You've raised concerns with your reviewer" in out
    out = await cycle.chat(PRIYA, datetime(2027, 7, 8, 10, 0), ["status"])
    assert "Sam has raised concerns about their report" in out
    out = await cycle.chat(SAM, datetime(2027, 7, 19, 9, 0), [
        "appeal", "1", "The June phonics check was taken on a day two of my group were absent", "2", "Jo Brown",
        "confirm", "status"])
    assert "Your written appeal has gone to Helen Hart (Headteacher)" in out
    assert "by Mon 09 Aug 2027 at the latest (Policy 9.5)" in out
    assert "Your written appeal is with Helen Hart, who arranges the hearing by Mon 09 Aug 2027" in out
    out = await cycle.chat(HELEN, datetime(2027, 7, 19, 11, 0), [
        "status", "appeal", "26/07/2027 10:00", "Headteacher's office", "confirm"])
    assert "Sam Patel has appealed in writing: arrange the hearing by Mon 09 Aug 2027" in out
    assert "As Headteacher you hear written appeals" in out and "1. Appeal" in out
    assert "For example 09/08/2027 10:00" in out  # an example date Helen could actually use
    assert "Booked: Sam Patel's appeal hearing on Mon 26 Jul 2027, 10:00" in out
    out = await cycle.chat(HELEN, datetime(2027, 7, 26, 11, 30), [
        "appeal", "1", "The July retest is accepted as evidence for objective 1.", "confirm"])
    assert "Recorded: appeal upheld" in out
    [appeal] = await repos.appeals.appeals_of(sam.id)  # type: ignore[union-attr,arg-type]
    assert (appeal.stage, appeal.handler_id, appeal.companion_name, appeal.written_received_on) == (
        "decided", (await repos.people.person_by_email(HELEN)).id, "Jo Brown", date(2027, 7, 19))  # type: ignore[union-attr]

    # --- Everyone else: the chair knows what the role is for; HR exports Sam's form; Sam his own.
    out = await cycle.chat(COLIN, datetime(2027, 7, 27, 10, 0), ["status"])
    assert "As Chair of Governors you hear appeals" in out
    out = await cycle.chat(HARRIET, datetime(2027, 7, 27, 10, 0), ["export Sam md"])
    assert "confidential (Policy 10.1)" in out
    out = await cycle.chat(SAM, datetime(2027, 7, 27, 10, 0), ["appeal", "cancel", "export md", "export plan md"])
    assert "Your appeal was decided on Mon 26 Jul 2027: Appeal upheld. The July retest is accepted" in out
    form = (tmp_path / "exports" / "planning-review-form-sam-patel-2026-27.md").read_text(encoding="utf-8")
    [plan_file] = [p for p in (tmp_path / "exports").glob("*.md") if "form" not in p.name]
    [appeal] = await repos.appeals.appeals_of(sam.id)  # type: ignore[union-attr,arg-type]
    review = await cycle.review()
    return Finished(review.stage, review.report_delivered_on, progress.outcome, (appeal.stage, appeal.outcome),
                    form, plan_file.read_text(encoding="utf-8"), cycle.steps)

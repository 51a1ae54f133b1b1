"""Issue 19: a year of the demo trust in the console, trying every step too early, too late and out of
order on the scenario's clock. Each refusal says what must happen first, by whom and the clause, and
changes nothing stored; each step then happens once its turn has come (bot.policy.lifecycle).

Mark Lee reviews Chris Wood (no planning meeting yet on Mon 23 Nov 2026); Priya Shah reviews Jo Brown
(objectives agreed); Helen Hart is the headteacher.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FixedClock
from tests.test_whole_cycle import CRITERIA, OBJECTIVE, Cycle

MARK = "mark.lee@hillside.example"
CHRIS = "chris.wood@hillside.example"
PRIYA = "priya.shah@hillside.example"
JO = "jo.brown@hillside.example"
HELEN = "helen.hart@hillside.example"
HARRIET = "harriet.ward@central.example"

OBJECTIVES = ["objectives Chris", OBJECTIVE, CRITERIA, "18/06/2027", "Phonics training", "team", "skip", "1",
              "no", "Level 3 TA", "Runs the reading club", "skip", "skip", "skip", "Part time", "confirm"]


@pytest.fixture
def cycle(demo_app: App, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cycle:
    monkeypatch.chdir(tmp_path)
    return Cycle(demo_app, clock)


async def stored(app: App, email: str) -> tuple[object, ...]:
    """Everything a refusal must leave alone: the review's parts and stage, objectives, meetings, signatures."""
    person = await app.repos.people.person_by_email(email)
    review = await app.repos.reviews.current_review(person.id)  # type: ignore[union-attr]
    assert review is not None and review.id is not None
    meetings = sorted((m.kind, m.starts_at, m.status) for m in await app.repos.reviews.meetings_for(review.id))
    signatures = sorted((s.part, s.role) for s in await app.repos.forms.signatures("review", review.id))
    objectives = [(o.number, o.text) for o in await app.repos.forms.objectives(review.id)]
    return (review.stage, review.planning_submitted_at, review.midyear_submitted_at, review.eoy_submitted_at,
            review.report_delivered_on, tuple(objectives), tuple(meetings), tuple(signatures))


async def test_every_step_too_early_too_late_or_out_of_order_is_refused_and_changes_nothing(cycle: Cycle) -> None:
    app = cycle.app

    async def refused(email: str, subject: str, when: datetime, lines: list[str], *expected: str) -> str:
        before = await stored(app, subject)
        out = await cycle.chat(email, when, lines)
        for text in expected:
            assert text in out, (text, out)
        assert await stored(app, subject) == before, out
        return out

    # --- November, no planning meeting yet: objectives, the mid-year and the end of year are all refused.
    nov = datetime(2026, 11, 24, 9, 0)
    await refused(MARK, CHRIS, nov, ["objectives Chris"],
                  "The planning meeting comes first", "Policy 3.2", "say schedule Chris")
    # what comes first is the root of the chain: the planning meeting, booked with `schedule`
    await refused(MARK, CHRIS, nov, ["midyear Chris"],
                  "objectives must be agreed and signed by you both first", "First: booking the planning meeting",
                  "say schedule Chris")
    await refused(MARK, CHRIS, nov, ["endyear Chris"], "comes after the mid-year review", "Policy 3.2")
    # a mid-year meeting cannot be booked before the objectives exist (3.2)
    await refused(MARK, CHRIS, nov, ["schedule Chris", "2", "60", "Office", "14/12/2026 10:00"],
                  "objectives must be agreed and signed by you both first")

    # --- The planning meeting is booked for Thu 3 Dec; objectives before it are still refused (finding 6).
    out = await cycle.chat(MARK, nov, ["schedule Chris", "1", "60", "Office", "03/12/2026 10:00"])
    assert "booked for Thu 3 Dec 2026, 10:00" in out
    await refused(MARK, CHRIS, datetime(2026, 11, 25, 9, 0), ["objectives Chris"],
                  "it is booked for Thu 3 Dec 2026")

    # --- After the meeting: objectives are recorded; the mid-year waits for Chris's signature, then for spring.
    out = await cycle.chat(MARK, datetime(2026, 12, 3, 11, 30), OBJECTIVES)
    assert "Saved 1 objective(s) for Chris Wood" in out
    await refused(MARK, CHRIS, datetime(2026, 12, 4, 9, 0), ["midyear Chris"],
                  "signing the objectives", "say signoff")
    out = await cycle.chat(CHRIS, datetime(2026, 12, 4, 10, 0), ["signoff", "confirm"])
    assert "by you both" in out
    # finding 1: in December the mid-year is too early, whatever status says about it
    await refused(MARK, CHRIS, datetime(2026, 12, 7, 9, 0), ["midyear Chris"], "opens on Mon 4 Jan 2027")
    await refused(MARK, CHRIS, datetime(2026, 12, 7, 9, 0), ["endyear Chris"], "comes after the mid-year review",
                  "say schedule Chris")
    await refused(MARK, CHRIS, datetime(2026, 12, 7, 9, 0),
                  ["schedule Chris", "2", "60", "Office", "15/12/2026 10:00"], "opens on Mon 4 Jan 2027")
    out = await cycle.chat(MARK, datetime(2026, 12, 7, 9, 5), ["cancel"])

    # --- Spring: the mid-year is booked, refused before its meeting, recorded after it, signed.
    out = await cycle.chat(MARK, datetime(2027, 1, 25, 9, 0), ["schedule Chris", "2", "60", "Office",
                                                               "10/02/2027 10:00"])
    assert "mid-year review with Chris Wood booked for Wed 10 Feb 2027, 10:00" in out
    await refused(MARK, CHRIS, datetime(2027, 2, 5, 9, 0), ["midyear Chris"], "booked for Wed 10 Feb 2027")
    out = await cycle.chat(MARK, datetime(2027, 2, 10, 11, 30), [
        "midyear Chris", "On track", "yes", "yes", "skip", "We talked it through", "skip", "skip", "confirm"])
    assert "Saved the mid-year review for Chris Wood" in out
    await cycle.chat(CHRIS, datetime(2027, 2, 10, 15, 0), ["signoff", "skip", "confirm"])
    # the end of year is still too early in March, and cannot be booked for then either
    await refused(MARK, CHRIS, datetime(2027, 3, 1, 9, 0), ["endyear Chris"], "opens on", "Policy 7.1")
    await refused(MARK, CHRIS, datetime(2027, 3, 1, 9, 0),
                  ["schedule Chris", "3", "60", "Office", "15/03/2027 10:00"], "opens on")
    await cycle.chat(MARK, datetime(2027, 3, 1, 9, 5), ["cancel"])

    # --- Too late: Jo's mid-year was never held and the Spring term is over (3.2).
    await refused(PRIYA, JO, datetime(2027, 4, 20, 9, 0), ["midyear Jo"],
                  "closed on Thu 25 Mar 2027", "exception")
    # HR cannot make Priya's colleague's step happen for her, but the headteacher may record an exception
    out = await cycle.chat(HELEN, datetime(2027, 4, 20, 10, 0), [
        "exception Jo", "2", "Jo was on long-term sick leave all Spring term (Policy 3.7)", "confirm"])
    assert "Recorded: hold the mid-year review outside the spring term" in out
    # the exception lifts the window, not the meeting: it is booked and held first
    await refused(PRIYA, JO, datetime(2027, 4, 20, 11, 0), ["midyear Jo"], "book it first")
    out = await cycle.chat(PRIYA, datetime(2027, 4, 20, 11, 5), ["schedule Jo", "2", "60", "Office",
                                                                 "27/04/2027 10:00"])
    assert "booked for Tue 27 Apr 2027, 10:00" in out
    out = await cycle.chat(PRIYA, datetime(2027, 4, 27, 11, 30), [
        "midyear Jo", "Back and settling in", "Nurture club restarted", "yes", "yes", "skip", "Return to work",
        "skip", "skip", "confirm"])
    assert "Saved the mid-year review for Jo Brown" in out
    jo = await app.repos.people.person_by_email(JO)
    review = await app.repos.reviews.current_review(jo.id)  # type: ignore[union-attr]
    [exception] = (await app.repos.lifecycle.review_exceptions([review.id])).get(review.id, [])  # type: ignore[union-attr,list-item]
    assert exception.step == "mid_year" and "long-term sick leave" in exception.reason
    out = await cycle.chat(HELEN, datetime(2027, 4, 27, 12, 0), ["export Jo md"])
    form = next((Path("exports")).glob("planning-review-form-jo-brown-*.md")).read_text(encoding="utf-8")
    assert "Exceptions to the order of the cycle" in form and "long-term sick leave all Spring term" in form

    # --- The end of year in its window: booked, held, recorded and signed; the report is delivered.
    out = await cycle.chat(MARK, datetime(2027, 6, 28, 9, 0), ["schedule Chris", "3", "60", "Office",
                                                               "07/07/2027 09:00"])
    assert "end-of-year review with Chris Wood booked for Wed 7 Jul 2027, 09:00" in out
    out = await cycle.chat(MARK, datetime(2027, 7, 7, 10, 0), [
        "endyear Chris", "1", "All met", "yes", "skip", "A good year", *["skip"] * 6, "Phonics refresher", "yes",
        "skip", "skip", "confirm"])
    assert "Saved the end of year review for Chris Wood" in out
    out = await cycle.chat(CHRIS, datetime(2027, 7, 7, 15, 0), ["signoff", "skip", "confirm"])
    assert "The report is final and delivered today" in out
    # after the end of year, the objectives it assessed can no longer change (7.1)
    await refused(MARK, CHRIS, datetime(2027, 7, 8, 9, 0), ["objectives Chris"], "can't change now")

"""Reviewers prepare with the Annex 2 checklist and other managers' input (4.1); the agenda (5.5-5.6); status."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import App
from bot.dialogs.review.agenda import AgendaFacts, build_agenda
from bot.policy.questions import COLLEAGUE_QUESTIONS, REVIEWER_CHECKLIST
from tests.dialogs.review.conftest import ALEX, CHRIS, HELEN, JO, MARK, PRIYA, SAM, Say, person_id, text_of


async def test_priya_prepares_for_jo_and_asks_mark_for_input_which_reaches_the_agenda(demo_app: App, say: Say) -> None:
    intro = text_of(await say(PRIYA, "prep jo"))
    assert "Last cycle's objectives and outcomes" in intro and "Partially Met" in intro
    assert "Phonics refresher — essential, funded" in intro
    assert "understand the Trust's policy on performance management for support staff;" in intro
    for _ in range(len(REVIEWER_CHECKLIST) - 2):
        await say(PRIYA, "yes")
    assert "Please answer yes or no" in text_of(await say(PRIYA, "soon"))
    await say(PRIYA, "no")  # "find out if there are any team or whole academy objectives" not done yet
    ask = text_of(await say(PRIYA, "yes"))
    assert "Ask Mark Lee for input" in ask and "Policy 4.1" in ask
    await say(PRIYA, "yes")
    done = text_of(await say(PRIYA, "Focus on phonics outcomes and the nurture club"))
    assert "asked Mark Lee for their input" in done and "Still to do: find out if there are any team" in done

    jo = await person_id(demo_app, JO)
    mark = await person_id(demo_app, MARK)
    review = await demo_app.repos.reviews.current_review(jo)
    assert review is not None and review.id is not None
    [request] = await demo_app.repos.forms.input_requests(review.id)
    assert request.manager_id == mark and request.response == ""
    [notice] = [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == mark]
    assert notice.clause == "4.1" and "prep Jo" in notice.body
    checklist = {a.question_key: a.answer for a in await demo_app.repos.forms.preparation_answers(review.id, "reviewer")}
    assert checklist["ready_01"] == "yes" and checklist["rahead_02"] == "no"
    assert checklist["notes"] == "Focus on phonics outcomes and the nurture club"

    # Mark, Jo's other line manager, gives his input with the same words
    asked = text_of(await say(MARK, "prep jo"))
    assert "Priya Shah is Jo Brown's reviewer and has asked for your input" in asked
    assert "input is with Priya Shah" in text_of(await say(MARK, "Jo covers the office reliably on Fridays"))
    [request] = await demo_app.repos.forms.input_requests(review.id)
    assert request.response == "Jo covers the office reliably on Fridays" and request.responded_at is not None

    agenda = text_of(await say(PRIYA, "agenda jo"))
    assert "Input from other line managers (Policy 4.1)" in agenda and "Jo covers the office" in agenda
    assert "Reviewer's notes: Focus on phonics" in agenda
    own = text_of(await say(JO, "agenda"))
    assert "Jo covers the office" in own and "Reviewer's notes" not in own


async def test_the_agenda_shows_sams_answers_to_priya_only_once_he_shares_them(demo_app: App, say: Say) -> None:
    await say(SAM, "prep")
    await say(SAM, "Yes, the reading group went well")
    for _ in COLLEAGUE_QUESTIONS[1:]:
        await say(SAM, "skip")
    await say(SAM, "no")
    hidden = await say(PRIYA, "agenda sam")
    assert "Part one: looking back (Policy 5.5)" in hidden[0].text and "Part two: looking ahead (Policy 5.6)" in hidden[0].text
    assert "the reading group went well" not in hidden[0].text and "kept them for the meeting" in hidden[0].text
    assert "Tue 1 Dec 2026, 14:00, Inclusion office" in hidden[0].text
    assert "Support the Year 3 reading group four mornings a week — Partially Met" in hidden[0].text
    own = text_of(await say(SAM, "agenda"))
    assert "Sam: “Yes, the reading group went well”" in own
    await say(SAM, "prep")
    for _ in COLLEAGUE_QUESTIONS:
        await say(SAM, "skip")
    await say(SAM, "yes")
    shown = text_of(await say(PRIYA, "agenda sam"))
    assert "Sam: “Yes, the reading group went well”" in shown
    assert any(e.record_type == "agenda" and e.action == "read"
               for e in await demo_app.repos.audit.audit_events(await person_id(demo_app, SAM)))


async def test_agenda_is_refused_to_people_outside_the_reporting_line(say: Say) -> None:
    assert "couldn't find a colleague of yours" in text_of(await say(CHRIS, "agenda sam"))
    assert "only do that for colleagues you review" in text_of(await say(CHRIS, "agenda sam.patel@hillside.example"))


def test_build_agenda_is_pure_and_follows_5_5_and_5_6() -> None:
    at = datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("Europe/London"))
    reply = build_agenda(AgendaFacts(colleague="Sam Patel", reviewer="Priya Shah", meeting_kind="planning",
                                     meeting_at=at, location="Room 2", colleague_answers={"back_09": "Reading buddies"},
                                     last_objectives=((1, "Reading group", "met", "8 of 10"),)))
    text = reply.text
    order = ["1. A reflection on the previous year", "2. Progress against the objectives", "3. What development",
             "4. How the Ways of Being Co-op", "5. Setting objectives", "6. Areas for development",
             "7. Support, training and development"]
    assert [text.index(item) for item in order] == sorted(text.index(item) for item in order)
    assert "Objective 1: Reading group — Met (8 of 10)" in text and "Sam: “Reading buddies”" in text
    assert "Mon 7 Dec 2026, 10:00, Room 2" in text and reply.clause == "5.5"
    second = build_agenda(AgendaFacts(colleague="Sam Patel", reviewer="Priya Shah", meeting_kind="split_second_half"))
    assert "Part one" not in second.text and "Part two" in second.text and "No meeting booked yet" in second.text


async def test_status_says_what_comes_next_by_when_with_the_clause(demo_app: App, say: Say) -> None:
    sam = await say(SAM, "status")
    assert "Next: Prepare for your meeting on Tue 1 Dec 2026, 14:00 (0 of 23 questions answered): say prep by " \
           "Mon 30 Nov 2026 (Policy 5.1)" in sam[0].text
    alex = text_of(await say(ALEX, "status"))
    assert "Next: Read and sign the objectives: say signoff (Policy Annex 1)" in alex
    priya = text_of(await say(PRIYA, "status"))
    assert "Your team's next steps" in priya
    # Dana started on 5 October 2026: initial planning within three months (3.5)
    assert "• Dana White (preparing): Book the planning meeting, with at least 5 days' notice: say schedule Dana " \
           "(joined part way through the year) by Tue 05 Jan 2027 (Policy 3.5)" in priya
    assert "• Sam Patel (planning): Prepare with the reviewer's checklist for Tue 1 Dec 2026, 14:00: say prep Sam " \
           "by Fri 27 Nov 2026 (Policy Annex 2)" in priya
    # the mid-year opens in the Spring term (3.2): in November it is booked, not recorded
    assert "• Jo Brown (objectives agreed): Book the mid-year review in the Spring term, from Mon 4 Jan 2027: " \
           "say schedule Jo by Thu 25 Mar 2027 (Policy 3.2)" in priya
    mark = text_of(await say(MARK, "status"))
    assert "• Alex Green (planning): Waiting for Alex to sign (Policy Annex 1)" in mark
    assert "• Chris Wood (preparing): Book the planning meeting, with at least 5 days' notice: say schedule Chris " \
           "(Policy 5.3)" in mark
    assert "• Jo Brown (objectives agreed, reviewed by Priya Shah; you give input when asked, Policy 4.1)" in mark
    one = text_of(await say(MARK, "status chris"))
    assert one.startswith("Chris Wood") and "Their preparation: 0 of 23" in one
    assert "only see the reviews of colleagues you review" in text_of(await say(CHRIS, f"status {SAM}"))


async def test_a_headteacher_without_a_review_of_her_own_is_pointed_to_agenda_name(say: Say) -> None:
    assert "agenda NAME" in text_of(await say(HELEN, "agenda"))

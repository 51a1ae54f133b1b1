"""Mark sets Chris's objectives after their planning meeting (Annex 1; Policy 6.1-6.8, 7.3), then both sign."""

from __future__ import annotations

from datetime import date

from bot.app import App
from bot.messages import Action, Address, Channel, Inbound
from store.models import Milestone, ReviewStage
from tests.dialogs.review.conftest import CHRIS, JO, MARK, PRIYA, SAM, Say, held_meeting, person_id, text_of

GOOD_1 = ("Answer the school office phone and email within agreed times, logging every enquiry on the new system",
          "95% of enquiries answered within one working day, measured monthly from the log", "31/07/2027")


async def test_three_objectives_a_fourth_with_a_reason_smart_gaps_named_and_both_sign(demo_app: App, say: Say) -> None:
    await held_meeting(demo_app, CHRIS)  # objectives are agreed at the planning meeting (3.2)
    intro = text_of(await say(MARK, "objectives chris"))
    assert "Objectives for Chris Wood" in intro and "Objective 1: what is the objective?" in intro
    await say(MARK, "Improve things")
    await say(MARK, "Do better")
    assert "date has passed" in text_of(await say(MARK, "01/01/2020"))
    smart = await say(MARK, "31/01/2027")
    check = smart[0].text
    assert smart[0].clause == "6.2" and "Specific:" in check and "Measurable:" in check
    assert "Time-bound" not in check
    # revise: each back steps one answer (date, success criteria, objective)
    assert "completed by" in text_of(await say(MARK, "change"))
    assert "success criteria" in text_of(await say(MARK, "back"))
    assert "what is the objective" in text_of(await say(MARK, "back"))
    for answer in GOOD_1:
        replies = await say(MARK, answer)
    assert "Development or support needed" in replies[0].text or "development or support needed" in replies[0].text
    await say(MARK, "Training on the new enquiry system")
    assert "don't know the kind “rocket”" in text_of(await say(MARK, "team, rocket"))
    await say(MARK, "team, Ways of Being Co-op")
    assert "start each milestone with its date" in text_of(await say(MARK, "halfway check"))
    await say(MARK, "31/03/2027 Halfway check of the log")
    assert "Add another objective?" in text_of(await say(MARK, "agreed"))
    await say(MARK, "yes")

    for answer in ("Keep the parent contact list accurate, checking 20 records a week against the MIS",
                   "No more than 2 errors a term found in the termly audit", "17/07/2027", "skip", "skip", "skip",
                   "2", "yes"):  # 2 = determined by the reviewer (6.3)
        await say(MARK, answer)
    for answer in ("Check the admissions files for the September 2027 intake and always chase missing forms within a week",
                   "All 60 files complete by 30 June 2027"):
        await say(MARK, answer)
    achievable = text_of(await say(MARK, "30/06/2027"))
    assert "Achievable:" in achievable and "Specific:" not in achievable
    await say(MARK, "confirm")  # go on as it is
    for answer in ("skip", "academy", "skip"):
        await say(MARK, answer)
    assert "Policy 6.4 says normally no more than 3" in text_of(await say(MARK, "agreed"))
    reason = await say(MARK, "yes")
    assert reason[0].clause == "6.4" and "Why does this colleague need objective 4" in reason[0].text
    assert "can't be skipped" in text_of(await say(MARK, "skip"))
    refused = await say(MARK, "none")
    assert "Policy 6.4" in refused[0].text and "Give a reason" in refused[0].text
    await say(MARK, "The admissions project is a one-off this year")
    for answer in ("Write a handbook of office procedures for cover staff, reviewed by 3 colleagues",
                   "Handbook reviewed by 3 colleagues and used on 2 cover days", "12/03/2027", "skip", "skip", "skip",
                   "agreed", "no", "Level 2 customer service course", "Chris helps colleagues at busy times",
                   "skip", "skip", "skip"):
        await say(MARK, answer)
    summary = text_of(await say(MARK, "skip"))
    assert "Here's the plan" in summary and "Level 2 customer service course" in summary
    done = text_of(await say(MARK, "confirm"))
    assert "Saved 4 objective(s)" in done and "determined by you" in done and "asked Chris to read and sign" in done

    chris = await person_id(demo_app, CHRIS)
    review = await demo_app.repos.reviews.current_review(chris)
    assert review is not None and review.id is not None
    objectives = await demo_app.repos.forms.objectives(review.id)
    assert [o.number for o in objectives] == [1, 2, 3, 4]
    one, two, three, four = objectives
    assert one.text == GOOD_1[0] and one.due_date == date(2027, 7, 31) and one.kinds == ["team", "ways_of_being_coop"]
    assert one.support_needed == "Training on the new enquiry system" and one.smart_gaps == []
    [milestone] = await demo_app.repos.forms.milestones([one.id])  # type: ignore[list-item]
    assert (milestone.due_date, milestone.description) == (date(2027, 3, 31), "Halfway check of the log")
    assert two.agreement == "determined_by_reviewer" and one.agreement == "agreed"
    assert three.smart_gaps == ["Achievable"] and three.kinds == ["academy"]
    assert four.extra_reason == "The admissions project is a one-off this year"
    assert all(o.policy_version == "2019-07-25" for o in objectives)
    assert review.professional_development == "Level 2 customer service course"
    reflections = {r.way: r.text for r in await demo_app.repos.forms.coop_reflections(review.id) if r.part == "planning"}
    assert reflections["Succeed together"] == "Chris helps colleagues at busy times"
    assert reflections["Show you care"] == ""
    [signature] = await demo_app.repos.forms.signatures("review", review.id)
    assert (signature.part, signature.role, signature.channel) == ("planning", "reviewer", "console")
    assert signature.platform_identity == f"console:{MARK}"
    [ask] = [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == chris and r.kind == "signoff_request"]
    assert ask.clause == "6.3" and "say signoff" in ask.body

    # Chris reads what he is signing, then signs: the objectives are agreed
    shown = text_of(await say(CHRIS, "signoff"))
    assert "Sign here to indicate that these objectives have been agreed" in shown and GOOD_1[0] in shown
    signed = text_of(await say(CHRIS, "confirm"))
    assert "by you both" in signed and "objectives are agreed" in signed
    review = await demo_app.repos.reviews.review(review.id)
    assert review is not None and review.stage == ReviewStage.OBJECTIVES_AGREED
    roles = {(s.role, s.person_id) for s in await demo_app.repos.forms.signatures("review", review.id)}
    assert roles == {("reviewer", await person_id(demo_app, MARK)), ("reviewee", chris)}
    assert "nothing on your form waiting" in text_of(await say(CHRIS, "signoff"))
    # 10.2: Chris's own copy of the signed form is queued for him, once
    [copy] = [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == chris and r.kind == "form_copy"]
    assert copy.clause == "10.2" and copy.dedupe_key == f"form_copy:{review.id}:planning"


async def test_changing_signed_objectives_withdraws_both_signatures(demo_app: App, say: Say) -> None:
    jo = await person_id(demo_app, JO)
    review = await demo_app.repos.reviews.current_review(jo)
    assert review is not None and len(await demo_app.repos.forms.signatures("review", review.id)) == 2  # type: ignore[arg-type]
    intro = text_of(await say(PRIYA, "objectives jo"))
    assert "Already recorded: 1. Lead phonics" in intro and "Keep them and add more" in intro
    await say(PRIYA, "add")
    for answer in ("Run a weekly spelling club for 8 Year 4 pupils in the Spring and Summer terms",
                   "6 of the 8 pupils improve their spelling age by 6 months, measured in July", "16/07/2027",
                   "skip", "team", "skip", "agreed", "no", "skip", "skip", "skip", "skip", "skip", "skip"):
        await say(PRIYA, answer)
    done = text_of(await say(PRIYA, "confirm"))
    assert "signatures were withdrawn" in done
    numbers = [o.number for o in await demo_app.repos.forms.objectives(review.id)]  # type: ignore[arg-type]
    assert numbers == [1, 2, 3]
    signatures = await demo_app.repos.forms.signatures("review", review.id)  # type: ignore[arg-type]
    assert [(s.part, s.role) for s in signatures] == [("planning", "reviewer")]
    assert (await demo_app.repos.reviews.review(review.id)).stage == ReviewStage.PLANNING  # type: ignore[arg-type,union-attr]


async def test_slack_shows_each_objective_as_a_form_and_keeps_valid_fields(demo_app: App) -> None:
    mark = await demo_app.repos.people.person_by_email(MARK)
    assert mark is not None and mark.id is not None
    await demo_app.repos.people.link_platform_id(mark.id, "slack", "U0MARKTEST")
    address = Address(Channel.SLACK, "U0MARKTEST")
    await held_meeting(demo_app, CHRIS)
    [intro, form_reply] = await demo_app.engine.handle(Inbound(address, "objectives chris"))
    assert form_reply.form is not None
    assert [f.key for f in form_reply.form.fields] == ["o1_text", "o1_criteria", "o1_due"]
    submit = Inbound(address, form={"o1_text": GOOD_1[0], "o1_criteria": "", "o1_due": "next spring"},
                     action=Action("submit", form_reply.session_id, form_reply.revision))
    replies = await demo_app.engine.handle(submit)
    assert "Success criteria: this one is needed" in replies[0].text
    assert "couldn't read that as a date" in replies[0].text
    again = replies[1].form
    assert again is not None and [f.key for f in again.fields] == ["o1_criteria", "o1_due"]  # the objective is kept
    second = await demo_app.engine.handle(Inbound(address, form={"o1_criteria": GOOD_1[1], "o1_due": GOOD_1[2]},
                                                  action=Action("submit", replies[1].session_id, replies[1].revision)))
    assert second[0].form is not None and [f.key for f in second[0].form.fields] == [
        "o1_support", "o1_kinds", "o1_milestones"]
    # a click on the first form, now stale, changes nothing
    stale = await demo_app.engine.handle(submit)
    assert "earlier message" in stale[0].text


async def test_only_the_reviewer_sets_objectives(say: Say) -> None:
    assert "Priya Shah is Jo Brown's reviewer" in text_of(await say(MARK, "objectives jo"))
    assert "your reviewer records them" in text_of(await say(CHRIS, "objectives"))  # he sees his own, sets none


async def test_an_objective_spanning_cycles_carries_over_with_its_open_milestones(demo_app: App, say: Say) -> None:
    sam = await person_id(demo_app, SAM)
    [last, current] = [r for r, _ in await demo_app.repos.reviews.reviews_of(sam)]
    [old] = await demo_app.repos.forms.objectives(last.id)  # type: ignore[arg-type]
    await demo_app.repos.forms.save_milestone(Milestone(objective_id=old.id, description="Pupils read with a buddy", done=True,
                                       due_date=date(2026, 7, 1)))  # type: ignore[arg-type]
    await demo_app.repos.forms.save_milestone(Milestone(objective_id=old.id, description="Reading ages rechecked",
                                       due_date=date(2027, 2, 12)))  # type: ignore[arg-type]
    await held_meeting(demo_app, SAM)
    offer = text_of(await say(PRIYA, "objectives sam"))
    assert "Carry it over into this cycle with those milestones (Policy 7.3)?" in offer
    assert "Reading ages rechecked (by 12/02/2027)" in offer and "read with a buddy" not in offer
    assert "Add a new objective as well?" in text_of(await say(PRIYA, "yes"))
    assert "Objective 2: what is the objective?" in text_of(await say(PRIYA, "yes"))  # numbered after the carried one
    for answer in ("Lead the Year 3 spelling group three mornings a week this year",
                   "8 of 10 pupils gain 6 months in spelling age by July", "16/07/2027", "skip", "skip", "skip",
                   "agreed", "no", "skip", "skip", "skip", "skip", "skip", "skip"):
        await say(PRIYA, answer)
    assert "Saved 2 objective(s)" in text_of(await say(PRIYA, "confirm"))
    carried, new = await demo_app.repos.forms.objectives(current.id)  # type: ignore[arg-type]
    assert carried.carried_from_id == old.id and carried.number == 1 and carried.due_date == date(2027, 2, 12)
    [milestone] = await demo_app.repos.forms.milestones([carried.id])  # type: ignore[list-item]
    assert milestone.description == "Reading ages rechecked" and not milestone.done
    assert new.number == 2
    # once carried, it isn't offered again
    assert "Carry it over" not in text_of(await say(PRIYA, "objectives sam"))

"""Support plans and improvement action plans (Policy 7.4, Annex 4, the Improvement Action Plan),
from the manager's and the colleague's side, through the engine on the console channel."""

from __future__ import annotations

from datetime import date

from bot.messages import PromptKind
from bot.policy.deadlines import POLICY_VERSION
from store.models import Reminder
from tests.dialogs.support.conftest import Trust, text_of

PRIYA = "priya.shah@hillside.example"  # Inclusion Lead, line manager of Sam, Jo, Dana
SAM = "sam.patel@hillside.example"
JO = "jo.brown@hillside.example"
CHRIS = "chris.wood@hillside.example"  # reports to Mark Lee, not to Priya

SUPPORT_PLAN_ANSWERS = [
    "20/11/2026",
    "Arriving late to morning intervention sessions",
    "On time for every session by the end of term",
    "A weekly check-in and a fixed start-of-day routine",
    "Priya Shah",
    "Weekly, review after 3 weeks",
    "14/12/2026, 25/01/2027",
]


async def outbox(trust: Trust, to: str) -> list[Reminder]:
    return [r for r in await trust.app.repos.outbox.reminders(status=None) if r.recipient_id == trust.ids[to]]


async def start_support_plan(trust: Trust, manager: str = PRIYA, colleague: str = "Sam") -> list:
    replies = await trust.say(manager, "plan")
    assert "What would you like to do?" in replies[-1].text
    assert [c.label for c in replies[-1].choices] == [
        "New support plan (Annex 4)", "New improvement action plan", "Review a plan",
        "Close a plan: “draw a line under it”", "See a colleague's plan"]
    replies = await trust.say(manager, "New support plan")
    assert replies[-1].text.startswith("Who is this for?") or "Date of the meeting" in replies[-1].text
    if replies[-1].step == "_subject":
        replies = await trust.say(manager, colleague)
    return replies


async def make_support_plan(trust: Trust) -> None:
    await start_support_plan(trust)
    for answer in SUPPORT_PLAN_ANSWERS:
        await trust.say(PRIYA, answer)
    replies = await trust.say(PRIYA, "no")  # no further action
    assert replies[-1].prompt == PromptKind.CONFIRM
    await trust.say(PRIYA, "confirm")


async def test_a_manager_writes_an_annex_4_support_plan_and_the_colleague_gets_it_in_writing(trust: Trust):
    replies = await start_support_plan(trust)
    assert "Date of the meeting with Sam" in replies[-1].text
    for answer in SUPPORT_PLAN_ANSWERS:
        replies = await trust.say(PRIYA, answer)
    assert "Add another action?" in replies[-1].text
    replies = await trust.say(PRIYA, "no")
    confirm = replies[-1].text
    assert "Concern / area of performance for review: Arriving late" in confirm
    assert "Who should make arrangements: Priya Shah" in confirm
    replies = await trust.say(PRIYA, "confirm")
    assert "Saved Sam Patel's support plan with 1 action" in text_of(replies)
    assert "Mon 14 Dec 2026, Mon 25 Jan 2027" in text_of(replies)

    repos = trust.app.repos
    [plan] = await repos.plans.plans_for(trust.ids[SAM])
    assert (plan.kind, plan.stage, plan.status, plan.manager_id) == ("support", "stage_1_informal", "open",
                                                                      trust.ids[PRIYA])
    assert plan.meeting_date == date(2026, 11, 20) and plan.policy_version == POLICY_VERSION
    assert plan.acknowledged_at is None
    [action] = await repos.plans.plan_actions(plan.id)
    assert action.area == "Arriving late to morning intervention sessions"
    assert action.required_level == "On time for every session by the end of term"
    assert action.support == "A weekly check-in and a fixed start-of-day routine"
    assert action.support_arranged_by == "Priya Shah"
    assert action.timescale == "Weekly, review after 3 weeks"
    assert action.review_dates == ["2026-12-14", "2027-01-25"]
    [signature] = await repos.forms.signatures("support_plan", plan.id)
    assert (signature.role, signature.person_id) == ("manager", trust.ids[PRIYA])

    [notice] = await outbox(trust, SAM)
    assert notice.kind == "support_plan_review" and notice.clause == "7.4" and notice.action == "plan"
    assert "Level of improvement required: On time for every session" in notice.body
    assert "This plan has been agreed to provide support in improving performance" in notice.body
    assert "Acknowledge my plan" in notice.body
    events = [e for e in await repos.audit.audit_events(trust.ids[SAM]) if e.record_type == "support_plan"]
    assert any(e.action == "change" and e.detail.get("event") == "created" for e in events)


async def test_the_colleague_acknowledges_the_written_confirmation(trust: Trust):
    await make_support_plan(trust)
    replies = await trust.say(SAM, "plan")
    assert [c.label for c in replies[-1].choices] == ["Acknowledge my plan", "See my plan"]
    replies = await trust.say(SAM, "1")
    assert "Here is the written confirmation of your plan from Priya Shah" in replies[-1].text
    assert "Arriving late to morning intervention sessions" in replies[-1].text
    await trust.say(SAM, "I acknowledge receipt")
    replies = await trust.say(SAM, "Thanks, the routine is helping already")
    assert "Thank you, that's recorded" in text_of(replies)

    repos = trust.app.repos
    [plan] = await repos.plans.plans_for(trust.ids[SAM])
    assert plan.acknowledged_at is not None
    roles = {s.role for s in await repos.forms.signatures("support_plan", plan.id)}
    assert roles == {"manager", "colleague"}
    [told] = [r for r in await outbox(trust, PRIYA) if "acknowledged" in r.subject]
    assert "the routine is helping" in told.body
    # a second acknowledgement is not offered
    replies = await trust.say(SAM, "plan")
    assert [c.label for c in replies[-1].choices] == [] and "Support Plan" in replies[0].text


async def test_a_colleague_can_ask_to_talk_first_and_nothing_is_acknowledged(trust: Trust):
    await make_support_plan(trust)
    await trust.say(SAM, "plan")
    await trust.say(SAM, "Acknowledge my plan")
    await trust.say(SAM, "I'd like to talk about it first")
    replies = await trust.say(SAM, "skip")
    assert "I've let Priya Shah know" in text_of(replies)
    [plan] = await trust.app.repos.plans.plans_for(trust.ids[SAM])
    assert plan.acknowledged_at is None
    assert any("would like to talk" in r.subject for r in await outbox(trust, PRIYA))


async def test_an_improvement_action_plan_with_two_actions_a_safety_risk_and_a_revision(trust: Trust):
    await make_support_plan(trust)  # an earlier Annex 4 plan is not an improvement plan to revise
    await trust.say(PRIYA, "plan")
    replies = await trust.say(PRIYA, "New improvement action plan")
    if replies[-1].step == "_subject":
        replies = await trust.say(PRIYA, "Sam")
    assert "Date of the agreed plan?" in replies[-1].text
    replies = await trust.say(PRIYA, "23/11/2026")
    assert [c.label for c in replies[-1].choices] == ["No, this is a new plan", "Yes, a plan made outside Cadence"]
    replies = await trust.say(PRIYA, "Yes, a plan made outside Cadence")
    assert "date(s) of the original / revised plan(s)" in replies[-1].text
    await trust.say(PRIYA, "Original 02/06/2026, revised 01/09/2026")
    replies = await trust.say(PRIYA, "Stage 2 formal")
    assert "Action 1: area for improvement?" in replies[-1].text
    for answer in ["Accurate recording of reading logs", "Every log complete and correct each week",
                   "12 of 30 logs missing or wrong in October", "yes"]:
        replies = await trust.say(PRIYA, answer)
    assert "measures in place" in replies[-1].text
    for answer in ["Second adult checks logs on Fridays", "Sam completes logs daily; Priya checks weekly",
                   "Quiet 15 minutes at the end of each day", "Immediately, then weekly",
                   "7/12/2026, 18/1/2027", "Weekly sample of 5 logs", "1/12/2026"]:
        replies = await trust.say(PRIYA, answer)
    assert "before the first review date" in replies[0].text  # end of review period before a review
    replies = await trust.say(PRIYA, "29/01/2027")
    assert "Add another action?" in replies[-1].text
    await trust.say(PRIYA, "yes")
    for answer in ["Communication with class teachers", "A handover note each afternoon",
                   "No handover notes at present", "no", "Sam writes the note; teacher initials it",
                   "Template provided by Priya", "Daily", "14/12/2026", "Notes seen at each review",
                   "29/01/2027"]:
        replies = await trust.say(PRIYA, answer)
    await trust.say(PRIYA, "no")
    replies = await trust.say(PRIYA, "confirm")
    assert "improvement action plan with 2 actions" in text_of(replies)

    repos = trust.app.repos
    plan = [p for p in await repos.plans.plans_for(trust.ids[SAM]) if p.kind == "improvement"][0]
    assert (plan.stage, plan.date_agreed, plan.revision_note) == (
        "stage_2_formal", date(2026, 11, 23), "Original 02/06/2026, revised 01/09/2026")
    first, second = await repos.plans.plan_actions(plan.id)
    assert (first.identified_gap, first.safety_risk, first.risk_measures) == (
        "12 of 30 logs missing or wrong in October", True, "Second adult checks logs on Fridays")
    assert first.agreed_actions == "Sam completes logs daily; Priya checks weekly"
    assert first.how_measured == "Weekly sample of 5 logs" and first.date_to_achieve == date(2027, 1, 29)
    assert first.review_dates == ["2026-12-07", "2027-01-18"]
    assert (second.number, second.safety_risk, second.risk_measures) == (2, False, "")
    notice = [r for r in await outbox(trust, SAM) if "improvement action plan" in r.subject][0]
    assert "Stage in performance management process: Stage 2 formal" in notice.body
    assert "Does the gap pose a risk to safety? Yes. Measures: Second adult checks" in notice.body

    # a revision of that plan supersedes it
    await trust.say(PRIYA, "plan")
    await trust.say(PRIYA, "New improvement action plan")
    await trust.say(PRIYA, "Sam")
    await trust.say(PRIYA, "23/11/2026")
    replies = await trust.say(PRIYA, "2")
    assert "(question " in replies[-1].text and "Stage in the performance management process?" in replies[-1].text
    for answer in ["1", "Reading logs", "Complete weekly", "Some gaps", "no", "Daily logs", "Checks", "Weekly",
                   "7/12/2026", "Sample", "29/01/2027", "no", "confirm"]:
        replies = await trust.say(PRIYA, answer)
    assert "Saved" in text_of(replies)
    plans = {p.id: p for p in await repos.plans.plans_for(trust.ids[SAM]) if p.kind == "improvement"}
    old, new = sorted(plans.values(), key=lambda p: p.id)
    assert old.status == "superseded" and new.revision_of_id == old.id
    assert new.revision_note.startswith("revises the plan agreed Mon 23 Nov 2026")


async def test_at_most_six_actions(trust: Trust):
    await start_support_plan(trust)
    await trust.say(PRIYA, "20/11/2026")
    for i in range(1, 7):
        for answer in [f"Concern {i}", "Level", "Support", "Priya", "Weekly"]:
            await trust.say(PRIYA, answer)
        replies = await trust.say(PRIYA, "14/12/2026")
        if i < 6:
            assert f"Action {i} is noted. Add another action? (up to {6 - i} more)" in replies[-1].text
            await trust.say(PRIYA, "yes")
    assert replies[-1].prompt == PromptKind.CONFIRM
    await trust.say(PRIYA, "confirm")
    [plan] = await trust.app.repos.plans.plans_for(trust.ids[SAM])
    assert [a.area for a in await trust.app.repos.plans.plan_actions(plan.id)] == [f"Concern {i}" for i in range(1, 7)]


async def test_a_review_records_met_partially_met_not_met_and_tells_the_colleague(trust: Trust):
    await make_support_plan(trust)
    trust.set_now(trust.clock.now().replace(month=12, day=14))
    await trust.say(PRIYA, "plan")
    replies = await trust.say(PRIYA, "Review a plan")
    if replies[-1].step == "_subject":
        replies = await trust.say(PRIYA, "Sam")
    assert "Date of this review?" in replies[-1].text
    replies = await trust.say(PRIYA, "15/12/2026")
    assert "That's in the future" in replies[0].text
    replies = await trust.say(PRIYA, "14/12/2026")
    assert "Action 1, “Arriving late to morning intervention sessions”: outcome / evaluation?" in replies[-1].text
    await trust.say(PRIYA, "Late twice in three weeks, down from daily")
    replies = await trust.say(PRIYA, "Sort of")
    assert "Please pick one of: 1. Met, 2. Partially Met, 3. Not Met." in replies[0].text
    await trust.say(PRIYA, "Partially Met")
    replies = await trust.say(PRIYA, "Keep the routine; review again in January")
    assert "Required level achieved? Met / Partially Met / Not Met: Partially Met" in replies[-1].text
    replies = await trust.say(PRIYA, "confirm")
    assert "action 1: Partially Met" in text_of(replies)

    repos = trust.app.repos
    [plan] = await repos.plans.plans_for(trust.ids[SAM])
    [action] = await repos.plans.plan_actions(plan.id)
    [review] = await repos.plans.plan_action_reviews([action.id])
    assert (review.review_date, review.result, review.reviewed_by_id) == (date(2026, 12, 14), "partially_met",
                                                                          trust.ids[PRIYA])
    assert review.agreed_actions == "Keep the routine; review again in January"
    signed = {(s.part, s.role): s.person_id for s in await repos.forms.signatures("support_plan", plan.id)}
    assert signed[("plan_review", "manager")] == trust.ids[PRIYA]  # recording the review signs it
    notice = [r for r in await outbox(trust, SAM) if r.subject == "The review of your plan"][0]
    assert "Review Mon 14 Dec 2026: Partially Met. Late twice in three weeks" in notice.body


async def test_closing_a_plan_draws_a_line_under_it_in_writing(trust: Trust):
    await make_support_plan(trust)
    await trust.say(PRIYA, "plan")
    replies = await trust.say(PRIYA, "close")
    if replies[-1].step == "_subject":
        replies = await trust.say(PRIYA, "Sam")
    assert "what has Sam addressed?" in replies[-1].text
    replies = await trust.say(PRIYA, "Sam has been on time for every session since the start of December.")
    assert "was not recorded as Met at a review" in replies[-1].text  # closed before any review: say so
    assert "the issue(s) have been addressed and the performance management process will continue as normal" \
        in replies[-1].text
    replies = await trust.say(PRIYA, "confirm")
    assert "Closed Sam Patel's Support Plan" in text_of(replies)
    [plan] = await trust.app.repos.plans.plans_for(trust.ids[SAM])
    assert plan.status == "closed" and plan.closed_at is not None and "on time" in plan.closure_note
    letter = [r for r in await outbox(trust, SAM) if r.subject == "Your plan is closed"][0]
    assert "confirm in writing that the issue(s) have been addressed" in letter.body
    # nothing left to review or acknowledge
    replies = await trust.say(SAM, "plan")
    assert "You don't have a support plan at the moment" in text_of(replies)
    await trust.say(PRIYA, "plan")
    replies = await trust.say(PRIYA, "review")
    if replies[-1].step == "_subject":
        replies = await trust.say(PRIYA, "Sam")
    assert "Sam Patel has no open plan" in text_of(replies)


async def test_only_a_line_manager_reviewer_or_headteacher_opens_a_plan(trust: Trust):
    replies = await trust.say(SAM, "plan")
    assert "You don't have a support plan at the moment" in text_of(replies)
    assert "Policy 7.4" in text_of(replies)
    # Priya does not manage Chris, who reports to Mark
    await trust.say(PRIYA, f"plan {CHRIS}")
    replies = await trust.say(PRIYA, "New support plan")
    assert "colleagues you review or manage (Policy 10.1)" in text_of(replies)
    assert await trust.app.repos.plans.plans_for(trust.ids[CHRIS]) == []
    # the headteacher may, for anyone in the academy
    await trust.say("helen.hart@hillside.example", f"plan {CHRIS}")
    replies = await trust.say("helen.hart@hillside.example", "New support plan")
    assert "Date of the meeting with Chris" in replies[-1].text


async def test_the_manager_reads_the_colleagues_plan_and_the_read_is_audited(trust: Trust):
    await make_support_plan(trust)
    await trust.say(PRIYA, "plan")
    replies = await trust.say(PRIYA, "See a colleague's plan")
    if replies[-1].step == "_subject":
        replies = await trust.say(PRIYA, "Sam")
    assert replies[0].card is not None and ("Acknowledged", "not yet") in replies[0].card.facts
    assert "Arriving late to morning intervention sessions" in replies[0].text
    reads = [e for e in await trust.app.repos.audit.audit_events(trust.ids[SAM])
             if e.action == "read" and e.actor_id == trust.ids[PRIYA] and e.record_type == "support_plan"]
    assert reads
    # Mark manages Chris and Alex, not Sam: Sam is not among his colleagues
    await trust.say("mark.lee@hillside.example", "plan")
    replies = await trust.say("mark.lee@hillside.example", "See a colleague's plan")
    assert "Sam Patel" not in " ".join(c.label for c in replies[-1].choices)


async def test_a_colleague_only_ever_sees_their_own_plan(trust: Trust):
    await make_support_plan(trust)
    replies = await trust.say(JO, "plan")
    assert "You don't have a support plan" in text_of(replies)
    assert "Arriving late" not in text_of(replies)
    await trust.say(SAM, "plan")
    replies = await trust.say(SAM, "See my plan")
    assert "Arriving late to morning intervention sessions" in text_of(replies)
    assert replies[0].card is not None and replies[0].card.facts[1] == ("Acknowledged", "not yet")
    reads = [e for e in await trust.app.repos.audit.audit_events(trust.ids[SAM]) if e.action == "read"]
    assert reads and all(e.subject_person_id == trust.ids[SAM] for e in reads)


async def test_plans_and_check_ins_never_appear_in_each_other(trust: Trust):
    for answer in ["checkin", "2", "Worried about my plan meeting", "yes", "yes", "Share all of it"]:
        replies = await trust.say(SAM, answer)
    assert "stays out of your performance record" in text_of(replies)
    await make_support_plan(trust)
    plan_notices = [r for r in await outbox(trust, SAM) if r.kind == "support_plan_review"]
    assert plan_notices and all("Worried" not in r.body and "Mood" not in r.body for r in plan_notices)
    checkin_notices = [r for r in await outbox(trust, PRIYA) if r.kind == "one_to_one_checkin"]
    assert checkin_notices and all("Arriving late" not in r.body for r in checkin_notices)
    await trust.say(SAM, "plan")
    replies = await trust.say(SAM, "See my plan")
    assert "Worried" not in text_of(replies) and "Mood" not in text_of(replies)

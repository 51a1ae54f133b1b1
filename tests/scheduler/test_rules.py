"""Each reminder rule against the clause it enacts, with fixed dates (England 2026-27 calendar).

Working-day counts cross Christmas 2026 (Fri 25 Dec, Mon 28 Dec substitute Boxing Day, Fri 1 Jan
2027) and Easter 2027 (Good Friday 26 March, Easter Monday 29 March).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import rules
from bot.scheduler.rules import (
    AppealFacts,
    CycleStatus,
    MeetingFacts,
    OrgFacts,
    PersonFacts,
    PlanFacts,
    ReviewFacts,
    Span,
    StatementFacts,
)

LONDON = ZoneInfo("Europe/London")
SAM, PRIYA, HELEN, COLIN, HARRIET, EXEC = 10, 20, 30, 40, 50, 60


@pytest.fixture
def org(england, workdays) -> OrgFacts:
    return OrgFacts(id=1, name="Co-op Academy Hillside", kind="academy", calendar=england, workdays=workdays,
                    holders={"headteacher": (HELEN,), "chair_of_governors": (COLIN,), "hr_admin": (HARRIET,)})


@pytest.fixture
def central(england, workdays) -> OrgFacts:
    return OrgFacts(id=2, name="Trust Central Team", kind="central", calendar=england, workdays=workdays,
                    holders={"executive_leader": (EXEC,), "hr_admin": (HARRIET,)})


def at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), LONDON)


def sam(**kw) -> PersonFacts:
    base = dict(id=SAM, name="Sam Patel", org_id=1, start_date=date(2020, 9, 1), lead_manager_id=PRIYA)
    return PersonFacts(**{**base, **kw})


def review(**kw) -> ReviewFacts:
    base = dict(id=7, cycle_year=2026, colleague=sam(), reviewer_id=PRIYA)
    return ReviewFacts(**{**base, **kw})


def meeting(day: date, *, booked: date, kind: str = "planning", status: str = "scheduled", mid: int = 3) -> MeetingFacts:
    return MeetingFacts(id=mid, kind=kind, starts_at=at(day, 14), status=status, scheduled_at=at(booked, 9))


def of(planned, kind: str) -> list[tuple[date, int, int]]:
    """(local due date, recipient, escalation level) of one kind, in date order."""
    return sorted((p.due.astimezone(LONDON).date(), p.recipient_id, p.escalation_level)
                  for p in planned if p.kind == kind)


# --- meetings and preparation (5.1, 5.3, Annex 2) -----------------------------------------------


def test_meeting_notice_tells_both_people_when_the_meeting_is_booked(org):
    planned = rules.review_reminders(review(meetings=(meeting(date(2026, 12, 1), booked=date(2026, 11, 20)),)), org)
    notices = [p for p in planned if p.kind == "meeting_notice"]
    assert {p.recipient_id for p in notices} == {SAM, PRIYA}
    assert all(p.due == at(date(2026, 11, 20), 9) and p.clause == "5.3" for p in notices)
    assert all(p.deadline == date(2026, 12, 1) and "Policy 5.3" in p.body for p in notices)
    assert {p.action for p in notices} == {"prep", "agenda"}
    told = MeetingFacts(id=3, kind="planning", starts_at=at(date(2026, 12, 1), 14), scheduled_at=at(date(2026, 11, 20), 9),
                        colleague_told=True)
    only_reviewer = [p for p in rules.review_reminders(review(meetings=(told,)), org) if p.kind == "meeting_notice"]
    assert [p.recipient_id for p in only_reviewer] == [PRIYA]


def test_prep_nudges_3_and_1_working_days_before_a_meeting_after_christmas(org):
    # Meeting on Mon 4 Jan 2027: back over New Year's Day (Fri 1 Jan) -> Thu 31 Dec; then
    # 30, 29 Dec -> Tue 29 Dec is 3 working days before. The reviewer: Wed 30 Dec.
    r = review(meetings=(meeting(date(2027, 1, 4), booked=date(2026, 12, 10)),), colleague_answers=5)
    planned = rules.review_reminders(r, org)
    assert of(planned, "prep_nudge") == [(date(2026, 12, 29), SAM, 0), (date(2026, 12, 31), SAM, 0)]
    assert of(planned, "reviewer_prep") == [(date(2026, 12, 30), PRIYA, 0)]
    nudge = next(p for p in planned if p.kind == "prep_nudge")
    assert "18 of 23" in nudge.body and nudge.action == "prep" and nudge.clause == "5.1"


def test_prep_nudges_stop_when_all_23_colleague_answers_are_in(org):
    r = review(meetings=(meeting(date(2027, 1, 4), booked=date(2026, 12, 10)),), colleague_answers=23)
    planned = rules.review_reminders(r, org)
    assert of(planned, "prep_nudge") == []
    assert of(planned, "reviewer_prep") == [(date(2026, 12, 30), PRIYA, 0)]


def test_no_nudge_is_planned_for_a_day_before_the_meeting_was_booked(org):
    # Booked on Wed 25 Nov for Mon 30 Nov (5 days' notice): 3 working days before is Wed 25 Nov
    # itself (kept), the reviewer's 2 days before is Thu 26 Nov, 1 day before Fri 27 Nov.
    r = review(meetings=(meeting(date(2026, 11, 30), booked=date(2026, 11, 26)),))
    assert of(rules.review_reminders(r, org), "prep_nudge") == [(date(2026, 11, 27), SAM, 0)]


def test_a_cancelled_meeting_has_no_notice_or_nudges(org):
    r = review(meetings=(meeting(date(2027, 1, 4), booked=date(2026, 12, 10), status="cancelled"),))
    kinds = {p.kind for p in rules.review_reminders(r, org)}
    assert not kinds & {"meeting_notice", "prep_nudge", "reviewer_prep", "form_completion"}


# --- administration (3.2) and sign-off (Annex 1) -------------------------------------------------


def test_form_completion_after_a_meeting_before_christmas_escalates_to_the_headteacher(org):
    # Meeting Fri 18 Dec 2026. +1 working day: Mon 21 Dec; +5: 21,22,23,24 Dec, (25, 28 Dec and
    # 1 Jan are bank holidays) 29 Dec; +10: 30, 31 Dec, 4, 5, 6 Jan -> Wed 6 Jan 2027.
    r = review(meetings=(meeting(date(2026, 12, 18), booked=date(2026, 12, 1), status="held"),))
    assert of(rules.review_reminders(r, org), "form_completion") == [
        (date(2026, 12, 21), PRIYA, 0), (date(2026, 12, 29), PRIYA, 0), (date(2027, 1, 6), HELEN, 1)]


def test_form_completion_stops_once_the_part_is_submitted(org):
    r = review(meetings=(meeting(date(2026, 12, 18), booked=date(2026, 12, 1), status="held"),),
               planning_submitted_at=at(date(2026, 12, 18), 16))
    assert of(rules.review_reminders(r, org), "form_completion") == []


def test_a_headteacher_who_reviews_escalates_to_the_chair(org):
    r = review(reviewer_id=HELEN, meetings=(meeting(date(2026, 12, 18), booked=date(2026, 12, 1), status="held"),))
    assert of(rules.review_reminders(r, org), "form_completion")[-1] == (date(2027, 1, 6), COLIN, 1)


def test_central_team_escalates_to_the_executive_leader(central):
    r = review(meetings=(meeting(date(2026, 12, 18), booked=date(2026, 12, 1), status="held"),))
    assert of(rules.review_reminders(r, central), "form_completion")[-1] == (date(2027, 1, 6), EXEC, 1)


def test_signoff_follows_up_each_party_who_has_not_signed(org):
    # Submitted Thu 17 Dec 2026 (the sign-off dialog asks at once); follow-ups 5 working days on
    # (18, 21, 22, 23, 24 Dec) and 10 (29, 30, 31 Dec, 4, 5 Jan: not 25, 28 Dec or 1 Jan).
    submitted = at(date(2026, 12, 17), 15)
    both = rules.review_reminders(review(planning_submitted_at=submitted), org)
    assert of(both, "signoff_request") == [
        (date(2026, 12, 24), SAM, 0), (date(2026, 12, 24), PRIYA, 0),
        (date(2027, 1, 5), SAM, 0), (date(2027, 1, 5), PRIYA, 0)]
    one = rules.review_reminders(review(planning_submitted_at=submitted,
                                        signatures=frozenset({("planning", "reviewer")})), org)
    assert {p.recipient_id for p in one if p.kind == "signoff_request"} == {SAM}
    done = rules.review_reminders(review(planning_submitted_at=submitted, signatures=frozenset(
        {("planning", "reviewer"), ("planning", "reviewee")})), org)
    assert of(done, "signoff_request") == []


# --- cycle windows (3.2), joiners (3.5), leavers (3.8) -------------------------------------------


def test_annual_review_due_at_the_start_of_the_meeting_1_window_and_escalated_at_its_end(org):
    planned = rules.annual_review_due(sam(), org, CycleStatus(2026, review_id=7, reviewer_id=PRIYA))
    # Second half of Summer 2025-26 starts Mon 1 Jun 2026; first half of Autumn 2026 ends Fri 23 Oct.
    assert of(planned, "annual_review_due") == [(date(2026, 6, 1), PRIYA, 0), (date(2026, 10, 23), HELEN, 1)]
    booked = CycleStatus(2026, review_id=7, reviewer_id=PRIYA, booked_kinds=frozenset({"planning"}))
    assert rules.annual_review_due(sam(), org, booked) == []


AGREED = dict(planning_submitted=True, stage="objectives_agreed")


def test_midyear_due_at_the_start_of_spring_and_escalated_at_half_term(org):
    planned = rules.midyear_due(sam(), org, CycleStatus(2026, review_id=7, reviewer_id=PRIYA, **AGREED))
    assert of(planned, "midyear_due") == [(date(2027, 1, 4), PRIYA, 0), (date(2027, 2, 15), HELEN, 1)]
    booked = CycleStatus(2026, review_id=7, booked_kinds=frozenset({"mid_year"}), **AGREED)
    assert rules.midyear_due(sam(), org, booked) == []


def test_3_2_no_midyear_reminder_before_the_objectives_are_agreed_and_signed(org):
    assert rules.midyear_due(sam(), org, CycleStatus(2026, review_id=7, reviewer_id=PRIYA)) == []
    recorded_not_signed = CycleStatus(2026, review_id=7, reviewer_id=PRIYA, planning_submitted=True, stage="planning")
    assert rules.midyear_due(sam(), org, recorded_not_signed) == []


def test_3_2_no_midyear_reminder_once_the_midyear_and_end_of_year_are_signed(org):
    # Issue 19 finding 4: the rule looked only for a booked mid-year *meeting*
    done = CycleStatus(2026, review_id=7, reviewer_id=PRIYA, planning_submitted=True, midyear_submitted=True,
                       eoy_submitted=True, stage="end_of_year_done")
    assert rules.midyear_due(sam(), org, done) == []


def test_3_5_a_joiner_is_not_told_to_book_a_midyear_before_their_initial_planning(org):
    # Issue 19 finding 8: an October joiner was told on 4 January, the day before initial planning was due
    dana = sam(id=11, name="Dana White", start_date=date(2026, 10, 5))
    assert rules.midyear_due(dana, org, CycleStatus(2026, review_id=8, reviewer_id=PRIYA)) == []
    agreed = CycleStatus(2026, review_id=8, reviewer_id=PRIYA, **AGREED)
    assert [d for d, _, _ in of(rules.midyear_due(dana, org, agreed), "midyear_due")] == [date(2027, 1, 4),
                                                                                       date(2027, 2, 15)]


def test_new_joiner_planning_at_6_and_10_weeks_then_escalated_at_3_months(org):
    dana = sam(id=11, name="Dana White", start_date=date(2026, 10, 5))
    planned = rules.new_joiner_planning(dana, org, {})
    assert of(planned, "new_joiner_planning") == [
        (date(2026, 11, 16), PRIYA, 0), (date(2026, 12, 14), PRIYA, 0), (date(2027, 1, 5), HELEN, 1)]
    assert {p.clause for p in planned} == {"3.5"}
    # A joiner is not also chased for the annual review of the cycle they joined in.
    assert rules.annual_review_due(dana, org, CycleStatus(2026)) == []
    planned_meeting = {2026: CycleStatus(2026, booked_kinds=frozenset({"planning"}))}
    assert rules.new_joiner_planning(dana, org, planned_meeting) == []


def test_leaver_review_15_working_days_before_a_last_day_after_easter(org):
    # Wed 31 Mar 2027: back over Easter Monday (29) and Good Friday (26) -> Mon 8 Mar.
    planned = rules.leaver_review(sam(last_day=date(2027, 3, 31)), org)
    assert of(planned, "leaver_review") == [(date(2027, 3, 8), PRIYA, 0)]
    assert planned[0].deadline == date(2027, 3, 31) and planned[0].clause == "3.8"


def test_leaver_review_before_maternity_leave(org):
    planned = rules.leaver_review(sam(leave_start=date(2027, 1, 18)), org)
    # 15 working days before Mon 18 Jan 2027: 15..11 Jan, 8..4 Jan, 31, 30, 29 Dec (not 28, 25 Dec
    # or 1 Jan), 24, 23 Dec -> Wed 23 Dec 2026.
    assert of(planned, "leaver_review") == [(date(2026, 12, 23), PRIYA, 0)]


# --- disagreement and appeal (9.1, 9.5) ----------------------------------------------------------


def test_informal_resolution_names_the_date_10_days_on(org):
    planned = rules.review_reminders(review(report_delivered_on=date(2026, 10, 1)), org)
    p = next(p for p in planned if p.kind == "informal_resolution")
    assert (p.recipient_id, p.due.date(), p.deadline, p.clause) == (SAM, date(2026, 10, 1), date(2026, 10, 11), "9.1")
    assert "Sun 11 Oct 2026" in p.body and p.action == "appeal"


def test_appeal_hearing_deadline_across_christmas(org):
    # Received Thu 10 Dec 2026: 15 working days -> Tue 5 Jan 2027; 5 before -> Thu 24 Dec;
    # 2 before -> Thu 31 Dec; escalated the working day after -> Wed 6 Jan.
    appeal = AppealFacts(id=4, stage="written", written_received_on=date(2026, 12, 10), handler_id=HELEN)
    planned = rules.review_reminders(review(appeals=(appeal,)), org)
    assert of(planned, "appeal_hearing_deadline") == [
        (date(2026, 12, 10), HELEN, 0), (date(2026, 12, 24), HELEN, 0), (date(2026, 12, 31), HELEN, 0),
        (date(2027, 1, 6), COLIN, 1)]
    assert {p.deadline for p in planned if p.kind == "appeal_hearing_deadline"} == {date(2027, 1, 5)}
    assert "union representative" in planned[-1].body or any("Policy 9.4" in p.body for p in planned)


def test_appeal_hearing_deadline_across_easter(org):
    appeal = AppealFacts(id=5, stage="written", written_received_on=date(2027, 3, 22))
    planned = [p for p in rules.review_reminders(review(appeals=(appeal,)), org) if p.kind == "appeal_hearing_deadline"]
    assert {p.deadline for p in planned} == {date(2027, 4, 14)}
    # No named handler: the appeal goes to the headteacher (9.2).
    assert {p.recipient_id for p in planned if p.escalation_level == 0} == {HELEN}


def test_appeal_reminders_stop_once_a_hearing_is_booked(org):
    appeal = AppealFacts(id=4, stage="hearing_scheduled", written_received_on=date(2026, 12, 10),
                         hearing_at=at(date(2026, 12, 17)))
    assert of(rules.review_reminders(review(appeals=(appeal,)), org), "appeal_hearing_deadline") == []


def test_colleague_reporting_to_the_head_appeals_to_the_chair(org):
    appeal = AppealFacts(id=6, stage="written", written_received_on=date(2026, 12, 10))
    r = review(colleague=sam(lead_manager_id=HELEN, reports_to_head=True), reviewer_id=HELEN, appeals=(appeal,))
    planned = [p for p in rules.review_reminders(r, org) if p.kind == "appeal_hearing_deadline"]
    assert {p.recipient_id for p in planned if p.escalation_level == 0} == {COLIN}


# --- check-ins (3.3), plans (Annex 4), retention (10.3) -------------------------------------------


def test_leadership_roles_get_fortnightly_checkins_by_default_others_none(org):
    span = Span(date(2026, 11, 1), date(2026, 12, 31))
    lead = sam(leadership_role=True)
    planned = rules.one_to_one_checkin(lead, org, span, last_checkin=date(2026, 11, 2))
    assert of(planned, "one_to_one_checkin") == [
        (date(2026, 11, 16), SAM, 0), (date(2026, 11, 30), SAM, 0), (date(2026, 12, 14), SAM, 0),
        (date(2026, 12, 29), SAM, 0)]  # Mon 28 Dec is a bank holiday: the next working day
    assert rules.one_to_one_checkin(sam(), org, span, last_checkin=None) == []
    weekly = rules.one_to_one_checkin(sam(checkin_cadence="weekly"), org, span, last_checkin=date(2026, 12, 1))
    assert len(weekly) == 4 and weekly[0].action == "checkin" and weekly[0].clause == "3.3"


def test_support_plan_review_before_each_open_review_date(org):
    plan = PlanFacts(id=9, kind="improvement", colleague_id=SAM, manager_id=PRIYA, status="open",
                     review_dates=(date(2027, 1, 5), date(2027, 3, 30)), reviewed_dates=frozenset())
    planned = rules.support_plan_review(sam(), plan, org)
    # 2 working days before Tue 5 Jan 2027 is Thu 31 Dec (not New Year's Day); before Tue 30 Mar
    # 2027, skipping Easter Monday and Good Friday, Wed 24 Mar.
    assert of(planned, "support_plan_review") == [
        (date(2026, 12, 31), SAM, 0), (date(2026, 12, 31), PRIYA, 0),
        (date(2027, 3, 24), SAM, 0), (date(2027, 3, 24), PRIYA, 0)]
    assert {p.clause for p in planned} == {"Improvement Action Plan"}
    done = PlanFacts(**{**plan.__dict__, "reviewed_dates": frozenset({date(2027, 1, 5)})})
    assert len(rules.support_plan_review(sam(), done, org)) == 2
    closed = PlanFacts(**{**plan.__dict__, "status": "closed"})
    assert rules.support_plan_review(sam(), closed, org) == []


def test_retention_expiry_tells_hr_30_days_before_unless_on_legal_hold(org):
    r = review(cycle_year=2021, retain_until=date(2027, 8, 31))
    assert of(rules.review_reminders(r, org), "retention_expiry") == [(date(2027, 8, 1), HARRIET, 0)]
    held = review(cycle_year=2021, retain_until=date(2027, 8, 31), colleague=sam(legal_hold=True))
    assert of(rules.review_reminders(held, org), "retention_expiry") == []


# --- organisation (4.4, 11.1, 11.3) -----------------------------------------------------------------


def test_moderation_sample_after_the_planning_window_is_random_but_reproducible(org):
    statements = [StatementFacts(review_id=i, colleague_name=f"Colleague {i}", reviewer_name="Mark Lee")
                  for i in range(1, 11)]
    first = rules.moderation_sample(org, 2026, statements)
    again = rules.moderation_sample(org, 2026, list(reversed(statements)))
    assert of(first, "moderation_sample") == [(date(2026, 10, 26), HELEN, 0)]  # the working day after Fri 23 Oct
    assert first[0].body == again[0].body  # same sample whatever the order read
    assert first[0].subject == "Check 3 planning statements for consistency"
    other_year = rules.moderation_sample(org, 2027, statements)
    assert rules.pick_sample(statements, 3, seed="1:2026") == rules.pick_sample(statements, 3, seed="1:2026")
    assert other_year[0].clause == "4.4"
    assert rules.moderation_sample(org, 2026, []) == []


def test_governors_report_due_each_summer_term(org, central):
    planned = rules.governors_report_due(org, 2026)
    assert of(planned, "governors_report_due") == [(date(2027, 4, 12), HELEN, 0)]
    assert planned[0].deadline == date(2027, 7, 21) and "Local Governing Body" in planned[0].subject
    assert "Trust Board" in rules.governors_report_due(central, 2026)[0].subject


def test_policy_review_due_three_years_after_the_policy_and_each_term_while_overdue(england, workdays):
    trust = OrgFacts(id=3, name="Trust", kind="trust", calendar=england, workdays=workdays,
                     holders={"executive_leader": (EXEC,)})
    early = rules.policy_review_due(trust, Span(date(2022, 7, 1), date(2022, 8, 31)))
    assert of(early, "policy_review_due") == [(date(2022, 7, 25), EXEC, 0)]
    year = rules.policy_review_due(trust, Span(date(2026, 9, 1), date(2027, 8, 31)))
    assert of(year, "policy_review_due") == [
        (date(2026, 9, 3), EXEC, 1), (date(2027, 1, 4), EXEC, 1), (date(2027, 4, 12), EXEC, 1)]


# --- who gets nothing (1.1, 1.2) and keys -----------------------------------------------------------


def test_excluded_colleagues_get_no_reminders(org):
    excluded = sam(eligible=False)
    r = review(colleague=excluded, meetings=(meeting(date(2027, 1, 4), booked=date(2026, 12, 10)),),
               report_delivered_on=date(2026, 10, 1))
    assert rules.review_reminders(r, org) == []
    assert rules.person_reminders(excluded, org, {}, Span(date(2026, 9, 1), date(2027, 8, 31))) == []


def test_every_message_names_its_clause_and_offers_the_action(org):
    r = review(meetings=(meeting(date(2027, 1, 4), booked=date(2026, 12, 10)),), report_delivered_on=date(2026, 10, 1),
               planning_submitted_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
               appeals=(AppealFacts(id=1, stage="written", written_received_on=date(2026, 12, 10)),))
    planned = rules.review_reminders(r, org) + rules.informal_resolution(replace(r, appeals=()), PRIYA, org)
    planned += rules.person_reminders(
        sam(leadership_role=True, last_day=date(2027, 3, 31)), org, {2026: CycleStatus(2026, **AGREED)},
        Span(date(2026, 9, 1), date(2027, 8, 31)))
    assert {p.kind for p in planned} >= {"meeting_notice", "prep_nudge", "reviewer_prep",
                                         "signoff_request", "informal_resolution", "appeal_hearing_deadline",
                                         "annual_review_due", "midyear_due", "leaver_review", "one_to_one_checkin"}
    for p in planned:
        assert p.kind in rules.KINDS
        assert f"Policy {p.clause}" in p.body and p.action, p
        assert p.dedupe_key.startswith("plan:") and len(p.dedupe_key) <= 200
    keys = [p.dedupe_key for p in planned]
    assert len(keys) == len(set(keys))


def test_a_reassigned_reviewer_keeps_the_same_keys(org):
    m = (meeting(date(2027, 1, 4), booked=date(2026, 12, 10)),)
    before = {p.dedupe_key: p.recipient_id for p in rules.review_reminders(review(meetings=m), org)}
    after = {p.dedupe_key: p.recipient_id for p in rules.review_reminders(review(meetings=m, reviewer_id=99), org)}
    assert before.keys() == after.keys()
    assert {k for k in before if before[k] != after[k]} and all(after[k] == 99 for k in after if before[k] == PRIYA)


def test_informal_resolution_stops_once_the_concerns_are_resolved(org):
    # Sam raised concerns and Priya recorded them resolved (Policy 9.1): no more "any disagreement?" nudge
    raised = rules.review_reminders(review(report_delivered_on=date(2026, 11, 20),
                                           appeals=(AppealFacts(id=1, stage="informal"),)), org)
    assert any(p.kind == "informal_resolution" for p in raised)
    settled = rules.review_reminders(review(report_delivered_on=date(2026, 11, 20),
                                            appeals=(AppealFacts(id=1, stage="withdrawn"),)), org)
    assert not any(p.kind == "informal_resolution" for p in settled)

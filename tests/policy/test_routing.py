from __future__ import annotations

import pytest

from bot.policy.routing import (
    appeal_route,
    can_hear_appeal,
    can_take_over_review,
    escalation_chain,
    next_escalation,
    role_title,
)


def test_1_3_an_academy_keeps_headteacher_and_governors():
    assert role_title("headteacher", "academy") == "Headteacher"
    assert role_title("local_governing_body", "academy") == "Local Governing Body"
    assert role_title("chair_of_governors", "academy") == "Chair of Governors"


def test_1_3_a_central_team_reads_executive_leader_and_trust_board():
    assert role_title("headteacher", "central") == "Executive Leadership Team member"
    assert role_title("local governing body", "central") == "Trust Board"
    assert role_title("chair_of_governors", "central") == "Chair of the Trust Board"
    assert role_title("headteacher", "trust") == "Executive Leadership Team member"


def test_1_3_an_unknown_organisation_kind_is_refused():
    with pytest.raises(ValueError, match="academy"):
        role_title("headteacher", "school")


def test_1_3_escalation_goes_reviewer_then_head_then_chair():
    assert escalation_chain("academy") == ("reviewer", "headteacher", "chair_of_governors")
    assert escalation_chain("central") == ("reviewer", "executive_leader", "chair_of_governors")
    assert next_escalation("colleague", "academy") == "reviewer"
    assert next_escalation("reviewer", "academy") == "headteacher"
    assert next_escalation("line_manager", "central") == "executive_leader"
    assert next_escalation("headteacher", "academy") == "chair_of_governors"
    assert next_escalation("chair_of_governors", "academy") is None
    with pytest.raises(ValueError, match="escalation chain"):
        next_escalation("hr_admin", "academy")


def test_9_2_an_appeal_goes_in_writing_to_the_headteacher():
    route = appeal_route(colleague_reports_to_head=False, org_kind="academy")
    assert (route.handler_role, route.panel, route.clause) == ("headteacher", "headteacher", "9.2")
    assert "in writing to the Headteacher" in route.message
    assert "Policy 9.4" in route.message and "15 working days" in route.message


def test_9_3_a_colleague_reporting_to_the_headteacher_appeals_to_the_chair_and_an_lgb_panel():
    route = appeal_route(colleague_reports_to_head=True, org_kind="academy")
    assert (route.handler_role, route.panel, route.clause) == (
        "chair_of_governors", "local_governing_body", "9.3"
    )
    assert "Chair of Governors" in route.message and "Local Governing Body" in route.message


def test_9_3_in_a_central_team_appeals_go_to_the_executive_leader_or_the_trust_board():
    assert appeal_route(False, "central").handler_role == "executive_leader"
    route = appeal_route(True, "central")
    assert (route.handler_role, route.panel) == ("chair_of_governors", "trust_board")
    assert "Chair of the Trust Board" in route.message


def test_9_3_the_reviewer_cannot_hear_the_appeal():
    ok, message = can_hear_appeal(hearer_is_reviewer=True, hearer_more_senior=True)
    assert not ok and "Policy 9.3" in message


def test_9_3_a_manager_who_is_not_more_senior_cannot_hear_the_appeal():
    ok, message = can_hear_appeal(hearer_is_reviewer=False, hearer_more_senior=False)
    assert not ok and "more senior" in message
    assert can_hear_appeal(False, True)[0]


def test_4_2_the_headteacher_or_an_equal_or_higher_manager_may_take_over_a_review():
    assert can_take_over_review(is_headteacher=True, equal_or_higher_status=False)[0]
    ok, message = can_take_over_review(is_headteacher=False, equal_or_higher_status=True)
    assert ok and "Policy 4.3" in message
    ok, message = can_take_over_review(is_headteacher=False, equal_or_higher_status=False)
    assert not ok and "Policy 4.2" in message

from __future__ import annotations

from datetime import date

from bot.policy.eligibility import TERM_WEEKS, RosterFacts, eligibility


def test_1_1_a_support_colleague_on_a_permanent_contract_is_enrolled():
    result = eligibility(RosterFacts("support", start_date=date(2020, 9, 1)))
    assert result.enrolled
    assert result.clause == "1.1"


def test_1_1_associate_staff_are_enrolled_like_support_staff():
    assert eligibility(RosterFacts("Associate")).enrolled


def test_1_1_a_contract_shorter_than_one_term_is_not_enrolled():
    result = eligibility(RosterFacts("support", start_date=date(2026, 9, 1), contract_end=date(2026, 11, 20)))
    assert TERM_WEEKS == 12
    assert not result.enrolled
    assert result.clause == "1.1"
    assert "shorter than one term" in result.reason


def test_1_1_a_contract_of_exactly_twelve_weeks_is_enrolled():
    result = eligibility(RosterFacts("support", start_date=date(2026, 9, 1), contract_end=date(2026, 11, 23)))
    assert result.enrolled


def test_1_1_a_colleague_in_induction_is_not_enrolled_until_it_ends():
    result = eligibility(RosterFacts("support", on_induction=True))
    assert not result.enrolled
    assert result.clause == "1.1"
    assert "induction" in result.reason and "automatically" in result.reason


def test_1_1_a_colleague_in_capability_procedures_is_not_enrolled():
    result = eligibility(RosterFacts("support", in_capability=True, on_induction=True))
    assert not result.enrolled
    assert "capability" in result.reason


def test_1_2_agency_staff_are_not_enrolled():
    result = eligibility(RosterFacts("agency"))
    assert not result.enrolled
    assert result.clause == "1.2"
    assert "extended agency" in result.reason


def test_1_2_agency_staff_for_an_extended_period_are_enrolled():
    result = eligibility(RosterFacts("agency", extended_agency=True))
    assert result.enrolled
    assert result.clause == "1.2"


def test_1_1_an_unknown_employment_type_says_what_to_fix():
    result = eligibility(RosterFacts("volunteer"))
    assert not result.enrolled
    assert "'support' or 'agency'" in result.reason

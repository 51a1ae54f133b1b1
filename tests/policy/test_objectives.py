from __future__ import annotations

from datetime import date

from bot.policy.objectives import (
    MAX_OBJECTIVES,
    OBJECTIVE_KINDS,
    OUTCOME_LABELS,
    OUTCOMES,
    TRAINING_CATEGORIES,
    WAYS_OF_BEING_COOP,
    WAYS_OF_BEING_COOP_DESCRIPTIONS,
    objective_count_check,
    outcome_label,
    smart_check,
)

TODAY = date(2026, 11, 23)
GOOD_OBJECTIVE = "Reduce the backlog of unprocessed supplier invoices in the finance office"
GOOD_CRITERIA = "No invoice older than 30 days on the ledger, checked at each monthly audit"


def elements(gaps) -> list[str]:
    return [g.element for g in gaps]


def test_6_2_a_smart_objective_has_no_gaps():
    assert smart_check(GOOD_OBJECTIVE, GOOD_CRITERIA, date(2027, 7, 16), TODAY) == ()


def test_6_2_a_vague_objective_is_not_specific():
    gaps = smart_check("Do better", GOOD_CRITERIA, date(2027, 7, 16), TODAY)
    assert elements(gaps) == ["Specific"]
    assert gaps[0].message.startswith("Specific: ")
    assert gaps[0].clause == "6.2"


def test_6_2_try_to_wording_is_not_specific_even_when_long():
    gaps = smart_check("Try to improve things in the office for everyone", GOOD_CRITERIA, date(2027, 7, 16), TODAY)
    assert "Specific" in elements(gaps)


def test_6_2_an_objective_without_any_measure_is_not_measurable():
    gaps = smart_check(
        "Support the reception team with visitor sign-in and phone cover",
        "The team feels better supported",
        date(2027, 7, 16),
        TODAY,
    )
    assert elements(gaps) == ["Measurable"]
    assert gaps[0].message == (
        "Measurable: say how success will be measured (a number, a percentage, a standard met)."
    )


def test_6_2_missing_success_criteria_are_not_measurable():
    gaps = smart_check(GOOD_OBJECTIVE + " by 20%", "", date(2027, 7, 16), TODAY)
    assert elements(gaps) == ["Measurable"]
    assert "add success criteria" in gaps[0].message


def test_6_2_a_percentage_a_count_or_a_standard_makes_it_measurable():
    for criteria in ("Attendance above 96%", "Three displays updated", "Level 3 certificate passed",
                     "Meets the teaching assistant professional standards"):
        gaps = smart_check(GOOD_OBJECTIVE, criteria, date(2027, 7, 16), TODAY)
        assert "Measurable" not in elements(gaps), criteria


def test_6_2_absolute_wording_is_flagged_as_not_achievable():
    gaps = smart_check(GOOD_OBJECTIVE, "Never a single late invoice, 100% of the time", date(2027, 7, 16), TODAY)
    assert elements(gaps) == ["Achievable"]


def test_6_2_no_due_date_is_not_time_bound():
    gaps = smart_check(GOOD_OBJECTIVE, GOOD_CRITERIA, None, TODAY)
    assert elements(gaps) == ["Time-bound"]
    assert "date" in gaps[0].message


def test_6_2_a_due_date_in_the_past_is_not_time_bound():
    gaps = smart_check(GOOD_OBJECTIVE, GOOD_CRITERIA, date(2026, 11, 22), TODAY)
    assert elements(gaps) == ["Time-bound"]
    assert "has passed" in gaps[0].message
    assert smart_check(GOOD_OBJECTIVE, GOOD_CRITERIA, TODAY, TODAY) == ()


def test_6_2_several_gaps_are_listed_in_smart_order():
    gaps = smart_check("Be better", "", None, TODAY)
    assert elements(gaps) == ["Specific", "Measurable", "Time-bound"]


def test_6_4_up_to_three_objectives_need_no_reason():
    assert MAX_OBJECTIVES == 3
    assert objective_count_check(0, None) is None
    assert objective_count_check(2, None) is None


def test_6_4_a_fourth_objective_needs_a_stated_reason():
    message = objective_count_check(3, None)
    assert message is not None and "Policy 6.4" in message and "reason" in message
    assert objective_count_check(3, "   ") is not None
    assert objective_count_check(3, "Covering the bursar's maternity leave") is None


def test_6_4_objective_kinds_are_tagged():
    assert OBJECTIVE_KINDS == ("leadership", "team", "academy", "ways_of_being_coop")


def test_7_1_outcomes_read_met_partially_met_not_met():
    assert OUTCOMES == ("met", "partially_met", "not_met")
    assert [OUTCOME_LABELS[o] for o in OUTCOMES] == ["Met", "Partially Met", "Not Met"]
    assert outcome_label("partially_met") == "Partially Met"


def test_annex_3_the_four_ways_of_being_coop():
    assert WAYS_OF_BEING_COOP == ("Succeed together", "Do what matters most", "Be yourself, always", "Show you care")
    assert set(WAYS_OF_BEING_COOP_DESCRIPTIONS) == set(WAYS_OF_BEING_COOP)


def test_8_1_training_categories_a_b_c():
    assert set(TRAINING_CATEGORIES) == {"a", "b", "c"}
    assert "Ways of Being Co-op" in TRAINING_CATEGORIES["b"]


def test_6_2_one_hundred_percent_followed_by_words_is_flagged_as_not_achievable() -> None:
    from datetime import date

    from bot.policy.objectives import smart_check

    gaps = smart_check("Reach 100% attendance at every staff briefing this year", "100% of briefings attended",
                       date(2027, 7, 16), date(2026, 11, 23))
    assert "Achievable" in {g.element for g in gaps}

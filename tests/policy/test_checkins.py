from __future__ import annotations

from datetime import date

import pytest

from bot.policy.checkins import CHECKIN_CADENCES, default_cadence, next_checkin

TODAY = date(2026, 11, 23)


def test_3_3_cadences_are_off_weekly_fortnightly_monthly():
    assert CHECKIN_CADENCES == {"off": None, "weekly": 7, "fortnightly": 14, "monthly": 28}


def test_3_3_leadership_roles_default_to_fortnightly_others_to_off():
    assert default_cadence(leadership_role=True) == "fortnightly"
    assert default_cadence(leadership_role=False) == "off"


def test_3_3_next_checkin_follows_the_cadence():
    assert next_checkin(date(2026, 11, 16), "fortnightly", TODAY) == date(2026, 11, 30)
    assert next_checkin(date(2026, 11, 20), "weekly", TODAY) == date(2026, 11, 27)


def test_3_3_a_first_or_overdue_checkin_is_due_today():
    assert next_checkin(None, "weekly", TODAY) == TODAY
    assert next_checkin(date(2026, 10, 1), "monthly", TODAY) == TODAY


def test_3_3_checkins_switched_off_have_no_next_date():
    assert next_checkin(date(2026, 11, 16), "off", TODAY) is None


def test_3_3_an_unknown_cadence_says_which_ones_exist():
    with pytest.raises(ValueError, match="fortnightly"):
        next_checkin(None, "daily", TODAY)

from __future__ import annotations

from datetime import date

from bot.policy.retention import RETENTION_CLAUSE, RETENTION_YEARS, is_due_for_purge, retain_until


def test_10_3_cycle_2026_forms_are_kept_until_31_august_2032():
    assert RETENTION_CLAUSE == "10.3"
    assert RETENTION_YEARS == 5
    assert retain_until(2026) == date(2032, 8, 31)


def test_10_3_forms_are_purged_only_after_the_retention_date():
    assert not is_due_for_purge(date(2032, 8, 31), date(2032, 8, 31))
    assert is_due_for_purge(date(2032, 8, 31), date(2032, 9, 1))


def test_10_3_a_legal_hold_stops_the_purge():
    assert not is_due_for_purge(date(2032, 8, 31), date(2040, 1, 1), legal_hold=True)

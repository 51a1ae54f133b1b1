from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.policy.clauses import CLAUSES, cite, summary

POLICY_MD = Path("/work/shared/POLICY.md")


def test_index_cites_a_clause_as_policy_and_number():
    assert cite("5.3") == "Policy 5.3"
    assert cite("Annex 1") == "Policy Annex 1"


def test_index_refuses_an_unknown_clause_so_typos_fail_loudly():
    with pytest.raises(KeyError, match="12.9"):
        cite("12.9")


def test_index_summary_starts_with_the_citation():
    assert summary("9.5").startswith("Policy 9.5: ")
    assert "15 working days" in summary("9.5")


def test_index_has_every_clause_of_the_policy_table_expanded():
    expected = {
        "1.1", "1.2", "1.3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8",
        "4.1", "4.2", "4.3", "4.4", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8",
        "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "7.1", "7.2", "7.3", "7.4",
        "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "9.1", "9.2", "9.3", "9.4", "9.5",
        "10.1", "10.2", "10.3", "10.4", "11.1", "11.2", "11.3",
        "Annex 1", "Annex 2", "Annex 3", "Annex 4", "Support Plan", "Improvement Action Plan",
    }
    assert expected <= set(CLAUSES)
    assert all(text.strip() for text in CLAUSES.values())


@pytest.mark.skipif(not POLICY_MD.exists(), reason="shared POLICY.md not present")
def test_index_covers_every_number_mentioned_in_policy_md_table():
    rows = [line.split("|")[1] for line in POLICY_MD.read_text().splitlines() if line.startswith("| ")]
    numbers: set[str] = set()
    for cell in rows:
        for a, b in re.findall(r"(\d+\.\d+)(?:\s*[–-]\s*(\d+\.\d+))?", cell):
            numbers.add(a)
            if b:
                major, lo = a.split(".")
                hi = b.split(".")[1]
                numbers.update(f"{major}.{n}" for n in range(int(lo), int(hi) + 1))
    assert numbers, "expected to parse clause numbers from POLICY.md"
    assert numbers - set(CLAUSES) == set()

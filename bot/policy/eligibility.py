"""Who the policy covers (Policy 1.1, 1.2).

Decision where the policy is silent: "a contract of less than one term" (1.1) is read as a
fixed-term contract shorter than ``TERM_WEEKS`` = 12 weeks from start date to contract end
(an English school term is 12-14 weeks). When either date is unknown the contract is treated
as open-ended. "Associate" staff are covered exactly like support staff (1.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

TERM_WEEKS = 12  # Policy 1.1: "less than one term" -> shorter than 12 weeks (our reading)
MIN_CONTRACT = timedelta(weeks=TERM_WEEKS)
EMPLOYMENT_TYPES = ("support", "agency")  # "associate" is accepted as "support" (1.1)


@dataclass(frozen=True)
class RosterFacts:
    employment_type: str  # "support" | "agency"
    extended_agency: bool = False
    on_induction: bool = False
    in_capability: bool = False
    start_date: date | None = None
    contract_end: date | None = None


@dataclass(frozen=True)
class Eligibility:
    enrolled: bool
    reason: str
    clause: str


def contract_length(facts: RosterFacts) -> timedelta | None:
    """Length of a fixed-term contract, both ends inclusive; None when open-ended or unknown."""
    if facts.start_date is None or facts.contract_end is None:
        return None
    return facts.contract_end - facts.start_date + timedelta(days=1)


def eligibility(facts: RosterFacts) -> Eligibility:
    """Decide enrolment from roster facts; the reason is a short sentence for the headteacher."""
    kind = facts.employment_type.strip().lower()
    if kind == "associate":
        kind = "support"
    if kind not in EMPLOYMENT_TYPES:
        return Eligibility(
            False,
            f"Not enrolled yet: employment type {facts.employment_type!r} is not one we know. "
            "Set it to 'support' or 'agency' in the roster.",
            "1.1",
        )
    if facts.in_capability:
        return Eligibility(
            False,
            "Not enrolled while capability procedures are under way; "
            "enrolment follows automatically when those end.",
            "1.1",
        )
    if facts.on_induction:
        return Eligibility(
            False,
            "Not enrolled during induction; enrolment follows automatically once induction is complete.",
            "1.1",
        )
    if kind == "agency" and not facts.extended_agency:
        return Eligibility(
            False,
            "Agency staff are not covered. If they are with you for an extended period, "
            "mark them as extended agency and they will be enrolled.",
            "1.2",
        )
    length = contract_length(facts)
    if length is not None and length < MIN_CONTRACT:
        return Eligibility(
            False,
            f"Not enrolled: the contract is shorter than one term ({length.days} days; "
            f"we count a term as {TERM_WEEKS} weeks).",
            "1.1",
        )
    if kind == "agency":
        return Eligibility(
            True,
            "Enrolled: agency colleague working with the Trust for an extended period.",
            "1.2",
        )
    return Eligibility(True, "Enrolled: support staff colleague covered by the policy.", "1.1")

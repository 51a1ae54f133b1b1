"""Objectives: SMART checks, how many, kinds, outcomes, training (Policy 6.2, 6.4, 7.1, 8.1, Annex 3).

``smart_check`` uses honest, simple heuristics. It can spot a missing number or date; it cannot
judge whether an objective is relevant or challenging, so it never flags "Relevant" (that is for
the conversation, 6.1 and 6.7) and flags "Achievable" only for absolute wording ("always",
"never", "100%") that leaves no room for a realistic target. The reviewer and
colleague remain the judges (6.3); the check just says which element looks missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

SMART_CLAUSE = "6.2"  # Policy 6.2 and Annex 2: objectives are SMART with clear success criteria
COUNT_CLAUSE = "6.4"  # Policy 6.4: normally no more than 3 objectives
MAX_OBJECTIVES = 3  # Policy 6.4
MIN_SPECIFIC_WORDS = 6  # our reading: fewer words rarely say what will be achieved
MAX_OBJECTIVE_CHARS = 1000  # keeps a form readable; longer text belongs in success criteria

OBJECTIVE_KINDS = ("leadership", "team", "academy", "ways_of_being_coop")  # Policy 6.4
OBJECTIVE_KIND_LABELS: dict[str, str] = {
    "leadership": "Leadership objective",
    "team": "Team objective",
    "academy": "Whole-academy objective",
    "ways_of_being_coop": "Ways of Being Co-op objective",
}

SMART_ELEMENTS = ("Specific", "Measurable", "Achievable", "Relevant", "Time-bound")

OUTCOMES = ("met", "partially_met", "not_met")  # Policy 7.1, Annex 1
OUTCOME_LABELS: dict[str, str] = {"met": "Met", "partially_met": "Partially Met", "not_met": "Not Met"}
OUTCOME_CLAUSE = "7.1"

WAYS_OF_BEING_COOP = ("Succeed together", "Do what matters most", "Be yourself, always", "Show you care")
WAYS_OF_BEING_COOP_CLAUSE = "Annex 3"  # with Policy 6.8
WAYS_OF_BEING_COOP_DESCRIPTIONS: dict[str, str] = {  # Annex 3
    "Succeed together": "Co-operation is what makes us different. We're better and stronger when we "
    "work together.",
    "Do what matters most": "I do what I can to ensure that the Trust delivers the strategic objectives.",
    "Be yourself, always": "I bring my best self to work so that I can contribute to our unique Trust, "
    "and I respect my colleagues for doing the same.",
    "Show you care": "I care about students, my colleagues, and my community and demonstrate this in "
    "everything that I do.",
}

TRAINING_CLAUSE = "8.1"
TRAINING_CATEGORIES: dict[str, str] = {  # Policy 8.1 (a)-(c)
    "a": "Needed to meet the performance requirements of the role and achieve the agreed objectives",
    "b": "To support development in terms of the Ways of Being Co-op",
    "c": "Wider continuing professional development (including leadership development where relevant)",
}
ESSENTIAL_TRAINING_CLAUSE = "8.4"  # essential training the Headteacher agrees is necessary is funded


@dataclass(frozen=True)
class SmartGap:
    element: str  # "Specific" | "Measurable" | "Achievable" | "Relevant" | "Time-bound"
    message: str
    clause: str = SMART_CLAUSE


_VAGUE = re.compile(
    r"\b(do (?:my|a) (?:best|better|good job)|be better|work harder|try (?:to|harder)|improve things|"
    r"get better|as (?:much|well) as possible|generally|etc\.?|various|stuff|things)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|hundred|"
    "half|twice|weekly|fortnightly|monthly|termly|daily|annually"
)
_MEASURING = (
    r"measur\w*|target\w*|score\w*|rating|rated|rate|ratio|percent(?:age)?|per cent|standard\w*|benchmark\w*|"
    r"baseline|survey\w*|audit\w*|feedback|checklist|certificat\w*|qualifi\w*|accredit\w*|"
    r"pass(?:ed|es)?|milestone\w*|evidenced?|observ\w*|logged|"
    r"count(?:ed)?|number of|no more than|at least|fewer than|less than|more than|zero"
)
_MEASURABLE = re.compile(rf"\d|%|\b(?:{_NUMBER_WORDS})\b|\b(?:{_MEASURING})\b", re.IGNORECASE)
_ABSOLUTE = re.compile(r"\b(?:always|never|every single|all the time|perfect(?:ly)?|zero errors)\b|\b100 ?%",
                       re.IGNORECASE)


def smart_check(objective: str, success_criteria: str, due: date | None, today: date) -> tuple[SmartGap, ...]:
    """The SMART elements that look missing, each with what to add (Policy 6.2, Annex 2)."""
    objective = (objective or "").strip()
    criteria = (success_criteria or "").strip()
    both = f"{objective}\n{criteria}"
    gaps: list[SmartGap] = []

    words = re.findall(r"[A-Za-z0-9'%-]+", objective)
    if len(words) < MIN_SPECIFIC_WORDS or _VAGUE.search(objective):
        gaps.append(
            SmartGap(
                "Specific",
                "Specific: say clearly what will be achieved and what it involves "
                f"(a full sentence of at least {MIN_SPECIFIC_WORDS} words, without 'try to' or 'do better').",
            )
        )
    if not criteria:
        gaps.append(
            SmartGap(
                "Measurable",
                "Measurable: add success criteria that say how success will be measured "
                "(a number, a percentage, a standard met).",
            )
        )
    elif not _MEASURABLE.search(both):
        gaps.append(
            SmartGap(
                "Measurable",
                "Measurable: say how success will be measured (a number, a percentage, a standard met).",
            )
        )
    if _ABSOLUTE.search(both):
        gaps.append(
            SmartGap(
                "Achievable",
                "Achievable: words like 'always', 'never' or '100%' leave no room for a realistic target; "
                "set a level that stretches but can be reached.",
            )
        )
    if due is None:
        gaps.append(
            SmartGap("Time-bound", "Time-bound: add the date by which it (or a milestone) will be completed.")
        )
    elif due < today:
        gaps.append(
            SmartGap(
                "Time-bound",
                f"Time-bound: the due date {due:%d %B %Y} has passed; choose a date from today onwards.",
            )
        )
    return tuple(gaps)


def objective_count_check(existing: int, reason: str | None) -> str | None:
    """None if another objective may be added; otherwise what to do (Policy 6.4).

    ``existing`` is the number of objectives already agreed in this cycle. A fourth (or later)
    objective is allowed when a reason is given; the reason is stored with the objective.
    """
    if existing < MAX_OBJECTIVES:
        return None
    if reason is not None and reason.strip():
        return None
    return (
        f"Policy 6.4: colleagues normally have no more than {MAX_OBJECTIVES} objectives, and this cycle "
        f"already has {existing}. Give a reason for adding another, or fold it into an existing objective."
    )


def outcome_label(outcome: str) -> str:
    try:
        return OUTCOME_LABELS[outcome]
    except KeyError:
        raise ValueError(f"Unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}.") from None

"""Every clause of the Support Staff Performance Management Policy that Cadence enacts.

`CLAUSES` maps a clause number (as the policy prints it) to a one-line summary; the index is
`/work/shared/POLICY.md`. Ranges in that table ("3.1–3.2", "10.1–10.2, 10.4") are expanded to
one key per clause so that every rule can cite exactly the clause it enacts.

The policy text numbers two paragraphs "3.5". The first (proportionate preparation) is stored
as "3.5a"; plain "3.5" is the second, the rule for colleagues who join part-way through the
year, because that is the one the bot enforces (POLICY.md: "3.5 (2nd)").
"""

from __future__ import annotations

POLICY_TITLE = "Performance Management Policy (Support Staff)"

CLAUSES: dict[str, str] = {
    "1.1": "Applies to support/associate staff, except contracts shorter than one term, "
    "colleagues in induction and colleagues in capability procedures.",
    "1.2": "Agency staff are not covered, but the principles apply when they work with the Trust "
    "for an extended period.",
    "1.3": "For central/hub teams, Headteacher reads Executive Leadership Team member and "
    "Local Governing Body reads Trust Board.",
    "3.1": "Performance management is a regular plan-do-review cycle recorded on the Planning & "
    "Review Form.",
    "3.2": "The cycle runs September to August: Preparation, Meeting 1 (2nd half of Summer or "
    "1st half of Autumn term), Administration, Meeting 2 (Spring term), Administration.",
    "3.3": "Informal one-to-one check-ins by mutual agreement; expected for leadership roles.",
    "3.4": "Preparation time and review meetings fall within the colleague's normal working hours.",
    "3.5a": "Preparation and evidence gathering are proportionate to workload.",
    "3.5": "A colleague joining part-way through the year has initial planning within three months "
    "of their start date.",
    "3.6": "A transfer to a new post part-way through the year is recorded as a written addition "
    "to the report.",
    "3.7": "Reasonable adjustments and extended absence are agreed and documented.",
    "3.8": "Objectives are reviewed before maternity leave starts or before a leaver's last day.",
    "4.1": "The reviewer is the line manager; with several line managers a lead seeks the others' "
    "input.",
    "4.2": "If the reviewer is absent, the Headteacher reviews or delegates to a manager of equal "
    "or higher status.",
    "4.3": "The cycle does not restart when the reviewer changes.",
    "4.4": "Where reviewing is delegated, the Headteacher checks a sample of planning statements "
    "for consistency.",
    "4.5": "The Headteacher makes sure reviewers are prepared and briefed.",
    "5.1": "Both reviewer and colleague prepare for the meeting (Annex 2).",
    "5.2": "Academies may use a preparation sheet based on Annex 2.",
    "5.3": "The meeting is planned with at least 5 days' notice.",
    "5.4": "The meeting lasts at least one hour, in a confidential and quiet place, in working hours.",
    "5.5": "Part 1: reflection, progress against objectives with evidence, development, "
    "Ways of Being Co-op.",
    "5.6": "Part 2: objectives, areas for development, support and training.",
    "5.7": "The review and the planning may be split into two meetings by agreement.",
    "5.8": "If the colleague is unprepared, the reviewer may reschedule.",
    "6.1": "Objectives fit the role, qualifications, scope and hours worked.",
    "6.2": "Objectives are within the colleague's control, SMART, with clear success criteria, fair.",
    "6.3": "Objectives are agreed; if not, the reviewer determines them.",
    "6.4": "Normally no more than 3 objectives; leadership, team/academy and Ways of Being Co-op "
    "objectives as appropriate.",
    "6.5": "Professional or occupational standards may be used.",
    "6.6": "The wider role is expected to be carried out satisfactorily.",
    "6.7": "Objectives link to academy improvement and career aspirations.",
    "6.8": "Colleagues work in line with the Ways of Being Co-op (Annex 3).",
    "7.1": "Assessment is against the success criteria; good progress on a challenging objective "
    "counts.",
    "7.2": "Reviewer and colleague seek to agree an overall assessment.",
    "7.3": "Objectives may span cycles with milestones.",
    "7.4": "Difficulties lead to the supportive informal route first (Annex 4).",
    "8.1": "Training needs are recorded: (a) for the role and objectives, (b) Ways of Being Co-op, "
    "(c) wider CPD.",
    "8.2": "Development plans are realistic and in line with the improvement plan.",
    "8.3": "Each academy runs a training programme informed by the reviews.",
    "8.4": "Budget priority goes to essential training; training the Headteacher agrees is "
    "necessary is funded.",
    "8.5": "Colleagues share responsibility for their development.",
    "8.6": "Training takes place within normal working hours wherever possible.",
    "9.1": "A dissatisfied colleague first tries to resolve it with the reviewer within 10 days of "
    "receiving the report.",
    "9.2": "Otherwise the colleague appeals in writing to the Headteacher.",
    "9.3": "Appeals are heard by a more senior manager than the reviewer; a colleague reporting to "
    "the Headteacher appeals to the Chair of Governors (LGB panel).",
    "9.4": "The colleague may be accompanied by a union representative or work colleague.",
    "9.5": "The appeal hearing is held within 15 working days of receiving the written appeal; "
    "several points are one hearing.",
    "10.1": "The process and forms are strictly confidential.",
    "10.2": "The colleague gets a copy; reviewer and line managers have access.",
    "10.3": "Forms are retained for the current review year and then 5 years.",
    "10.4": "Electronic systems set access levels in line with the policy.",
    "11.1": "The policy is reviewed at least every three years.",
    "11.2": "The Local Governing Body monitors the operation and outcomes.",
    "11.3": "The Headteacher reports annually to the LGB with no identifiable information.",
    "Annex 1": "The Planning & Review Form: objectives, development, Ways of Being Co-op, "
    "signatures, mid-year and end-of-year reviews.",
    "Annex 2": "Preparation questions for colleagues and a checklist for reviewers.",
    "Annex 3": "Co-operative values and the Ways of Being Co-op.",
    "Annex 4": "Manager guidance on managing under-performance and the Support Plan.",
    "Support Plan": "Concern, level of improvement required, support to be provided, timescales.",
    "Improvement Action Plan": "Stage 1/2 action plan with per-action review dates and outcomes.",
}


def cite(clause: str) -> str:
    """Return the citation used in every message: ``cite("5.3") == "Policy 5.3"``.

    Annexes and the plans read naturally as well: ``cite("Annex 1") == "Policy Annex 1"``.
    Unknown clauses raise ``KeyError`` so a typo in a rule is caught by its test.
    """
    key = clause.strip()
    if key not in CLAUSES:
        raise KeyError(f"Unknown policy clause {clause!r}; known clauses are listed in bot.policy.clauses.")
    return f"Policy {key}"


def summary(clause: str) -> str:
    """The one-line summary of a clause, prefixed with its citation."""
    return f"{cite(clause)}: {CLAUSES[clause.strip()]}"

"""The Support Plan (Annex 4) and the Improvement Action Plan with its Review (seed 000).

A plan row of kind ``support`` prints as the Annex 4 Support Plan; kind ``improvement`` as the
Improvement Action Plan followed by the Improvement Action Plan Review.

Decisions where the templates are silent or do not fit a school:
* The Improvement Action Plan template has eleven columns. A phone or an A4 page cannot show them
  side by side, so each action is printed as its own block with the template's column headings
  as labels, in the template's order. The Review keeps the template's five-column table.
* The template asks whether the gap is "a risk for patient safety"; in a school we ask about
  safety (pupils, students, colleagues) and print the measures in place when the answer is yes.
* Signatures made in chat print as "Signed electronically by NAME" with their date.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.documents.form import NOT_SIGNED, long_date, versions_label
from bot.documents.layout import EMPTY, Doc, value
from bot.policy.objectives import OUTCOME_LABELS
from bot.services import DEFAULT_ZONE
from store.models import Organisation, Person, PlanAction, PlanActionReview, Signature, SupportPlan
from store.unit import Repositories

SUPPORT_TITLE = "Support Plan"
IMPROVEMENT_TITLE = "Improvement Action Plan"
REVIEW_TITLE = "Improvement Action Plan Review"
STAGES = {"stage_1_informal": "Stage 1 informal", "stage_2_formal": "Stage 2 formal"}

SUPPORT_HEADER = ("Concern / Area of performance for review", "Level of improvement required*",
                  "Support to be provided (nature of support, who should make arrangements)",
                  "Timescales for improvement / review date(s)")
SMART_NOTE = ("*Actions agreed under this improvement note / support plan should be “SMART”: specific, "
              "measurable, achievable, relevant, time-related, in other words it should be very clear what "
              "is required, by whom and by when, and clear how this will be evaluated and reviewed.")
AGREED_NOTE = ("This plan has been agreed to provide support in improving performance as part of normal "
               "performance management procedures.")
L_AREA = "Area for Improvement"
L_REQUIRED = "Required Level of Performance"
L_GAP = "Identified Gap"
L_RISK = "Does the gap pose a risk for safety? (Yes/No)"
L_MEASURES = "If Yes, the measures in place to be implemented"
L_AGREED = "Agreed Actions (Manager and Employee)"
L_SUPPORT = "Support Required"
L_TIMESCALE = "Timescale"
L_REVIEW_DATES = "Progress Monitoring Review Dates"
L_MEASURED = "How Improvement will be Measured"
L_ACHIEVE = "Date to Achieve Required Level of Performance (End of Review Period)"
REVIEW_HEADER = ("Action No.", "Review Date", "Outcome / Evaluation",
                 "Has Required Level of Performance been Achieved?", "Agreed Actions (if required)")


@dataclass
class PlanData:
    plan: SupportPlan
    colleague: Person
    manager: Person | None
    organisation: Organisation
    actions: list[PlanAction]
    reviews: list[PlanActionReview]
    signatures: dict[tuple[str, str], Signature]
    signers: dict[int, Person]
    earlier: list[SupportPlan]  # the plans this one revises, oldest first
    trust_name: str = ""  # printed in the header
    zone: ZoneInfo = DEFAULT_ZONE  # times and days as the trust reads them (Settings.timezone)


async def load_plan(repos: Repositories, plan: SupportPlan, zone: ZoneInfo = DEFAULT_ZONE) -> PlanData:
    assert plan.id is not None
    colleague = await repos.people.person(plan.colleague_id)
    manager = await repos.people.person(plan.manager_id)
    assert colleague is not None
    organisation = await repos.people.organisation(colleague.organisation_id)
    assert organisation is not None
    actions = await repos.plans.plan_actions(plan.id)
    reviews = await repos.plans.plan_action_reviews([a.id for a in actions if a.id is not None])
    signatures = {(s.part, s.role): s for s in await repos.forms.signatures("support_plan", plan.id)}
    signers = await repos.people.people([*(s.person_id for s in signatures.values()),
                                 *(r.reviewed_by_id for r in reviews if r.reviewed_by_id)])
    by_id = {p.id: p for p in await repos.plans.plans_for(plan.colleague_id)}
    earlier: list[SupportPlan] = []
    cursor = plan.revision_of_id
    while cursor is not None and cursor in by_id and len(earlier) < 20:
        earlier.insert(0, by_id[cursor])
        cursor = by_id[cursor].revision_of_id
    parent = await repos.people.organisation(organisation.parent_id) if organisation.parent_id else None
    return PlanData(plan, colleague, manager, organisation, actions, reviews, signatures, signers, earlier,
                    trust_name=parent.name if parent else "", zone=zone)


def _sig(data: PlanData, part: str, role: str) -> tuple[str, str]:
    sig = data.signatures.get((part, role))
    if sig is None:
        return NOT_SIGNED, EMPTY
    signer = data.signers.get(sig.person_id)
    return f"Signed electronically by {signer.name if signer else 'a former colleague'}", long_date(sig.signed_at, data.zone)


def plan_versions(data: PlanData) -> list[str]:
    """Every policy version the plan's records were made under (usually one)."""
    rows = [data.plan, *data.actions, *data.reviews, *data.signatures.values()]
    return sorted({getattr(row, "policy_version", "") for row in rows} - {""})


def _review_manager_signature(data: PlanData) -> str:
    """The manager signs the review by recording it (the plan_review dialog saves that signature);
    a review recorded before that was saved still shows who recorded it and when."""
    if ("plan_review", "manager") in data.signatures or not data.reviews:
        return _sig(data, "plan_review", "manager")[0]
    latest = max(data.reviews, key=lambda r: (r.review_date, r.created_at))
    who = data.signers.get(latest.reviewed_by_id or -1) or (data.manager if data.manager else None)
    name = who.name if who else "a former colleague"
    return f"Recorded electronically by {name} on {long_date(latest.created_at)}"


def _review_dates(action: PlanAction) -> str:
    from datetime import date

    shown = []
    for iso in action.review_dates or []:
        try:
            shown.append(long_date(date.fromisoformat(iso)))
        except ValueError:
            shown.append(iso)
    return ", ".join(shown) or EMPTY


def build_plan(data: PlanData) -> Doc:
    return build_improvement_plan(data) if data.plan.kind == "improvement" else build_support_plan(data)


def build_support_plan(data: PlanData) -> Doc:
    p = data.plan
    doc = Doc(SUPPORT_TITLE, footer=f"{data.organisation.name} · Annex 4 support plan · policy "
                                    f"{versions_label(plan_versions(data))} · Policy 7.4, 10.1",
              organisation=data.trust_name or data.organisation.name)
    doc.fields(("Colleague name:", data.colleague.name), ("Date of meeting:", long_date(p.meeting_date)))
    rows = []
    for a in data.actions:
        support = value(a.support)
        if a.support_arranged_by:
            support += f" (arranged by {a.support_arranged_by})"
        timescale = "; ".join(x for x in (a.timescale, _review_dates(a) if a.review_dates else "") if x)
        rows.append((value(a.area), value(a.required_level), support, value(timescale)))
    doc.table(SUPPORT_HEADER, rows or [(EMPTY, EMPTY, EMPTY, EMPTY)])
    doc.para(SMART_NOTE, italic=True)
    doc.para(AGREED_NOTE)
    colleague, colleague_date = _sig(data, "plan", "colleague")
    manager, manager_date = _sig(data, "plan", "manager")
    doc.fields(("Signed: Colleague", colleague), ("Date:", colleague_date),
               ("Signed: Manager", manager), ("Date:", manager_date))
    if p.acknowledged_at:
        doc.para(f"Written confirmation acknowledged by the colleague on {long_date(p.acknowledged_at, data.zone)} (Annex 4).")
    _closure(doc, p, data.zone)
    return doc


def build_improvement_plan(data: PlanData) -> Doc:
    p = data.plan
    doc = Doc(IMPROVEMENT_TITLE, footer=f"{data.organisation.name} · Improvement Action Plan · policy "
                                        f"{versions_label(plan_versions(data))} · Policy 7.4, 10.1",
              organisation=data.trust_name or data.organisation.name)
    revised = ", ".join(long_date(e.date_agreed or e.created_at, data.zone) for e in data.earlier)
    if p.revision_note:
        revised = f"{revised} ({p.revision_note})" if revised else p.revision_note
    employee_sig, _ = _sig(data, "plan", "colleague")
    manager_sig, _ = _sig(data, "plan", "manager")
    doc.fields(("Date of Agreed Plan", long_date(p.date_agreed)),
               ("If this is a revised version of previous plan – inc. date(s) of original / revised plan(s)",
                value(revised)),
               ("Stage in Performance Management Process", STAGES.get(p.stage, p.stage)),
               ("Employee Name", data.colleague.name), ("Signature", employee_sig),
               ("Manager Name", data.manager.name if data.manager else EMPTY), ("Signature", manager_sig))
    for a in data.actions:
        doc.heading(f"Action No. {a.number}", 2)
        doc.fields((L_AREA, value(a.area)), (L_REQUIRED, value(a.required_level)), (L_GAP, value(a.identified_gap)),
                   (L_RISK, "Yes" if a.safety_risk else "No"),
                   *([(L_MEASURES, value(a.risk_measures))] if a.safety_risk else []),
                   (L_AGREED, value(a.agreed_actions)), (L_SUPPORT, value(a.support)),
                   (L_TIMESCALE, value(a.timescale)), (L_REVIEW_DATES, _review_dates(a)),
                   (L_MEASURED, value(a.how_measured)), (L_ACHIEVE, long_date(a.date_to_achieve)))
    if not data.actions:
        doc.para("No actions recorded yet.", italic=True)

    doc.page_break()
    doc.heading(REVIEW_TITLE, 1)
    numbers = {a.id: a.number for a in data.actions}
    rows = [(str(numbers.get(r.action_id, "?")), long_date(r.review_date), value(r.outcome),
             OUTCOME_LABELS.get(r.result, r.result), value(r.agreed_actions))
            for r in sorted(data.reviews, key=lambda r: (numbers.get(r.action_id, 0), r.review_date))]
    doc.table(REVIEW_HEADER, rows or [(str(a.number), EMPTY, EMPTY, "Met / Partially Met / Not Met", EMPTY)
                                      for a in data.actions] or [(EMPTY,) * 5])
    review_dates = sorted({r.review_date for r in data.reviews})
    employee_sig, _ = _sig(data, "plan_review", "colleague")
    manager_sig = _review_manager_signature(data)
    doc.fields(("Date of Review", long_date(review_dates[-1]) if review_dates else EMPTY),
               ("If this is a review of a previous plan – inc. date(s) of previous review(s)",
                ", ".join(long_date(d) for d in review_dates[:-1]) or EMPTY),
               ("Stage in Performance Management Process", STAGES.get(p.stage, p.stage)),
               ("Employee Name", data.colleague.name), ("Signature", employee_sig),
               ("Manager Name", data.manager.name if data.manager else EMPTY), ("Signature", manager_sig))
    _closure(doc, p, data.zone)
    return doc


def _closure(doc: Doc, p: SupportPlan, zone: ZoneInfo) -> None:
    if p.status == "closed":
        doc.heading("Closed", 2)
        doc.para(f"Closed on {long_date(p.closed_at, zone)}: {value(p.closure_note)} (Annex 4: the issues have been "
                 "addressed and performance management continues as normal).")


def plan_filename(data: PlanData, fmt: str) -> str:
    slug = "-".join(data.colleague.name.lower().split())
    kind = "improvement-action-plan" if data.plan.kind == "improvement" else "support-plan"
    return f"{kind}-{slug}-{data.plan.id}.{fmt}"

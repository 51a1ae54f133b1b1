"""Plans as the trust's templates lay them out (Annex 4 Support Plan; Improvement Action Plan and Review)."""

from __future__ import annotations

from bot.documents import exports
from bot.documents.plans import (
    L_ACHIEVE,
    L_AGREED,
    L_AREA,
    L_GAP,
    L_MEASURED,
    L_MEASURES,
    L_REQUIRED,
    L_RISK,
    L_SUPPORT,
    L_TIMESCALE,
    REVIEW_HEADER,
    SUPPORT_HEADER,
)
from tests.records.readers import docx_fields, docx_tables, pdf_text, squash


async def test_jos_support_plan_rows_match_the_stored_actions(trust):
    repos = trust.app.repos
    priya = await trust.ctx("priya")
    attachment = await exports.export_plan(repos, priya, trust.ids["jo"], fmt="docx")
    (action,) = await repos.plans.plan_actions(trust.plans["jo"])
    tables = docx_tables(attachment.content)
    plan_table = next(t for t in tables if t[0] == list(SUPPORT_HEADER))
    assert plan_table[1] == [action.area, action.required_level,
                             f"{action.support} (arranged by {action.support_arranged_by})",
                             f"{action.timescale}; 16 November 2026, 14 December 2026"]
    fields = docx_fields(attachment.content)
    assert ("Colleague name:", "Jo Brown") in fields and ("Date of meeting:", "2 November 2026") in fields
    assert ("Signed: Manager", "Signed electronically by Priya Shah") in fields
    assert ("Signed: Colleague", "Not yet signed") in fields


async def test_alexs_improvement_action_plan_and_review_carry_every_field(trust):
    repos = trust.app.repos
    mark = await trust.ctx("mark")
    docx = await exports.export_plan(repos, mark, trust.ids["alex"], fmt="docx")
    (action,) = await repos.plans.plan_actions(trust.plans["alex"])
    fields = docx_fields(docx.content)
    expected = [(L_AREA, action.area), (L_REQUIRED, action.required_level), (L_GAP, action.identified_gap),
                (L_RISK, "Yes"), (L_MEASURES, action.risk_measures), (L_AGREED, action.agreed_actions),
                (L_SUPPORT, action.support), (L_TIMESCALE, action.timescale), (L_MEASURED, action.how_measured),
                (L_ACHIEVE, "29 January 2027")]
    for pair in expected:
        assert pair in fields, pair
    assert ("Stage in Performance Management Process", "Stage 2 formal") in fields
    assert ("If this is a revised version of previous plan – inc. date(s) of original / revised plan(s)",
            "14 September 2026 (targets tightened)") in fields
    review_table = next(t for t in docx_tables(docx.content) if t[0] == list(REVIEW_HEADER))
    assert review_table[1] == ["1", "23 November 2026", "Two of two checks on time", "Partially Met",
                               "Continue weekly review"]
    text = pdf_text((await exports.export_plan(repos, mark, trust.ids["alex"], fmt="pdf")).content)
    for _label, value in expected:
        assert squash(value) in text, value
    assert "Improvement Action Plan Review" in text and "Partially Met" in text
    assert "policy version of 25 July 2019" in text  # the version the plan's records were made under


async def test_the_review_shows_the_managers_signature_once_the_review_is_recorded(trust):
    from store.models import Signature

    repos = trust.app.repos
    mark = await trust.ctx("mark")

    def review_signatures(content: bytes) -> list[str]:
        fields = docx_fields(content)
        start = [i for i, (label, _v) in enumerate(fields) if label == "Date of Review"][-1]
        return [v for label, v in fields[start:] if label == "Signature"]

    docx = await exports.export_plan(repos, mark, trust.ids["alex"], fmt="docx")
    employee, manager = review_signatures(docx.content)  # a review recorded before signatures were kept
    assert employee == "Not yet signed" and manager.startswith("Recorded electronically by Mark Lee on ")
    await repos.forms.add_signature(Signature(subject_type="support_plan", subject_id=trust.plans["alex"],
                                       part="plan_review", role="manager", person_id=trust.ids["mark"]))
    docx = await exports.export_plan(repos, mark, trust.ids["alex"], fmt="docx")
    assert review_signatures(docx.content) == ["Not yet signed", "Signed electronically by Mark Lee"]

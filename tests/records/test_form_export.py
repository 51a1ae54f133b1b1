"""Sam exports his Planning & Review Form; what he gets matches what is stored, field by field (10.2)."""

from __future__ import annotations

import pytest

from bot.access import AccessDenied
from bot.documents import exports
from bot.documents.exports import NothingToExport
from bot.documents.form import (
    EOY_HEADER,
    H_COOP,
    H_DEVELOPMENT,
    H_EOY,
    H_MIDYEAR,
    H_OBJECTIVES,
    load_form,
)
from bot.policy.objectives import WAYS_OF_BEING_COOP
from tests.records.readers import docx_fields, docx_headings, docx_tables, docx_text, pdf_text, squash


async def _stored(trust):
    return await load_form(trust.app.repos, trust.reviews["sam"])


async def test_docx_form_matches_the_stored_review_field_by_field(trust):
    repos = trust.app.repos
    sam = await trust.ctx("sam")
    attachment = await exports.export_form(repos, sam, sam.id, fmt="docx", channel="console",
                                           identity="console:sam.patel@hillside.example")
    assert attachment.filename.endswith(".docx")
    assert attachment.media_type.startswith("application/vnd.openxmlformats")
    data = await _stored(trust)
    fields = docx_fields(attachment.content)
    first = dict(fields[:4])
    assert first == {"Colleague name:": "Sam Patel", "Reviewer name:": "Priya Shah",
                     "Job title:": "Teaching Assistant", "Date of planning meeting:": "12 October 2026"}
    # each objective's three Annex 1 boxes hold exactly the stored text
    for objective in data.objectives:
        i = fields.index(("Objective:", objective.text))
        assert fields[i + 1] == ("Success criteria:", objective.success_criteria)
        assert fields[i + 2] == ("Development or support needed to successfully achieve this objective:",
                                 objective.support_needed)
    assert ("Agreement (Policy 6.3):", "Determined by the reviewer") in fields
    # the three parts and their Annex 1 headings, in order
    headings = docx_headings(attachment.content)
    order = [headings.index(h) for h in (H_OBJECTIVES, H_DEVELOPMENT, H_COOP, H_MIDYEAR, H_EOY)]
    assert order == sorted(order)
    assert [h for h in headings if h in WAYS_OF_BEING_COOP] == list(WAYS_OF_BEING_COOP) * 2
    text = docx_text(attachment.content)
    assert data.review.professional_development in text
    assert "Sam works 0.8 FTE (Mon–Thu); Zoë O’Neil covers Fridays." in text
    for (part, way), reflection in data.reflections.items():
        assert reflection.text in text, (part, way)
    # planning signatures with their dates; the later parts visibly unsigned
    assert fields.count(("Reviewee signature:", "Signed electronically by Sam Patel via Slack")) == 1
    assert fields.count(("Reviewer signature:", "Signed electronically by Priya Shah via Teams")) == 1
    assert ("Date:", "14 October 2026") in fields and ("Date:", "15 October 2026") in fields
    assert fields.count(("Reviewee signature:", "Not yet signed")) == 2
    # mid-year comments per objective, and the end-of-year outcome table header of Annex 1
    tables = docx_tables(attachment.content)
    midyear = next(t for t in tables if t[0] == ["Objective", "Comment"])
    assert midyear[1] == [f"1. {data.objectives[0].text}", "Four of six pupils already secure."]
    assert any(t[0] == list(EOY_HEADER) for t in tables)
    assert ("Are all objectives on track to be met? YES / NO", "Not yet answered") in fields


async def test_pdf_form_carries_every_stored_value(trust):
    repos = trust.app.repos
    sam = await trust.ctx("sam")
    attachment = await exports.export_form(repos, sam, sam.id, fmt="pdf")
    assert attachment.content.startswith(b"%PDF")
    text = pdf_text(attachment.content)
    data = await _stored(trust)
    expected = [data.colleague.name, data.reviewer.name, data.colleague.job_title, "12 October 2026",
                data.review.professional_development, data.review.other_information,
                "Signed electronically by Sam Patel via Slack", "14 October 2026", "15 October 2026",
                "Four of six pupils already secure.", "Phonics refresher", "IN CONFIDENCE",
                H_OBJECTIVES, H_MIDYEAR, H_EOY, "Reviewee comments (optional)", "Reviewer comments (optional)",
                "Co-op Academies Trust", "Page 1 of 3", "Page 3 of 3",  # the trust's name in the header; N of M
                "Performance Management Policy (Support Staff), version of 25 July 2019"]
    for objective in data.objectives:
        expected += [objective.text, objective.success_criteria, objective.support_needed]
    expected += [r.text for r in data.reflections.values()]
    for value in expected:
        assert squash(value) in text, value


async def test_markdown_form_and_an_earlier_cycle(trust):
    repos = trust.app.repos
    sam = await trust.ctx("sam")
    attachment = await exports.export_form(repos, sam, sam.id, cycle_year=2025, fmt="md")
    text = attachment.content.decode()
    assert "2025-26" in attachment.filename
    assert "| **Overall, is the colleague performing their job role to the level expected? YES / NO** | YES |" in text
    assert "Well done, Sam." in text and "I enjoyed the phonics work." in text
    with pytest.raises(NothingToExport, match="no form for 2019-20"):
        await exports.export_form(repos, sam, sam.id, cycle_year=2019, fmt="md")
    with pytest.raises(NothingToExport, match="docx, pdf or md"):
        await exports.export_form(repos, sam, sam.id, fmt="odt")


async def test_every_export_is_audited_with_channel_and_identity(trust):
    repos = trust.app.repos
    priya = await trust.ctx("priya")
    await exports.export_form(repos, priya, trust.ids["sam"], fmt="md", channel="slack",
                              identity="slack:U0PRIYA@T0")
    events = [e for e in await repos.audit.audit_about(trust.ids["sam"]) if e.action == "export"]
    assert len(events) == 1
    e = events[0]
    assert (e.actor_id, e.channel, e.actor_identity, e.record_type, e.record_id) == (
        priya.id, "slack", "slack:U0PRIYA@T0", "review", trust.reviews["sam"])
    assert e.detail == {"document": "planning_review_form", "format": "md"}


async def test_a_colleague_cannot_export_someone_elses_form_and_the_refusal_is_logged(trust):
    repos = trust.app.repos
    jo = await trust.ctx("jo")
    with pytest.raises(AccessDenied) as refused:
        await exports.export_form(repos, jo, trust.ids["sam"], fmt="pdf", channel="teams", identity="teams:jo")
    assert "Policy 10.2" in refused.value.message
    events = await repos.audit.audit_about(trust.ids["sam"])
    assert [(e.action, e.actor_id) for e in events] == [("refused", jo.id)]


async def test_the_longest_answers_the_dialogs_allow_still_print_in_full(trust):
    """3,000 characters (the dialogs' limit) in an objective and its evidence: no row too tall for a page."""
    from store.models import Objective, ObjectiveProgress

    repos = trust.app.repos
    long_text = " ".join(f"step{n}" for n in range(500))[:3000]
    o = await repos.forms.save_objective(Objective(review_id=trust.reviews["sam"], number=3, text=long_text, success_criteria=long_text))
    await repos.forms.save_objective_progress(ObjectiveProgress(objective_id=o.id, stage="end_of_year", outcome="met", evidence=long_text))
    sam = await trust.ctx("sam")
    text = pdf_text((await exports.export_form(repos, sam, sam.id, fmt="pdf")).content)
    assert "step0 step1" in text and text.count("step250") >= 3  # objective, criteria and evidence

"""Sam asks for everything held about him (subject access), and gets his copy after sign-off (10.2)."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from bot.access import AccessDenied
from bot.documents import exports
from bot.documents.copies import COPY_KIND, attachment_for_reminder, send_copy_after_signoff
from bot.documents.subject_access import export_subject
from store.models import Appeal, CheckIn, Signature
from tests.records.readers import docx_fields, pdf_text


async def test_sams_zip_holds_his_whole_record_with_a_readable_index_and_who_read_it(trust):
    repo = trust.app.repo
    sam_id, review = trust.ids["sam"], trust.reviews["sam"]
    await repo.save_preparation(review, sam_id, "colleague",
                                [("achieved", "Have you achieved the objectives set?", "Mostly, yes.")])
    await repo.save_checkin(CheckIn(person_id=sam_id, mood=4, note="Good week in Year 2", share_with_manager="mood"))
    await repo.save_appeal(Appeal(review_id=trust.reviews["sam_2025"], colleague_id=sam_id, stage="withdrawn",
                           concerns="Outcome of objective 2"))
    priya = await trust.ctx("priya")
    await exports.export_form(repo, priya, sam_id, fmt="pdf", channel="teams", identity="teams:aad-priya")
    sam = await trust.ctx("sam")
    attachment = await export_subject(trust.app, sam, sam_id, channel="console", identity="console:sam")
    z = zipfile.ZipFile(io.BytesIO(attachment.content))
    names = z.namelist()
    assert names[0] == "index.md"
    assert {"forms/planning-review-form-2025-26.pdf", "forms/planning-review-form-2026-27.pdf",
            "preparation/preparation-2026-27.md", "checkins.md", "appeals.md", "audit.csv",
            "data.json"} <= set(names)
    index = z.read("index.md").decode()
    assert "# Your Cadence record: Sam Patel" in index and "`checkins.md` (1)" in index
    assert "Have you achieved the objectives set?" in z.read("preparation/preparation-2026-27.md").decode()
    assert "Good week in Year 2" in z.read("checkins.md").decode()
    assert "Outcome of objective 2" in z.read("appeals.md").decode()
    assert "Run daily phonics catch-up sessions" in pdf_text(z.read("forms/planning-review-form-2026-27.pdf"))
    audit = list(csv.DictReader(io.StringIO(z.read("audit.csv").decode())))
    assert [(a["who"], a["action"], a["channel"], a["identity"]) for a in audit] == [
        ("Priya Shah <priya.shah@hillside.example>", "exported", "teams", "teams:aad-priya")]
    data = json.loads(z.read("data.json"))
    assert [r["cycle"] for r in data["reviews"]] == ["2025-26", "2026-27"]
    assert data["checkins"][0]["mood"] == 4
    # and the subject access itself is logged
    assert (await repo.audit_about(sam_id))[-1].record_type == "subject_access"


@pytest.mark.parametrize("who", ["priya", "helen", "jo", "gill"])
async def test_only_sam_or_hr_may_take_his_whole_record(trust, who):
    actor = await trust.ctx(who)
    with pytest.raises(AccessDenied, match="colleague themselves or HR"):
        await export_subject(trust.app, actor, trust.ids["sam"])
    hana = await trust.ctx("hana")
    assert (await export_subject(trust.app, hana, trust.ids["sam"])).filename == "subject-access-sam-patel.zip"


async def test_sam_gets_his_copy_once_both_have_signed_and_only_he_gets_the_document(trust):
    repo, services = trust.app.repo, trust.app.services
    review = trust.reviews["sam"]
    assert await send_copy_after_signoff(services, review) is True
    assert await services.documents.send_copy_after_signoff(review) is True  # a double click: still one notice
    copies = [r for r in await repo.reminders(status=None) if r.kind == COPY_KIND]
    assert len(copies) == 1
    copy = copies[0]
    assert (copy.recipient_id, copy.clause, copy.dedupe_key) == (trust.ids["sam"], "10.2", f"form_copy:{review}:planning")
    attachment = await attachment_for_reminder(services, copy)
    assert attachment is not None and attachment.filename.endswith(".docx")
    assert ("Colleague name:", "Sam Patel") in docx_fields(attachment.content)
    copy.recipient_id = trust.ids["priya"]
    assert await attachment_for_reminder(services, copy) is None


async def test_no_copy_until_both_have_signed(trust):
    repo, services = trust.app.repo, trust.app.services
    old = trust.reviews["sam_2025"]
    assert await send_copy_after_signoff(services, old) is False
    await repo.save_signature(Signature(subject_type="review", subject_id=old, part="end_of_year", role="reviewee",
                              person_id=trust.ids["sam"]))
    assert await send_copy_after_signoff(services, old) is False
    await repo.save_signature(Signature(subject_type="review", subject_id=old, part="end_of_year", role="reviewer",
                              person_id=trust.ids["priya"]))
    assert await send_copy_after_signoff(services, old) is True
    keys = {r.dedupe_key for r in await repo.reminders(status=None) if r.kind == COPY_KIND}
    assert keys == {f"form_copy:{old}:end_of_year"}


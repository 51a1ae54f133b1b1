"""Sam asks for everything held about him (subject access), and gets his copy after sign-off (10.2)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import and_, or_, select

from bot.access import AccessDenied
from bot.documents import exports
from bot.documents.copies import COPY_KIND, attachment_for_reminder, send_copy_after_signoff
from bot.documents.subject_access import PERSON_FIELDS, export_subject
from store.models import (
    POLICY_VERSION,
    Appeal,
    AuditEvent,
    CheckIn,
    CoopReflection,
    DialogSession,
    InputRequest,
    Meeting,
    Milestone,
    Objective,
    ObjectiveProgress,
    PreparationAnswer,
    Reminder,
    Review,
    Signature,
    SupportPlan,
    TrainingNeed,
)
from tests.records.readers import docx_fields, pdf_text, squash
from tests.seeding import seed_all


async def _sams_everything(trust) -> None:
    """Something in every table that can hold Sam's data, written as the bot writes it."""
    repos, sam_id, priya_id = trust.app.repos, trust.ids["sam"], trust.ids["priya"]
    review = trust.reviews["sam"]
    await repos.forms.save_preparation(review, sam_id, "colleague",
                                [("achieved", "Have you achieved the objectives set?", "Mostly, yes.")])
    await repos.records.save_checkin(CheckIn(person_id=sam_id, mood=4, note="Good week in Year 2", share_with_manager="mood"))
    await repos.appeals.save_appeal(Appeal(review_id=trust.reviews["sam_2025"], colleague_id=sam_id, stage="withdrawn",
                           concerns="Outcome of objective 2", informal_raised_on=date(2026, 7, 20)))
    await repos.plans.save_plan(SupportPlan(colleague_id=sam_id, manager_id=priya_id, kind="support",
                                meeting_date=date(2026, 11, 16)))
    now = trust.app.clock.now()
    await repos.outbox.enqueue(Reminder(dedupe_key="t:sam", kind="prep_nudge", recipient_id=sam_id, subject_person_id=sam_id,
                                due_at=now, status="sent", sent_at=now, clause="5.1",
                                subject="Prepare for your planning meeting", body="Say prep to start."))
    await repos.outbox.enqueue(Reminder(dedupe_key="t:priya", kind="signoff_request", recipient_id=priya_id,
                                subject_person_id=sam_id, due_at=now, clause="7.2",
                                subject="Sign Sam Patel's mid-year review", body="Sam has signed; say signoff Sam."))
    await seed_all(repos.db, [
        DialogSession(person_id=sam_id, dialog_id="checkin", status="paused",
                      state={"answers": {"mood": 2, "note": "Worried about the Year 2 move"}}, created_at=now,
                      updated_at=now),
        DialogSession(person_id=priya_id, dialog_id="midyear_review", subject_person_id=sam_id, status="active",
                      state={"answers": {"comments": "Sam's group is nearly there"}}, created_at=now, updated_at=now),
        DialogSession(person_id=sam_id, dialog_id="checkin", status="done", state={"answers": {"mood": 5}},
                      created_at=now, updated_at=now)])
    await exports.export_form(repos, await trust.ctx("priya"), sam_id, fmt="pdf", channel="teams",
                              identity="teams:aad-priya")


async def _rows(repos, model, *where):
    async with repos.db.session() as s:
        return list((await s.execute(select(model).where(*where))).scalars())


async def test_sams_zip_holds_every_row_about_him_table_by_table(trust):
    repos, sam_id = trust.app.repos, trust.ids["sam"]
    await _sams_everything(trust)
    attachment = await export_subject(trust.app, await trust.ctx("sam"), sam_id, channel="console",
                                      identity="console:sam", received=date(2026, 11, 20))
    z = zipfile.ZipFile(io.BytesIO(attachment.content))
    names = z.namelist()
    data = json.loads(z.read("data.json"))
    text = {n: pdf_text(z.read(n)) for n in names if n.endswith(".pdf")}

    def pdf(name: str) -> str:
        return squash(text[name])

    # the cover note first: what is included, today's date and the one-month deadline
    assert names[:2] == ["cover-note.pdf", "cover-note.md"]
    cover = pdf("cover-note.pdf")
    assert "Request received: 20 November 2026" in cover and "Prepared on: 23 November 2026" in cover
    assert "Answer due by: 20 December 2026 (one month from receipt" in cover
    listed = z.read("cover-note.md").decode()  # the same document; a PDF's table wraps long file names
    for part in [n for n in names if n.endswith(".pdf") and n != "cover-note.pdf"]:
        assert f"| {part} |" in listed, part  # every part is listed
        assert part.removesuffix(".pdf") + ".md" in names  # and each PDF has its Markdown twin

    reviews = await _rows(repos, Review, Review.colleague_id == sam_id)
    assert len(data["reviews"]) == len(reviews) == 2
    for review, stored in zip(sorted(reviews, key=lambda r: r.cycle_id), data["reviews"], strict=True):
        form = pdf(f"forms/planning-review-form-{stored['cycle']}.pdf")
        assert stored["review"]["reviewer"] == "Priya Shah" and "reviewer_id" not in stored["review"]
        objectives = await _rows(repos, Objective, Objective.review_id == review.id)
        assert [o["text"] for o in stored["objectives"]] == [o.text for o in objectives]
        for o in objectives:
            assert squash(o.text)[:60] in form
        ids = [o.id for o in objectives]
        for key, model, where in (
                ("milestones", Milestone, Milestone.objective_id.in_(ids)),
                ("progress", ObjectiveProgress, ObjectiveProgress.objective_id.in_(ids)),
                ("reflections", CoopReflection, CoopReflection.review_id == review.id),
                ("signatures", Signature, and_(Signature.subject_type == "review", Signature.subject_id == review.id)),
                ("training_needs", TrainingNeed, TrainingNeed.review_id == review.id),
                ("input_requests", InputRequest, InputRequest.review_id == review.id),
                ("meetings", Meeting, Meeting.review_id == review.id),
                ("preparation_answers", PreparationAnswer, PreparationAnswer.review_id == review.id)):
            assert len(stored[key]) == len(await _rows(repos, model, where)), key
        for t in await _rows(repos, TrainingNeed, TrainingNeed.review_id == review.id):
            assert t.description in form
        meetings = await _rows(repos, Meeting, Meeting.review_id == review.id)
        if meetings:
            table = pdf(f"meetings/meetings-{stored['cycle']}.pdf")
            assert "12 October 2026, 15:00" in table and "Library office" in table and "Priya Shah" in table
            assert len([n for n in names if n.startswith("meetings/") and n.endswith(".ics")]) == len(meetings)
    assert "Mostly, yes." in pdf("preparation/preparation-2026-27.pdf")

    checkins = await _rows(repos, CheckIn, CheckIn.person_id == sam_id)
    assert len(data["checkins"]) == len(checkins) == 1 and "Good week in Year 2" in pdf("checkins.pdf")

    plans = await _rows(repos, SupportPlan, SupportPlan.colleague_id == sam_id)
    assert len(data["plans"]) == len(plans) == 1 and "plans/support-plan-1.pdf" in names
    assert data["plans"][0]["plan"]["manager"] == "Priya Shah"

    appeals = await _rows(repos, Appeal, Appeal.colleague_id == sam_id)
    assert len(data["appeals"]) == len(appeals) == 1
    assert "Outcome of objective 2" in pdf("appeals.pdf") and "20 July 2026" in pdf("appeals.pdf")

    notices = await _rows(repos, Reminder, or_(Reminder.recipient_id == sam_id, Reminder.subject_person_id == sam_id))
    assert len(data["notices"]) == len(notices) == 2
    assert {n["recipient"] for n in data["notices"]} == {"Sam Patel", "Priya Shah"}
    assert "Sign Sam Patel's mid-year review" in pdf("notices.pdf") and "To: Priya Shah" in pdf("notices.pdf")

    unfinished = await _rows(repos, DialogSession, DialogSession.status.in_(("active", "paused")),
                             or_(DialogSession.person_id == sam_id, DialogSession.subject_person_id == sam_id))
    assert len(data["conversations_in_progress"]) == len(unfinished) == 2
    talk = pdf("conversations-in-progress.pdf")
    assert "Worried about the Year 2 move" in talk and "Sam's group is nearly there" in talk and "Priya Shah" in talk

    audit = list(csv.DictReader(io.StringIO(z.read("audit.csv").decode())))
    assert len(audit) == len(await _rows(repos, AuditEvent, AuditEvent.subject_person_id == sam_id)) - 1  # + this export
    assert [(a["who"], a["action"], a["channel"], a["identity"]) for a in audit] == [
        ("Priya Shah <priya.shah@hillside.example>", "exported", "teams", "teams:aad-priya")]
    assert data["person"]["email"] == "sam.patel@hillside.example"

    # people by name, never by id; UK dates throughout (the policy's version is a name, not a date)
    def person_ids(value) -> list[str]:
        if isinstance(value, dict):
            return [k for k, v in value.items() if k in PERSON_FIELDS] + [x for v in value.values() for x in person_ids(v)]
        if isinstance(value, list):
            return [x for v in value for x in person_ids(v)]
        return []

    assert person_ids(data) == []
    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    for name in names:
        if name.endswith((".md", ".csv", ".json")):
            shown = z.read(name).decode().replace(POLICY_VERSION, "")
            assert not iso.search(shown), (name, iso.findall(shown)[:3])
    for name, content in text.items():
        assert not iso.search(content.replace(POLICY_VERSION, "")), name
    assert (await repos.audit.audit_about(sam_id))[-1].record_type == "subject_access"


@pytest.mark.parametrize("who", ["priya", "helen", "jo", "gill"])
async def test_only_sam_or_hr_may_take_his_whole_record(trust, who):
    actor = await trust.ctx(who)
    with pytest.raises(AccessDenied, match="colleague themselves or HR"):
        await export_subject(trust.app, actor, trust.ids["sam"])
    hana = await trust.ctx("hana")
    assert (await export_subject(trust.app, hana, trust.ids["sam"])).filename == "subject-access-sam-patel.zip"


async def test_sam_gets_his_copy_once_both_have_signed_and_only_he_gets_the_document(trust):
    repos, services = trust.app.repos, trust.app.services
    review = trust.reviews["sam"]
    assert await send_copy_after_signoff(services, review) is True
    assert await services.documents.send_copy_after_signoff(review) is True  # a double click: still one notice
    copies = [r for r in await repos.outbox.reminders(status=None) if r.kind == COPY_KIND]
    assert len(copies) == 1
    copy = copies[0]
    assert (copy.recipient_id, copy.clause, copy.dedupe_key) == (trust.ids["sam"], "10.2", f"form_copy:{review}:planning")
    attachment = await attachment_for_reminder(services, copy)
    assert attachment is not None and attachment.filename.endswith(".docx")
    assert ("Colleague name:", "Sam Patel") in docx_fields(attachment.content)
    copy.recipient_id = trust.ids["priya"]
    assert await attachment_for_reminder(services, copy) is None


async def test_no_copy_until_both_have_signed(trust):
    repos, services = trust.app.repos, trust.app.services
    old = trust.reviews["sam_2025"]
    assert await send_copy_after_signoff(services, old) is False
    await repos.forms.save_signature(Signature(subject_type="review", subject_id=old, part="end_of_year", role="reviewee",
                              person_id=trust.ids["sam"]))
    assert await send_copy_after_signoff(services, old) is False
    await repos.forms.save_signature(Signature(subject_type="review", subject_id=old, part="end_of_year", role="reviewer",
                              person_id=trust.ids["priya"]))
    assert await send_copy_after_signoff(services, old) is True
    keys = {r.dedupe_key for r in await repos.outbox.reminders(status=None) if r.kind == COPY_KIND}
    assert keys == {f"form_copy:{old}:end_of_year"}


"""Documents in Teams: a file consent card, the user's Allow, the upload, and the file card."""

from __future__ import annotations

import json

from bot.messages import Attachment, Reply
from tests.teams.conftest import PRIYA_AAD, activity, say

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT = b"PK\x03\x04" + b"Planning and Review Form for Sam Patel " * 200


async def offer_form(bot_client, connector, teams_app):  # noqa: ANN001, ANN201
    await say(bot_client, connector, "hello")  # Sam has talked to the bot: his chat is known
    connector.clear()
    sam = await teams_app.repos.people.person(teams_app.extras["people"]["sam"].id)
    form = Attachment("planning-review-form-sam-patel.docx", CONTENT, DOCX, "Planning & Review Form 2026-27")
    await teams_app.channels["teams"].deliver(sam, Reply("Your Planning & Review Form is ready (Policy 10.2).",
                                                         attachments=(form,)))
    text, consent = connector.sent
    return text, consent


async def answer_consent(bot_client, connector, context, action: str = "accept", **who):  # noqa: ANN001, ANN201
    body = activity(connector, kind="invoke", name="fileConsent/invoke", replyToId="activity-2", value={
        "type": "fileUpload", "action": action, "context": context,
        "uploadInfo": {"contentUrl": "https://hillside.sharepoint.example/personal/sam/Documents/Applications/"
                                     "planning-review-form-sam-patel.docx",
                       "name": "planning-review-form-sam-patel.docx",
                       "uploadUrl": f"{connector.url}upload/planning-review-form-sam-patel.docx",
                       "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D", "fileType": "docx"}}, **who)
    before = len(connector.sent)
    response = await bot_client.post("/api/messages", data=json.dumps(body),
                                     headers={"Content-Type": "application/json"})
    return response, connector.sent[before:]


async def test_a_colleague_allows_the_form_and_it_lands_in_their_onedrive(bot_client, connector, teams_app):
    text, consent = await offer_form(bot_client, connector, teams_app)
    assert "Planning & Review Form is ready" in text.text
    (card,) = consent.body["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    assert card["name"] == "planning-review-form-sam-patel.docx"
    assert card["content"]["sizeInBytes"] == len(CONTENT)

    response, sent = await answer_consent(bot_client, connector, card["content"]["acceptContext"])
    assert response.status == 200  # the invoke is answered, so Teams shows no error

    ((path, headers, uploaded),) = connector.uploads
    assert uploaded == CONTENT
    assert headers["Content-Range"] == f"bytes 0-{len(CONTENT) - 1}/{len(CONTENT)}"
    (info,) = sent[0].body["attachments"]
    assert info["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    assert info["content"] == {"uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D", "fileType": "docx"}
    assert connector.deleted == ["activity-2"]  # the consent card is taken away
    token = card["content"]["acceptContext"]["cadence_offer"]
    assert await teams_app.repos.conversations.file_offer(token) is None  # the copy is not kept

    # pressing Allow again on the old card uploads nothing more
    _, again = await answer_consent(bot_client, connector, card["content"]["acceptContext"])
    assert "expired" in again[0].text and len(connector.uploads) == 1


async def test_declining_removes_the_copy_and_says_how_to_get_it_later(bot_client, connector, teams_app):
    _, consent = await offer_form(bot_client, connector, teams_app)
    context = consent.body["attachments"][0]["content"]["declineContext"]
    response, sent = await answer_consent(bot_client, connector, context, action="decline")
    assert response.status == 200
    assert "haven't sent the document" in sent[0].text and "export" in sent[0].text
    assert await teams_app.repos.conversations.file_offer(context["cadence_offer"]) is None
    assert connector.uploads == []


async def test_nobody_else_can_collect_a_colleagues_document(bot_client, connector, teams_app):
    _, consent = await offer_form(bot_client, connector, teams_app)
    context = consent.body["attachments"][0]["content"]["acceptContext"]
    connector.members["29:priya"] = {"id": "29:priya", "name": "Priya Shah", "aadObjectId": PRIYA_AAD,
                                     "email": "priya.shah@hillside.example"}
    _, sent = await answer_consent(bot_client, connector, context, aad=PRIYA_AAD, user_id="29:priya",
                                   conversation="a:priya-personal-chat")
    assert "expired" in sent[0].text
    assert connector.uploads == []
    assert await teams_app.repos.conversations.file_offer(context["cadence_offer"]) is not None  # still Sam's to take


async def test_nobody_else_can_decline_a_colleagues_document_for_them(bot_client, connector, teams_app):
    _, consent = await offer_form(bot_client, connector, teams_app)
    context = consent.body["attachments"][0]["content"]["declineContext"]
    connector.members["29:priya"] = {"id": "29:priya", "name": "Priya Shah", "aadObjectId": PRIYA_AAD,
                                     "email": "priya.shah@hillside.example"}
    _, sent = await answer_consent(bot_client, connector, context, action="decline", aad=PRIYA_AAD,
                                   user_id="29:priya", conversation="a:priya-personal-chat")
    assert "haven't sent the document" in sent[0].text  # Priya learns nothing about Sam's offer
    assert await teams_app.repos.conversations.file_offer(context["cadence_offer"]) is not None  # still Sam's to take


async def test_in_the_emulator_the_document_comes_as_a_download(bot_client, connector, teams_app):
    await say(bot_client, connector, "hello", channelId="emulator")
    connector.clear()
    sam = await teams_app.repos.people.person(teams_app.extras["people"]["sam"].id)
    form = Attachment("form.md", b"# Planning & Review Form\n", "text/markdown")
    await teams_app.channels["teams"].deliver(sam, Reply("Here is your form (Policy 10.2).", attachments=(form,)))
    (attachment,) = connector.sent[-1].body["attachments"]
    assert attachment["contentUrl"] == "data:text/markdown;base64,IyBQbGFubmluZyAmIFJldmlldyBGb3JtCg=="


async def test_a_colleague_says_export_and_gets_their_form_in_onedrive(bot_client, connector, teams_app):
    import io

    from docx import Document

    sent = await say(bot_client, connector, "export")
    consent = next(s for s in sent if s.body.get("attachments") and s.body["attachments"][0]["contentType"]
                   == "application/vnd.microsoft.teams.card.file.consent")
    (card,) = consent.body["attachments"]
    assert card["name"].endswith(".docx")
    assert "Policy 10.2" in " ".join(s.words for s in sent)

    response, after = await answer_consent(bot_client, connector, card["content"]["acceptContext"])
    assert response.status == 200
    ((_, _, uploaded),) = connector.uploads
    assert len(uploaded) == card["content"]["sizeInBytes"]
    document = Document(io.BytesIO(uploaded))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "Sam Patel" in text  # Sam's own Planning & Review Form, nobody else's
    assert after[0].body["attachments"][0]["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    exports = [e for e in await teams_app.repos.audit.audit_events(teams_app.extras["people"]["sam"].id)
               if e.action == "export"]
    assert exports and exports[0].channel == "teams" and exports[0].actor_identity.startswith("teams:")

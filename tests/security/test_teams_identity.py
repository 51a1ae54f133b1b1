"""Must fix 1: only the trust's Teams gets in, and nobody is taken for a colleague by a from.id they chose.

The attack: Web Chat and Direct Line are channels of the same Azure Bot, on by default, and their
clients choose their own ``from.id``. The Bot Framework signs a valid token for such an activity. Sent
as Sam's Entra object id with no tenant, it must not be served as Sam, and a following file consent
must not send his form anywhere but his own OneDrive.
"""

from __future__ import annotations

from tests.security.conftest import TeamsDoor, changed, snapshot
from tests.teams.conftest import SAM_AAD, TENANT

DIRECT_LINE = "https://directline.botframework.com/"


async def test_a_web_chat_client_posing_as_sam_is_refused_and_nothing_is_stored(teams: TeamsDoor) -> None:
    before = await snapshot(teams.app)
    forged = teams.activity("export md", aad=None, user_id=SAM_AAD, channelId="directline")
    forged["conversation"] = {"id": "dl-conversation-1"}  # Direct Line names no tenant
    forged.pop("channelData")
    status, text = await teams.post(forged)
    assert status == 403 and "Teams only" in text
    assert teams.connector.sent == [] and teams.connector.uploads == []
    assert changed(before, await snapshot(teams.app)) == []


async def test_an_activity_in_teams_with_no_tenant_is_refused(teams: TeamsDoor) -> None:
    before = await snapshot(teams.app)
    forged = teams.activity("status")
    forged["conversation"].pop("tenantId")
    forged.pop("channelData")
    status, _ = await teams.post(forged)
    assert status == 403
    assert teams.connector.sent == []
    assert changed(before, await snapshot(teams.app)) == []


async def test_from_id_alone_is_never_an_identity(teams: TeamsDoor) -> None:
    """In Teams but without aadObjectId, and with a from.id naming Sam: the roster is asked, not from.id."""
    before = await snapshot(teams.app)
    status, _ = await teams.post(teams.activity("status", aad=None, user_id=SAM_AAD))
    assert status == 202
    assert "don't recognise your Teams account" in teams.connector.sent[-1].words
    assert "Sam" not in teams.connector.sent[-1].words
    assert changed(before, await snapshot(teams.app)) == []


async def test_when_teams_leaves_out_the_object_id_the_roster_gives_it(teams: TeamsDoor) -> None:
    teams.connector.members["29:sam"] = {"id": "29:sam", "name": "Sam Patel", "aadObjectId": SAM_AAD,
                                         "email": "sam.patel@hillside.example"}
    status, _ = await teams.post(teams.activity("status", aad=None, user_id="29:sam"))
    assert status == 202
    assert "don't recognise" not in teams.connector.sent[-1].words


async def test_another_tenant_gets_the_polite_refusal_and_nothing_is_stored(teams: TeamsDoor) -> None:
    before = await snapshot(teams.app)
    other = teams.activity("status", channelData={"tenant": {"id": "another-trust-tenant"}})
    other["conversation"]["tenantId"] = "another-trust-tenant"
    status, _ = await teams.post(other)
    assert status == 202
    assert "don't recognise your Teams account" in teams.connector.sent[-1].words
    assert changed(before, await snapshot(teams.app)) == []


async def test_sam_himself_is_served(teams: TeamsDoor) -> None:
    status, _ = await teams.post(teams.activity("status"))
    assert status == 202 and teams.connector.sent
    assert "don't recognise" not in teams.connector.sent[-1].words and TENANT


async def test_a_file_consent_to_a_url_that_is_not_onedrive_uploads_nothing(teams: TeamsDoor) -> None:
    from bot.messages import Attachment, Reply

    await teams.post(teams.activity("hello"))  # Sam's chat is known
    sam = await teams.app.repos.people.person(teams.app.extras["people"]["sam"].id)
    form = Attachment("planning-review-form-sam-patel.docx", b"PK\x03\x04 Sam's form", "application/octet-stream")
    await teams.app.channels["teams"].deliver(sam, Reply("Your form is ready.", attachments=(form,)))
    consent = teams.connector.sent[-1].body["attachments"][0]["content"]
    before = await snapshot(teams.app)
    for upload_url in ("https://attacker.example/collect", "http://127.0.0.1.attacker.example/x",
                       "https://sharepoint.com.attacker.example/x", "ftp://hillside.sharepoint.com/x", "not a url"):
        invoke = teams.activity(kind="invoke", name="fileConsent/invoke", replyToId="activity-2", value={
            "type": "fileUpload", "action": "accept", "context": consent["acceptContext"],
            "uploadInfo": {"contentUrl": "https://attacker.example/f", "name": "f.docx", "uploadUrl": upload_url,
                           "uniqueId": "1", "fileType": "docx"}})
        status, _ = await teams.post(invoke)
        assert status == 200, upload_url
        assert "only save documents to your own OneDrive" in teams.connector.sent[-1].words
    assert teams.connector.uploads == []
    assert changed(before, await snapshot(teams.app)) == []


async def test_priya_pressing_a_copy_of_sams_card_button_changes_nothing_of_sams(teams: TeamsDoor) -> None:
    """The card's data names Sam's session; who is acting is Priya's aadObjectId, so nothing is his."""
    from tests.teams.conftest import PRIYA_AAD

    teams.connector.members["29:priya"] = {"id": "29:priya", "name": "Priya Shah", "aadObjectId": PRIYA_AAD,
                                           "email": "priya.shah@hillside.example"}
    priya = {"aad": PRIYA_AAD, "user_id": "29:priya", "conversation": "a:priya-personal-chat"}
    await teams.post(teams.activity("help", **priya))  # Priya is linked
    await teams.post(teams.activity("checkin"))
    question = teams.connector.sent[-1]
    before = await snapshot(teams.app)
    status, _ = await teams.post(teams.activity(value=question.button("4"), replyToId=question.id, **priya))
    assert status == 202
    assert teams.connector.updates == []  # Sam's card is not redrawn as answered
    assert "earlier message" in teams.connector.sent[-1].words
    assert teams.connector.sent[-1].conversation_id == "a:priya-personal-chat"
    assert changed(before, await snapshot(teams.app)) == ["inbound_event"]  # only the activity's id is taken

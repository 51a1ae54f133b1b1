"""A Teams file consent delivered twice (the Bot Framework's retry, maybe to another worker) is taken once.

Like a message, the ``fileConsent/invoke`` claims its activity id in ``inbound_event`` (issue 15), so
Sam's form is uploaded to his OneDrive once and the second copy does nothing and says nothing.
"""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.messages import Attachment, Reply
from store.models import InboundEvent
from tests.security.conftest import TeamsDoor, changed, snapshot

FORM = Attachment("planning-review-form-sam-patel.docx", b"PK\x03\x04 Sam's form", "application/octet-stream")


async def claims(teams: TeamsDoor) -> list[str]:
    async with teams.app.db.session() as session:
        return [row.event_id for row in (await session.exec(select(InboundEvent))).all()
                if row.platform == "teams"]


def consent_answer(teams: TeamsDoor, context: dict, action: str = "accept") -> dict:
    return teams.activity(kind="invoke", name="fileConsent/invoke", replyToId="activity-2", value={
        "type": "fileUpload", "action": action, "context": context,
        "uploadInfo": {"contentUrl": "https://hillside.sharepoint.example/personal/sam/form.docx",
                       "name": "planning-review-form-sam-patel.docx",
                       "uploadUrl": f"{teams.connector.url}upload/planning-review-form-sam-patel.docx",
                       "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D", "fileType": "docx"}})


async def offer_sams_form(teams: TeamsDoor) -> dict:
    await teams.post(teams.activity("hello"))  # Sam's chat is known
    sam = await teams.app.repos.people.person(teams.app.extras["people"]["sam"].id)
    await teams.app.channels["teams"].deliver(sam, Reply("Your form is ready.", attachments=(FORM,)))
    return teams.connector.sent[-1].body["attachments"][0]["content"]


async def test_sams_allow_delivered_twice_uploads_his_form_once(teams: TeamsDoor) -> None:
    consent = await offer_sams_form(teams)
    invoke = consent_answer(teams, consent["acceptContext"])
    token = teams.framework.token(teams.connector.url)  # one signed request, sent twice
    claimed_before = await claims(teams)

    first_status, _ = await teams.post(invoke, token=token)
    sent_after_first = len(teams.connector.sent)
    before_replay = await snapshot(teams.app)
    second_status, _ = await teams.post(invoke, token=token)

    assert (first_status, second_status) == (200, 200)  # both answered: Teams shows no error
    assert len(teams.connector.uploads) == 1 and teams.connector.uploads[0][2] == FORM.content
    new_claims = [c for c in await claims(teams) if c not in claimed_before]
    assert new_claims == [f"{invoke['conversation']['id']}|{invoke['id']}"]  # one row, for this invoke
    assert len(teams.connector.sent) == sent_after_first  # the copy says nothing more
    assert changed(before_replay, await snapshot(teams.app)) == []  # and changes nothing


async def test_a_decline_delivered_twice_is_answered_once(teams: TeamsDoor) -> None:
    consent = await offer_sams_form(teams)
    invoke = consent_answer(teams, consent["declineContext"], action="decline")
    await teams.post(invoke)
    answered = [s.words for s in teams.connector.sent if "haven't sent the document" in s.words]
    await teams.post(invoke)
    assert [s.words for s in teams.connector.sent if "haven't sent the document" in s.words] == answered
    assert len(answered) == 1 and teams.connector.uploads == []


async def test_two_copies_of_sams_allow_at_once_upload_his_form_once(teams: TeamsDoor) -> None:
    """The copies arrive together (two connections, as two workers would take them): one claim wins."""
    consent = await offer_sams_form(teams)
    invoke = consent_answer(teams, consent["acceptContext"])
    token = teams.framework.token(teams.connector.url)
    statuses = await asyncio.gather(teams.post(invoke, token=token), teams.post(invoke, token=token))

    assert [status for status, _ in statuses] == [200, 200]
    assert len(teams.connector.uploads) == 1
    assert [s.words for s in teams.connector.sent if "expired" in s.words] == []  # the copy says nothing

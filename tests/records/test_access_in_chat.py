"""Each role asks for records in chat (through the engine) and gets exactly what Policy 10.1-10.2 allow."""

from __future__ import annotations

import pytest

from bot import access
from bot.messages import Address, Channel, Inbound
from tests.records.builders import EMAILS
from tests.records.readers import docx_fields, pdf_text

SAM = EMAILS["sam"]


def say(who: str, text: str, channel: Channel = Channel.CONSOLE) -> Inbound:
    return Inbound(Address(channel, EMAILS[who]), text, platform_identity=f"{channel.value}:{EMAILS[who]}")


async def test_sam_says_export_and_gets_his_own_form_as_a_word_document(trust):
    replies = await trust.app.engine.handle(say("sam", "export"))
    assert len(replies) == 1
    reply = replies[0]
    assert "Policy 10.2" in reply.text and reply.clause == "10.2"
    (attachment,) = reply.attachments
    assert attachment.filename.endswith(".docx")
    assert ("Colleague name:", "Sam Patel") in docx_fields(attachment.content)


async def test_sam_can_ask_for_a_pdf_of_last_years_form(trust):
    (reply,) = await trust.app.engine.handle(say("sam", "export pdf 2025-26"))
    (attachment,) = reply.attachments
    assert attachment.filename.endswith("2025-26.pdf")
    assert "Well done, Sam." in pdf_text(attachment.content)


@pytest.mark.parametrize("who", ["priya", "helen", "hana", "sarah"])
async def test_reviewer_headteacher_hr_and_executive_leader_may_export_sams_form(trust, who):
    (reply,) = await trust.app.engine.handle(say(who, "export Sam Patel"))
    assert reply.attachments, reply.text
    assert "confidential (Policy 10.1)" in reply.text
    assert ("Colleague name:", "Sam Patel") in docx_fields(reply.attachments[0].content)


@pytest.mark.parametrize("who", ["jo", "mark", "gill", "colin", "ravi", "harriet", "tom"])
async def test_everyone_else_is_refused_sams_form_by_email_and_the_refusal_is_audited(trust, who):
    (reply,) = await trust.app.engine.handle(say(who, f"export {SAM}", Channel.CONSOLE))
    assert not reply.attachments
    assert "Policy 10.2" in reply.text
    events = await trust.app.repos.audit.audit_about(trust.ids["sam"])
    assert [(e.action, e.actor_id, e.record_type) for e in events] == [("refused", trust.ids[who], "export")]


@pytest.mark.parametrize("who", ["gill", "tom", "jo"])
async def test_naming_a_colleague_you_cannot_see_does_not_reveal_they_exist(trust, who):
    (reply,) = await trust.app.engine.handle(say(who, "export Sam"))
    assert not reply.attachments
    assert "couldn't find “Sam” among the colleagues whose records you can see" in reply.text


async def test_a_second_line_manager_may_export_jo_but_not_sam(trust):
    (ok,) = await trust.app.engine.handle(say("mark", "export plan jo.brown@hillside.example"))
    assert ok.attachments and ok.attachments[0].filename.startswith("support-plan-jo-brown")
    (refused,) = await trust.app.engine.handle(say("mark", f"export {SAM}"))
    assert not refused.attachments


async def test_an_unknown_slack_user_gets_nothing(trust):
    replies = await trust.app.engine.handle(Inbound(Address(Channel.SLACK, "U-STRANGER"), "export"))
    assert not replies[0].attachments and "don't recognise your Slack account" in replies[0].text


# --- the access matrix itself, role by role -------------------------------------------------

MATRIX = {
    # who: (read Sam's record, manage Sam, Sam's check-ins, Sam's subject access, Sam's audit log, hold Sam,
    #       Hillside overview, Hillside governors' report, purge Hillside)
    "sam": (True, False, True, True, False, False, False, False, False),
    "priya": (True, True, False, False, False, False, False, False, False),
    "mark": (False, False, False, False, False, False, False, False, False),
    "jo": (False, False, False, False, False, False, False, False, False),
    "helen": (True, True, False, False, False, False, True, True, False),
    "hana": (True, False, True, True, True, True, True, True, True),
    "sarah": (True, True, False, False, False, False, True, True, False),
    "harriet": (False, False, False, False, False, False, False, False, False),
    "gill": (False, False, False, False, False, False, False, True, False),
    "colin": (False, False, False, False, False, False, False, True, False),
    "ravi": (False, False, False, False, False, False, False, False, False),
}
SUBJECT_ACTIONS = ("read_record", "manage", "read_checkins", "subject_access", "audit", "hold")
ORG_ACTIONS = ("overview", "governors_report", "purge")


@pytest.mark.parametrize("who", sorted(MATRIX))
async def test_access_matrix(trust, who):
    repos = trust.app.repos
    actor = await trust.ctx(who)
    got = []
    for action in SUBJECT_ACTIONS:
        got.append(await access.allowed(repos, actor, action, subject_id=trust.ids["sam"]))
    for action in ORG_ACTIONS:
        got.append(await access.allowed(repos, actor, action, organisation_id=trust.orgs["hillside"]))
    assert tuple(got) == MATRIX[who]


async def test_central_hr_administers_the_central_team_only(trust):
    repos = trust.app.repos
    harriet = await trust.ctx("harriet")
    assert await access.allowed(repos, harriet, "audit", subject_id=trust.ids["kay"])
    assert not await access.allowed(repos, harriet, "audit", subject_id=trust.ids["sam"])
    with pytest.raises(access.AccessDenied, match="HR admins"):
        await access.authorise(repos, harriet, "hold", subject_id=trust.ids["sam"])


async def test_every_read_sam_makes_in_chat_names_the_account_it_came_from(trust):
    """HR's audit log and Sam's subject access copy say which account read his record (Policy 10.1):
    status, agenda and the other read-only answers record it as the changes always did."""
    await trust.app.engine.handle(say("sam", "status"))
    await trust.app.engine.handle(say("sam", "agenda"))
    events = await trust.app.repos.audit.audit_about(trust.ids["sam"])
    reads = [e for e in events if e.action == "read" and e.actor_id == trust.ids["sam"]]
    assert reads, "status should audit Sam reading his review"
    assert {e.actor_identity for e in reads} == {f"console:{SAM}"}

"""The demo trust end to end: Sam's booked meeting as an invite, Jo's form in chat, Helen's overview."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from bot.documents.exports import NothingToExport, export_invite
from bot.documents.overview import overview_for
from bot.messages import Address, Channel, Inbound
from tests.records.readers import docx_fields

SAM, JO, HELEN, CHRIS = ("sam.patel@hillside.example", "jo.brown@hillside.example", "helen.hart@hillside.example",
                         "chris.wood@hillside.example")


async def _ctx(app, email):
    person = await app.repos.people.person_by_email(email)
    return await app.repos.people.context(person.id)


async def test_sam_downloads_the_invite_for_his_booked_meeting_in_london_time(demo_app):
    sam = await _ctx(demo_app, SAM)
    attachment = await export_invite(demo_app.repos, sam, sam.id, demo_app.clock.now(), channel="console")
    assert attachment.filename.endswith(".ics") and attachment.media_type.startswith("text/calendar")
    event = next(c for c in Calendar.from_ical(attachment.content).walk("VEVENT"))
    assert str(event["dtstart"].dt.tzinfo) == "Europe/London"
    assert "Sam Patel" in str(event["summary"]) and str(event["class"]) == "CONFIDENTIAL"
    chris = await _ctx(demo_app, CHRIS)  # nothing booked yet in the demo
    with pytest.raises(NothingToExport, match="Say schedule to book one"):
        await export_invite(demo_app.repos, chris, chris.id, demo_app.clock.now())


async def test_jo_exports_her_signed_form_in_the_console(demo_app):
    (reply,) = await demo_app.engine.handle(Inbound(Address(Channel.CONSOLE, JO), "export"))
    (attachment,) = reply.attachments
    fields = docx_fields(attachment.content)
    assert ("Colleague name:", "Jo Brown") in fields and ("Reviewer name:", "Priya Shah") in fields
    assert any(label == "Reviewee signature:" and value.startswith("Signed electronically by Jo Brown")
               for label, value in fields)


async def test_helen_sees_every_hillside_colleague_with_a_reason_for_those_outside_the_cycle(demo_app):
    helen = await _ctx(demo_app, HELEN)
    org = await demo_app.repos.people.organisation_by_name("Co-op Academy Hillside")
    rows = {r.name: r for r in await overview_for(demo_app.services, helen, org.id)}
    assert rows["Evan Black"].status == "excluded" and "(Policy 1.2)" in rows["Evan Black"].notes_label
    assert rows["Jo Brown"].stage_label == "Objectives agreed and signed"
    sam = rows["Sam Patel"]
    assert sam.next_deadline is not None and "booked" in sam.next_deadline_what

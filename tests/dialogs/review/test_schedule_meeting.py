"""Reviewers book and move meetings with 5 days' notice, at least an hour, somewhere quiet (5.3, 5.4)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.app import App
from store.models import ReviewStage
from tests.dialogs.review.conftest import CHRIS, JO, MARK, PRIYA, SAM, Say, person_id, text_of

LONDON = ZoneInfo("Europe/London")


async def test_under_notice_is_refused_with_the_earliest_slot_then_booked(demo_app: App, say: Say) -> None:
    first = text_of(await say(MARK, "schedule chris"))
    assert "Booking a meeting with Chris Wood" in first and "Which meeting" in first
    await say(MARK, "planning")
    await say(MARK, "60")
    await say(MARK, "Business manager's office")
    refused = await say(MARK, "25/11/2026 10:00")  # Wednesday: two days' notice
    assert refused[0].clause == "5.3"
    # 5 days from Mon 23 Nov 10:00 is Sat 28 Nov; the first working day is Monday 30 November, from 08:00
    assert "at least 5 days' notice" in refused[0].text and "Monday 30 November at 08:00" in refused[0].text
    assert refused[1].step == "when"  # asked for the time again, nothing else lost
    weekend = await say(MARK, "28/11/2026 10:00")
    assert "Saturday" in weekend[0].text and weekend[0].clause == "3.4"
    done = await say(MARK, "30/11/2026 10:00")
    assert "booked for Mon 30 Nov 2026, 10:00" in done[0].text

    chris = await person_id(demo_app, CHRIS)
    review = await demo_app.repos.reviews.current_review(chris)
    [meeting] = await demo_app.repos.reviews.meetings_for(review.id)  # type: ignore[union-attr]
    assert meeting.starts_at == datetime(2026, 11, 30, 10, tzinfo=LONDON)
    assert (meeting.kind, meeting.minutes, meeting.location) == ("planning", 60, "Business manager's office")
    assert meeting.policy_version == "2019-07-25"
    assert (await demo_app.repos.reviews.review(review.id)).stage == ReviewStage.PLANNING  # type: ignore[union-attr]
    [notice] = [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == chris and r.kind == "meeting_notice"]
    assert notice.clause == "5.3" and "Mon 30 Nov 2026, 10:00" in notice.body
    # the calendar invite, in UK time, is attached to the reviewer's reply
    [invite] = done[0].attachments
    assert invite.media_type == "text/calendar" and invite.filename.endswith(".ics")
    [event] = Calendar.from_ical(invite.content).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 11, 30, 10, tzinfo=LONDON)
    assert str(event["location"]) == "Business manager's office"
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert any("chris.wood@hillside.example" in str(a) for a in [event["attendee"]])
    assert any(e.record_type == "meeting" for e in await demo_app.repos.audit.audit_events(chris))


async def test_under_an_hour_is_refused_at_the_length_question(say: Say) -> None:
    await say(MARK, "schedule chris")
    await say(MARK, "1")
    short = await say(MARK, "45 minutes")
    assert short[0].clause == "5.4" and "at least one hour" in short[0].text and short[1].step == "minutes"
    assert "whole number" in text_of(await say(MARK, "an hour-ish"))
    assert "Where will you meet" in text_of(await say(MARK, "60"))
    assert "name the room" in text_of(await say(MARK, "x"))


async def test_moving_a_meeting_re_applies_the_notice_rule(demo_app: App, say: Say) -> None:
    sam = await person_id(demo_app, SAM)
    review = await demo_app.repos.reviews.current_review(sam)
    [booked] = await demo_app.repos.reviews.meetings_for(review.id)  # type: ignore[union-attr]
    intro = text_of(await say(PRIYA, "schedule sam"))
    assert "0 of 23 questions answered" in intro and "Policy 5.8" in intro
    await say(PRIYA, "1")  # move the planning meeting already booked (5.8)
    await say(PRIYA, "60")
    await say(PRIYA, "Inclusion office")
    asked = await say(PRIYA, "tomorrow 14:00")
    assert "I read that as Tuesday 24 November 2026 at 14:00. Is that right?" in asked[0].text
    refused = await say(PRIYA, "yes")
    assert refused[0].clause == "5.3" and "Monday 30 November at 08:00" in refused[0].text
    moved = await say(PRIYA, "07/12/2026 14:00")
    assert "moved to Mon 7 Dec 2026, 14:00" in moved[0].text
    [meeting] = await demo_app.repos.reviews.meetings_for(review.id)  # type: ignore[union-attr]
    assert meeting.id == booked.id and meeting.starts_at == datetime(2026, 12, 7, 14, tzinfo=LONDON)
    [event] = Calendar.from_ical(moved[0].attachments[0].content).walk("VEVENT")
    assert int(event["sequence"]) > 0  # the same invite, updated
    assert "moved to" in [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == sam][-1].subject


async def test_only_the_reviewer_may_book(say: Say) -> None:
    refused = text_of(await say(MARK, "schedule jo"))
    assert "Priya Shah is Jo Brown's reviewer" in refused and "4.1" in refused
    assert "colleague of yours" in text_of(await say(MARK, "schedule sam"))
    assert "no colleagues to review" in text_of(await say(SAM, "schedule"))
    assert "only do that for colleagues you review" in text_of(await say(SAM, f"schedule {JO}"))



async def test_cancelling_a_meeting_tells_the_colleague_and_withdraws_the_invite(demo_app: App, say: Say) -> None:
    sam = await person_id(demo_app, SAM)
    choices = (await say(PRIYA, "schedule sam"))[-1].choices
    assert [c.label for c in choices] == ["Move the planning & review meeting on Tue 1 Dec 2026, 14:00",
                                          "Book a new meeting",
                                          "Cancel the planning & review meeting on Tue 1 Dec 2026, 14:00"]
    assert "let Sam know" in text_of(await say(PRIYA, "3"))
    done = await say(PRIYA, "confirm")
    assert "Cancelled the planning & review meeting with Sam Patel on Tue 1 Dec 2026, 14:00" in done[0].text
    [event] = Calendar.from_ical(done[0].attachments[0].content).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    review = await demo_app.repos.reviews.current_review(sam)
    [meeting] = await demo_app.repos.reviews.meetings_for(review.id)  # type: ignore[union-attr]
    assert meeting.status == "cancelled"
    [notice] = [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == sam and r.kind == "meeting_notice"]
    assert "cancelled" in notice.body and notice.clause == "5.8"
    assert "Book the planning meeting" in text_of(await say(PRIYA, "status"))


async def test_after_moving_a_meeting_priya_is_told_her_real_next_step(say: Say) -> None:
    """Her checklist not yet done: the next step is to prepare (Annex 2). Once it is done, moving the
    meeting again points her at the agenda (5.5), not at the checklist she has already finished."""
    await say(PRIYA, "schedule sam")
    for answer in ("1", "60", "Inclusion office"):
        await say(PRIYA, answer)
    moved = text_of(await say(PRIYA, "07/12/2026 14:00"))
    assert "moved to Mon 7 Dec 2026, 14:00" in moved
    assert "Next: Prepare with the reviewer's checklist for Mon 7 Dec 2026, 14:00: say prep Sam" in moved
    assert "(Policy Annex 2)" in moved

    await say(PRIYA, "prep sam")
    for _ in range(11):
        await say(PRIYA, "yes")
    assert "preparation for Sam Patel's meeting is saved" in text_of(await say(PRIYA, "Reading group next"))

    await say(PRIYA, "schedule sam")
    for answer in ("1", "60", "Inclusion office"):
        await say(PRIYA, answer)
    again = text_of(await say(PRIYA, "08/12/2026 10:00"))
    assert "moved to Tue 8 Dec 2026, 10:00" in again
    assert "prep Sam" not in again and "checklist" not in again
    assert "Next: Your meeting with Sam: Tue 8 Dec 2026, 10:00, Inclusion office. Say agenda Sam to see it" in again
    assert "(Policy 5.5)" in again

"""Point 3 of issue 17: answers in people's own words (numbers in words, lengths of time, yes and no
in other words, natural dates read day-first from the clock's today) are understood, and read back
for confirmation whenever they were not typed in the canonical form."""

from __future__ import annotations

from tests.chat.conftest import CHRIS, JO, MARK, Chat


async def test_jo_checks_in_with_words_and_confirms_what_was_understood(chat: Chat) -> None:
    await chat.say(JO, "checkin")
    asked = await chat.say(JO, "four")
    assert "I read that as 4 out of 5. Is that right?" in asked
    assert "Anything you'd like to add" in await chat.say(JO, "yes pls")
    await chat.say(JO, "skip")
    noted = await chat.say(JO, "yep")
    assert "Taken as “yes”" in noted and "Are your objectives on track" in noted
    await chat.say(JO, "nah")
    done = await chat.say(JO, "Share my mood only")
    assert "Thanks, that's saved" in done
    [latest] = [c for c in await chat.app.repos.records.checkins((await chat.app.repos.people.person_by_email(JO)).id)]  # type: ignore[union-attr,arg-type]
    assert (latest.mood, latest.wants_one_to_one, latest.objectives_on_track) == (4, True, False)


async def test_mark_books_a_meeting_in_his_own_words(chat: Chat) -> None:
    await chat.say(MARK, "schedule chris")
    await chat.say(MARK, "1")  # planning meeting
    length = await chat.say(MARK, "an hour")
    assert "I read that as 60 minutes. Is that right?" in length
    assert "Where will you meet" in await chat.press(MARK, "Yes, that's right")
    await chat.say(MARK, "Meeting room 2")
    wrong_day = await chat.say(MARK, "Fri 12/12/2026 10:00")
    assert "12/12/2026 is a Saturday, not a Friday" in wrong_day
    read_back = await chat.say(MARK, "Thu 10/12/2026 10:00")
    assert "I read that as Thursday 10 December 2026 at 10:00. Is that right?" in read_back
    retype = await chat.say(MARK, "no")
    assert "please type it again" in retype and "What date and time" in retype
    read_back = await chat.say(MARK, "next Thursday at 2")
    assert "I read that as Thursday 26 November 2026 at 14:00" in read_back  # from Monday 23 November
    too_soon = await chat.say(MARK, "yes")
    assert "Policy 5.3 asks for at least 5 days' notice" in too_soon  # the rule still applies
    booked = await chat.say(MARK, "10/12/2026 10:00")  # the canonical form is not read back
    assert "I read that as" not in booked
    chris = await chat.app.repos.people.person_by_email(CHRIS)
    review = await chat.app.repos.reviews.current_review(chris.id)  # type: ignore[union-attr,arg-type]
    [meeting] = await chat.app.repos.reviews.meetings_for(review.id)  # type: ignore[union-attr,arg-type]
    assert meeting.minutes == 60 and meeting.location == "Meeting room 2"

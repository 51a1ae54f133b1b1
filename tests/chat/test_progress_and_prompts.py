"""Points 4 and 5 of issue 17: progress that only moves forward and means something (“question 4 of
23”, “objective 2 of 3, success criteria”), and prompts that fit the person and the channel: milestones
separated by “;”, no reviewee comments asked of the reviewer, no objectives question for someone with
none, and a gentle word about a place that may not be private (Policy 5.4)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from tests.chat.conftest import JO, MARK, PRIYA, SAM, Chat, say_all
from tests.dialogs.review.conftest import held_meeting

LONDON = ZoneInfo("Europe/London")


async def test_sams_preparation_counts_the_questions_status_talks_about(chat: Chat) -> None:
    first = await chat.say(SAM, "prep")
    assert "question 1 of 23" in first and "/24)" not in first
    assert "question 2 of 23" in await chat.say(SAM, "I ran the phonics group")
    assert "question 3 of 23" in await chat.say(SAM, "skip")
    assert "Paused" in await chat.say(SAM, "pause")
    assert "1 of 23 questions answered" in await chat.say(SAM, "status")  # the same count as the questions


async def test_priyas_objective_setting_says_which_objective_and_which_part(chat: Chat) -> None:
    await held_meeting(chat.app, SAM)  # objectives are recorded after the planning meeting (Policy 3.2)
    seen = [await chat.say(PRIYA, "objectives sam")]
    for answer in ("Run the Year 3 reading group four mornings a week",
                   "8 of the 10 pupils improve their reading age by 6 months", "17/07/2027", "skip", "skip"):
        seen.append(await chat.say(PRIYA, answer))
    places = [re.search(r"objective (\d) of 3, ([a-z ]+)", text) for text in seen]
    assert all(places), seen
    assert [(p.group(1), p.group(2).strip()) for p in places] == [  # type: ignore[union-attr]
        ("1", "the objective"), ("1", "success criteria"), ("1", "completion date"), ("1", "support needed"),
        ("1", "kind"), ("1", "milestones")]
    milestones = seen[-1]
    assert "“;”" in milestones and "One a line" not in milestones
    agreed = await chat.say(PRIYA, "31/03/2027 Halfway check of reading ages; 30/06/2027 Final scores")
    assert "objective 1 of 3, agreement" in agreed


async def test_sam_with_no_objectives_is_not_asked_if_they_are_on_track(chat: Chat) -> None:
    await chat.say(SAM, "checkin")
    await chat.say(SAM, "3")
    await chat.say(SAM, "skip")
    after = await chat.say(SAM, "no")
    assert "objectives on track" not in after and "What may your manager see" in after


async def test_jo_with_objectives_is_asked(chat: Chat) -> None:
    await chat.say(JO, "checkin")
    await chat.say(JO, "3")
    await chat.say(JO, "skip")
    assert "Are your objectives on track?" in await chat.say(JO, "no")


async def test_priya_records_the_mid_year_review_without_being_asked_for_jos_comments(chat: Chat,
                                                                                     clock: FixedClock) -> None:
    clock.set(datetime(2027, 2, 10, 15, tzinfo=LONDON))  # Spring term (3.2), after the meeting
    await held_meeting(chat.app, JO, "mid_year", datetime(2027, 2, 10, 10, tzinfo=LONDON))
    seen = [await chat.say(PRIYA, "midyear jo")]
    for answer in ("Five of the six pupils are on track", "Club running well", "yes", "yes", "skip",
                   "Talked about next term"):
        seen.append(await chat.say(PRIYA, answer))
    seen.append(await chat.say(PRIYA, "skip"))
    everything = "\n".join(seen)
    assert "Reviewee comments" not in everything
    assert "last step" in seen[-1]


async def test_a_staff_room_gets_a_gentle_question_about_privacy(chat: Chat) -> None:
    asked = await say_all(chat, MARK, "schedule chris", "1", "60", "Staff room")
    assert "Is Staff room private enough? Policy 5.4 asks for a quiet, confidential place" in asked
    again = await chat.press(MARK, "Choose another place")
    assert "Where will you meet?" in again
    assert "What date and time?" in await chat.say(MARK, "Meeting room 2")

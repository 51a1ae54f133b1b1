"""Point 1 of issue 17: a command typed inside an open conversation is not swallowed. Quick ones
(status, help, export) are answered and the open question comes back; one that starts another
conversation asks first, with buttons, and nothing answered so far is lost."""

from __future__ import annotations

from tests.chat.conftest import ALEX, SAM, Chat, say_all


async def test_alex_exports_his_form_in_the_middle_of_signing_it_and_is_brought_back(chat: Chat) -> None:
    opened = await chat.say(ALEX, "signoff")
    assert "pause or cancel" in opened
    exported = await chat.say(ALEX, "export pdf")
    assert "Please say confirm" not in exported  # it was not taken as an answer
    assert "as a PDF" in exported and "Back to “" in exported and "where you left off" in exported
    signed = await chat.say(ALEX, "confirm")
    assert "Signed" in signed


async def test_sam_asks_for_his_status_mid_checkin_and_carries_on(chat: Chat) -> None:
    await chat.say(SAM, "checkin")
    status = await chat.say(SAM, "status")
    assert "Stage" in status and "How are you feeling this week" in status.split("Back to “")[-1]
    assert "Anything you'd like to add" in await chat.say(SAM, "4")


async def test_starting_another_conversation_asks_first_and_keeps_the_answers(chat: Chat) -> None:
    await say_all(chat, SAM, "checkin", "4")
    asked = await chat.say(SAM, "prep")
    assert "You're in the middle of “Wellbeing check-in” (your answers are saved). Pause it and start" in asked
    started = await chat.press(SAM, "Pause and start “Preparation for your planning & review meeting”")
    assert "paused “Wellbeing check-in”" in started and "question 1 of 23" in started
    await chat.say(SAM, "cancel")  # changed his mind about preparing now
    resumed = await chat.say(SAM, "resume")
    assert "Anything you'd like to add" in resumed  # the mood answered before is kept


async def test_saying_no_to_the_switch_carries_on_where_it_was(chat: Chat) -> None:
    await chat.say(SAM, "checkin")
    await chat.say(SAM, "prep")
    kept = await chat.press(SAM, "Carry on with Wellbeing check-in")
    assert "Carrying on with “Wellbeing check-in”" in kept and "How are you feeling" in kept


async def test_export_at_a_free_text_question_is_done_and_the_question_comes_back(chat: Chat) -> None:
    await say_all(chat, SAM, "checkin", "4")
    exported = await chat.say(SAM, "export md")
    assert "as a Markdown text" in exported and "Anything you'd like to add" in exported.split("Back to “")[-1]


async def test_a_short_answer_that_looks_like_a_command_is_kept_when_the_switch_is_declined(chat: Chat) -> None:
    await say_all(chat, SAM, "checkin", "4")
    asked = await chat.say(SAM, "schedule changes everywhere")
    assert "Pause it and start" in asked
    kept = await chat.press(SAM, "Carry on with Wellbeing check-in")
    assert "I've taken “schedule changes everywhere” as your answer" in kept
    assert "Would you like a one-to-one" in kept

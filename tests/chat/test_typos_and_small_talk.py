"""Point 2 of issue 17: a typo gets “Did you mean status?” with a button, and small talk a brief,
friendly answer, not the whole list of commands."""

from __future__ import annotations

import pytest

from tests.chat.conftest import SAM, Chat

FULL_HELP = "Here's what I can do"


async def test_a_typo_is_met_with_the_nearest_command_and_a_button(chat: Chat) -> None:
    meant = await chat.say(SAM, "stauts")
    assert "Did you mean status?" in meant and FULL_HELP not in meant
    assert "Stage" in await chat.press(SAM, "Yes, status")


async def test_a_typo_keeps_what_came_after_it(chat: Chat) -> None:
    meant = await chat.say(SAM, "exprot pdf")
    assert "Did you mean export?" in meant
    assert "as a PDF" in await chat.press(SAM, "Yes, export")


@pytest.mark.parametrize(("said", "answer"), [("hi", "Hi Sam!"), ("thanks", "You're welcome, Sam"),
                                              ("👋", "Hi Sam! 👋"), ("Thank you!", "You're welcome, Sam"),
                                              ("good morning", "Hi Sam!")])
async def test_small_talk_gets_a_short_kind_answer(chat: Chat, said: str, answer: str) -> None:
    reply = await chat.say(SAM, said)
    assert answer in reply and FULL_HELP not in reply and "I only understand" not in reply
    assert "status" in reply  # and what to do next


async def test_nonsense_still_gets_help_rather_than_a_wild_guess(chat: Chat) -> None:
    reply = await chat.say(SAM, "banana")
    assert "Did you mean" not in reply and FULL_HELP in reply


async def test_a_typo_inside_a_conversation_names_the_command_it_looks_like(chat: Chat) -> None:
    await chat.say(SAM, "checkin")
    reply = await chat.say(SAM, "stauts")
    assert "Please pick a number from 1 (low) to 5 (great). (If you meant status, say status.)" in reply
    assert "How are you feeling" in reply and "pause or cancel" in reply


async def test_small_talk_inside_a_conversation_gets_a_smile_and_the_question_again(chat: Chat) -> None:
    await chat.say(SAM, "checkin")
    reply = await chat.say(SAM, "thanks!")
    assert "We're in the middle of “Wellbeing check-in”; here's where we were." in reply
    assert "How are you feeling" in reply and "Please pick a number" not in reply

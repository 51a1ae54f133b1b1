"""Every kind of question meets a bad answer and says what to do; a restart mid-dialog loses nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import App, build_app
from bot.messages import Action, Address, Channel, Inbound, PromptKind
from tests.conftest import make_settings
from tests.dialogs.review.conftest import CHRIS, MARK, Say, held_meeting, person_id, say_to, text_of


async def test_a_bad_answer_at_each_prompt_kind_is_explained_and_asked_again(demo_app: App, say: Say) -> None:
    seen: dict[PromptKind, str] = {}

    async def bad(text: str) -> None:
        replies = await say(MARK, text)
        kind = replies[-1].prompt
        assert kind is not None and replies[-1].session_id is not None  # the same question comes back
        seen[kind] = replies[0].text

    await say(MARK, "schedule chris")
    await bad("seventeen")  # CHOICE
    await say(MARK, "planning")
    await bad("a while")  # NUMBER
    await say(MARK, "60")
    await bad("x")  # SHORT_TEXT (too short to find the room)
    await say(MARK, "Office")
    await bad("next Tuesday-ish")  # DATETIME
    await say(MARK, "cancel")
    await held_meeting(demo_app, CHRIS)
    await say(MARK, "objectives chris")
    await bad("z" * 1001)  # LONG_TEXT over the limit for an objective
    await say(MARK, "Reply to every parent email within two working days, logging each on the tracker")
    await say(MARK, "90% of emails answered within two working days, from the tracker")
    await bad("the thirty-first of never")  # DATE
    await say(MARK, "31/07/2027")
    await say(MARK, "skip")
    await say(MARK, "skip")
    await say(MARK, "skip")
    await say(MARK, "agreed")
    await bad("perhaps")  # YES_NO
    for answer in ("no", "skip", "skip", "skip", "skip", "skip", "skip"):
        await say(MARK, answer)
    await bad("hmm")  # CONFIRM
    assert "limit here is 1,000" in seen[PromptKind.LONG_TEXT]
    assert "Please pick one of" in seen[PromptKind.CHOICE]
    assert "whole number" in seen[PromptKind.NUMBER]
    assert "name the room" in seen[PromptKind.SHORT_TEXT]
    assert "14/12/2026 15:30" in seen[PromptKind.DATETIME]
    assert "14/12/2026" in seen[PromptKind.DATE]
    assert "yes or no" in seen[PromptKind.YES_NO]
    assert "say confirm" in seen[PromptKind.CONFIRM]
    assert "Saved 1 objective(s)" in text_of(await say(MARK, "confirm"))


async def test_booking_survives_a_restart_between_two_answers(demo_app: App, db_url: str) -> None:
    await say_to(demo_app, MARK, "schedule chris")
    await say_to(demo_app, MARK, "planning")
    await say_to(demo_app, MARK, "75")
    await demo_app.close()
    second = build_app(make_settings(db_url), clock=demo_app.clock)
    try:
        assert "What date and time" in text_of(await say_to(second, MARK, "Business manager's office"))
        done = text_of(await say_to(second, MARK, "02/12/2026 13:00"))
        assert "75 minutes" in done and "Business manager's office" in done
        review = await second.repos.reviews.current_review(await person_id(second, CHRIS))
        [meeting] = await second.repos.reviews.meetings_for(review.id)  # type: ignore[union-attr]
        assert meeting.starts_at == datetime(2026, 12, 2, 13, tzinfo=ZoneInfo("Europe/London"))
    finally:
        await second.close()


async def test_objectives_survive_a_restart_and_a_double_answer_is_applied_once(demo_app: App, db_url: str) -> None:
    await held_meeting(demo_app, CHRIS)
    await say_to(demo_app, MARK, "objectives chris")
    await say_to(demo_app, MARK, "Reply to every parent email within two working days, logging each on the tracker")
    session = await demo_app.repos.conversations.active_session(await person_id(demo_app, MARK))
    assert session is not None
    await demo_app.close()
    second = build_app(make_settings(db_url), clock=demo_app.clock)
    try:
        replies = await say_to(second, MARK, "90% of emails answered within two working days, from the tracker")
        assert "completed by" in text_of(replies)
        click = Inbound(Address(Channel.CONSOLE, MARK), action=Action("31/07/2027", replies[-1].session_id,
                                                                       replies[-1].revision))
        first = await second.engine.handle(click)
        again = await second.engine.handle(click)  # a double click
        assert "development or support" in text_of(first).lower()
        assert "earlier message" in again[0].text
        state = (await second.repos.conversations.active_session(await person_id(second, MARK))).state  # type: ignore[union-attr]
        assert state["answers"]["o1_due"] == "2027-07-31" and state["history"].count("o1_due") == 1
    finally:
        await second.close()

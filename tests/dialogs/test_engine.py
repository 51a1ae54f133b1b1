"""The dialog engine as a colleague meets it: answers, mistakes, back/skip/pause/resume, stale buttons."""

from __future__ import annotations

from bot.app import App, build_app
from bot.messages import Action, Address, Channel, Inbound, PromptKind
from tests.conftest import make_settings

SAM = "sam.patel@hillside.example"


def say(text: str, who: str = SAM) -> Inbound:
    return Inbound(Address(Channel.CONSOLE, who), text)


async def test_an_unknown_person_gets_a_polite_refusal_and_nothing_is_stored(demo_app: App) -> None:
    replies = await demo_app.engine.handle(Inbound(Address(Channel.SLACK, "U-NOBODY"), "checkin"))
    assert "don't recognise your Slack account" in replies[0].text
    assert await demo_app.repos.outbox.reminders(status=None) == []


async def test_a_bad_rating_is_explained_and_the_question_asked_again(demo_app: App) -> None:
    engine = demo_app.engine
    await engine.handle(say("checkin"))
    replies = await engine.handle(say("seven"))
    assert "number from 1 (low) to 5" in replies[0].text
    assert replies[1].prompt == PromptKind.RATING


async def test_back_skip_and_a_required_step_that_cannot_be_skipped(demo_app: App) -> None:
    engine = demo_app.engine
    await engine.handle(say("checkin"))
    assert "can't be skipped" in (await engine.handle(say("skip")))[0].text
    await engine.handle(say("3"))
    replies = await engine.handle(say("skip"))  # the note is optional
    assert replies[0].step == "one_to_one"
    replies = await engine.handle(say("back"))
    assert replies[0].step == "note"
    replies = await engine.handle(say("back"))
    assert replies[0].step == "mood"


async def test_pause_and_resume_after_a_process_restart(demo_app: App, db_url: str, clock) -> None:
    await demo_app.engine.handle(say("checkin"))
    await demo_app.engine.handle(say("2"))
    paused = await demo_app.engine.handle(say("pause"))
    assert "say resume" in paused[0].text

    restarted = build_app(make_settings(db_url), clock=clock)  # a new process on the same database
    try:
        replies = await restarted.engine.handle(say("resume"))
        assert replies[-1].step == "note"
        await restarted.engine.handle(say("A long week."))
        await restarted.engine.handle(say("no"))
        await restarted.engine.handle(say("yes"))
        done = await restarted.engine.handle(say("Keep it to myself"))
        assert "saved" in done[0].text
        sam = await restarted.repos.people.person_by_email(SAM)
        latest = (await restarted.repos.records.checkins(sam.id))[0]
        assert (latest.mood, latest.note) == (2, "A long week.")
    finally:
        await restarted.close()


async def test_a_button_from_an_old_message_is_recognised_as_stale(demo_app: App) -> None:
    engine = demo_app.engine
    first = (await engine.handle(say("checkin")))[0]
    click = Action("4", session_id=first.session_id, revision=first.revision, step=first.step)
    second = await engine.handle(Inbound(Address(Channel.CONSOLE, SAM), action=click))
    assert second[0].step == "note"
    again = await engine.handle(Inbound(Address(Channel.CONSOLE, SAM), action=click))  # a double click
    assert "earlier message" in again[0].text
    session = await demo_app.repos.conversations.active_session((await demo_app.repos.people.person_by_email(SAM)).id)
    assert session.state["answers"] == {"mood": 4}


async def test_cancel_keeps_what_was_already_saved(demo_app: App) -> None:
    engine = demo_app.engine
    sam = await demo_app.repos.people.person_by_email(SAM)
    before = len(await demo_app.repos.records.checkins(sam.id))
    await engine.handle(say("checkin"))
    await engine.handle(say("5"))
    replies = await engine.handle(say("cancel"))
    assert "Cancelled" in replies[0].text and "Nothing you had already saved has changed" in replies[0].text
    assert len(await demo_app.repos.records.checkins(sam.id)) == before


async def test_asking_for_help_mid_dialog_explains_and_repeats_the_question(demo_app: App) -> None:
    await demo_app.engine.handle(say("checkin"))
    replies = await demo_app.engine.handle(say("help"))
    assert "Wellbeing check-in" in replies[0].text and replies[1].step == "mood"


async def test_asking_for_support_in_a_checkin_nudges_the_manager(demo_app: App) -> None:
    engine = demo_app.engine
    for text in ("checkin", "2", "skip", "yes", "Keep it to myself"):  # Sam has no objectives yet: not asked
        replies = await engine.handle(say(text))
    assert "let your manager know" in replies[0].text
    [notice] = await demo_app.repos.outbox.reminders()
    priya = await demo_app.repos.people.person_by_email("priya.shah@hillside.example")
    assert notice.recipient_id == priya.id and notice.clause == "3.3"
    assert "Mood" not in notice.body  # she kept her mood to herself


async def test_an_answer_that_starts_with_a_command_word_is_kept_as_an_answer(demo_app: App) -> None:
    engine = demo_app.engine
    await engine.handle(say("checkin"))
    await engine.handle(say("3"))
    replies = await engine.handle(say("Help with the new starters is taking a lot of time"))
    assert replies[0].step == "one_to_one"
    sam = await demo_app.repos.people.person_by_email(SAM)
    session = await demo_app.repos.conversations.active_session(sam.id)
    assert session.state["answers"]["note"].startswith("Help with the new starters")


async def test_status_at_a_button_question_is_answered_then_the_question_comes_back(demo_app: App) -> None:
    engine = demo_app.engine
    await engine.handle(say("checkin"))
    replies = await engine.handle(say("status"))
    assert "Stage" in replies[0].text and "Back to “Wellbeing check-in”" in replies[-2].text
    assert replies[-1].step == "mood"
    replies = await engine.handle(say("4"))
    assert replies[-1].step == "note"


async def test_a_lone_command_word_at_a_free_text_question_is_a_request_not_an_answer(demo_app: App) -> None:
    engine = demo_app.engine
    await engine.handle(say("checkin"))
    await engine.handle(say("3"))  # now at the free-text note
    replies = await engine.handle(say("prep"))
    assert "You're in the middle of “Wellbeing check-in” (your answers are saved). Pause it and start" \
        in replies[0].text
    assert [c.label for c in replies[0].choices][0].startswith("Pause and start")
    replies = await engine.handle(say("yes"))
    assert "paused “Wellbeing check-in”" in replies[0].text
    sam = await demo_app.repos.people.person_by_email(SAM)
    [paused] = await demo_app.repos.conversations.paused_sessions(sam.id)
    assert "note" not in paused.state["answers"]


async def test_cancel_with_nothing_open_says_so_plainly(demo_app: App) -> None:
    replies = await demo_app.engine.handle(say("cancel"))
    assert "nothing open to cancel" in replies[0].text


async def test_a_slash_command_cadence_does_not_know_is_never_taken_as_an_answer(demo_app: App) -> None:
    """Sam, at the check-in's free-text note, types `/cadence whatsit` by mistake: he gets help and the
    note's question again; the check-in stays open and the words are not stored as his note."""
    engine = demo_app.engine
    await engine.handle(say("checkin"))
    await engine.handle(say("3"))  # now at the free-text note
    replies = await engine.handle(Inbound(Address(Channel.CONSOLE, SAM), "whatsit", command=True))
    assert not any("paused" in r.text for r in replies)
    assert "where you left off" in " ".join(r.text for r in replies)
    sam = await demo_app.repos.people.person_by_email(SAM)
    session = await demo_app.repos.conversations.active_session(sam.id)
    assert session is not None and session.dialog_id == "checkin"
    assert "note" not in session.state["answers"]

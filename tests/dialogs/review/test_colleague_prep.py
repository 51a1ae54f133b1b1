"""Sam prepares for his planning meeting with the Annex 2 questions, in order, skipping what he likes."""

from __future__ import annotations

from bot.app import App, build_app
from bot.policy.questions import COLLEAGUE_QUESTIONS, LOOKING_AHEAD, LOOKING_BACK
from tests.conftest import make_settings
from tests.dialogs.review.conftest import PRIYA, SAM, Say, person_id, say_to, text_of


def test_the_questions_are_annex_2_word_for_word_and_in_order() -> None:
    assert len(LOOKING_BACK) == 11 and len(LOOKING_AHEAD) == 12
    assert LOOKING_BACK[0].text == "Have you achieved the objectives set?"
    assert LOOKING_BACK[-1].text == "Is there anything that we can do to help you do your job better?"
    assert LOOKING_AHEAD[0].text == "What changes do you anticipate in your work in the next 6 to 12 months?"
    assert LOOKING_AHEAD[-1].text.startswith("You may be hoping to develop in your job")
    assert len({q.key for q in COLLEAGUE_QUESTIONS}) == 23


async def test_sam_answers_some_skips_others_and_shares_with_his_reviewer(demo_app: App, say: Say) -> None:
    first = text_of(await say(SAM, "prep"))
    assert "Looking back over the review period" in first and "Have you achieved the objectives set?" in first
    asked: list[str] = []
    for i in range(len(COLLEAGUE_QUESTIONS)):
        replies = await say(SAM, f"Answer {i + 1}" if i % 3 == 0 else "skip")
        asked.append(text_of(replies))
    # each reply asks the next question, in the policy's order
    for q, reply in zip(COLLEAGUE_QUESTIONS[1:], asked[:-1], strict=True):
        assert q.text in reply
    assert "Looking ahead to next year" in asked[10]
    assert "reviewer to see these answers" in asked[-1]
    done = text_of(await say(SAM, "1"))
    assert "8 of 23 questions answered" in done and "Your reviewer can read them" in done

    review = await demo_app.repos.reviews.current_review(await person_id(demo_app, SAM))
    assert review is not None and review.prep_shared_with_reviewer is True
    saved = await demo_app.repos.forms.preparation_answers(review.id, "colleague")
    assert [a.question_key for a in saved] == [q.key for i, q in enumerate(COLLEAGUE_QUESTIONS) if i % 3 == 0]
    assert saved[0].question == "Have you achieved the objectives set?" and saved[0].answer == "Answer 1"
    priya = await person_id(demo_app, PRIYA)
    notices = [r for r in await demo_app.repos.outbox.reminders() if r.recipient_id == priya and r.kind == "reviewer_prep"]
    assert len(notices) == 1 and "prep Sam" in notices[0].body
    audit = [e for e in await demo_app.repos.audit.audit_events(review.colleague_id) if e.record_type == "preparation"]
    assert audit and audit[0].detail["shared_with_reviewer"] is True


async def test_keeping_answers_private_and_running_it_again_keeps_earlier_answers(demo_app: App, say: Say) -> None:
    await say(SAM, "prep")
    await say(SAM, "Yes, both of them")
    for _ in COLLEAGUE_QUESTIONS[1:]:
        await say(SAM, "skip")
    assert "stay with you" in text_of(await say(SAM, "no"))
    again = text_of(await say(SAM, "prep"))
    assert "Last time you wrote: “Yes, both of them”" in again
    for _ in COLLEAGUE_QUESTIONS:
        await say(SAM, "skip")
    await say(SAM, "keep them for the meeting")
    review = await demo_app.repos.reviews.current_review(await person_id(demo_app, SAM))
    saved = await demo_app.repos.forms.preparation_answers(review.id, "colleague")  # type: ignore[union-attr]
    assert [a.answer for a in saved] == ["Yes, both of them"]  # skip kept the earlier answer
    assert review.prep_shared_with_reviewer is False  # type: ignore[union-attr]


async def test_a_restart_between_two_answers_resumes_at_the_same_question(demo_app: App, db_url: str) -> None:
    await say_to(demo_app, SAM, "prep")
    await say_to(demo_app, SAM, "Mostly")
    await say_to(demo_app, SAM, "The reading group")
    await demo_app.close()  # the process stops here

    second = build_app(make_settings(db_url), clock=demo_app.clock)
    try:
        replies = await say_to(second, SAM, "Planning the sessions with the class teacher")
        assert COLLEAGUE_QUESTIONS[3].text in text_of(replies)  # question 4 next: nothing lost, nothing repeated
        for _ in COLLEAGUE_QUESTIONS[3:]:
            await say_to(second, SAM, "skip")
        await say_to(second, SAM, "yes")
        review = await second.repos.reviews.current_review(await person_id(second, SAM))
        saved = await second.repos.forms.preparation_answers(review.id, "colleague")  # type: ignore[union-attr]
        assert [a.answer for a in saved] == ["Mostly", "The reading group", "Planning the sessions with the class teacher"]
    finally:
        await second.close()


async def test_pause_and_resume_and_bad_answers_lose_nothing(demo_app: App, say: Say) -> None:
    await say(SAM, "prep")
    await say(SAM, "Mostly")
    assert "Paused" in text_of(await say(SAM, "pause"))
    back = text_of(await say(SAM, "resume"))
    assert "Welcome back" in back and COLLEAGUE_QUESTIONS[1].text in back
    too_long = text_of(await say(SAM, "x" * 3001))
    assert "limit here is 3,000" in too_long and COLLEAGUE_QUESTIONS[1].text in too_long
    assert COLLEAGUE_QUESTIONS[0].text in text_of(await say(SAM, "back"))
    for _ in COLLEAGUE_QUESTIONS:
        await say(SAM, "skip")
    bad = text_of(await say(SAM, "maybe later"))
    assert "Please pick one of" in bad
    await say(SAM, "no")
    review = await demo_app.repos.reviews.current_review(await person_id(demo_app, SAM))
    # "back" then "skip" on question 1 keeps nothing from the first answer: the colleague withdrew it
    assert await demo_app.repos.forms.preparation_answers(review.id, "colleague") == []  # type: ignore[union-attr]

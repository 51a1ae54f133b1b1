"""Bad answers at every kind of prompt, forms on Slack, and interruption and resume: a manager is
interrupted halfway through a plan and nothing already answered is lost."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import build_app
from bot.messages import Action, Address, Channel, Inbound, PromptKind
from tests.dialogs.review.conftest import held_meeting
from tests.dialogs.support.conftest import Trust, text_of

PRIYA = "priya.shah@hillside.example"
SAM = "sam.patel@hillside.example"


async def to_first_action(trust: Trust) -> None:
    await trust.say(PRIYA, "plan")
    await trust.say(PRIYA, "New support plan")
    await trust.say(PRIYA, "Sam")
    await trust.say(PRIYA, "20/11/2026")


async def state(trust: Trust) -> dict:
    session = await trust.app.repos.conversations.active_session(trust.ids[PRIYA])
    assert session is not None
    return session.state["answers"]


async def test_bad_answers_at_every_prompt_kind_are_explained_and_change_nothing(trust: Trust):
    await trust.say(PRIYA, "plan")
    replies = await trust.say(PRIYA, "7")  # CHOICE
    assert replies[0].text.startswith("Please pick one of: 1. New support plan (Annex 4), 2. New improvement")
    assert replies[1].step == "what"
    await trust.say(PRIYA, "New support plan")
    await trust.say(PRIYA, "Sam")
    replies = await trust.say(PRIYA, "soonish")  # DATE
    assert replies[0].text.startswith("I couldn't read that as a date. Please write it like 14/12/2026")
    replies = await trust.say(PRIYA, "30/11/2026")  # DATE in the future
    assert "That's in the future" in replies[0].text and replies[1].step == "meeting_date"
    replies = await trust.say(PRIYA, "skip")  # required
    assert "This one can't be skipped" in replies[0].text
    replies = await trust.say(PRIYA, "   ")
    assert "I didn't get an answer" in replies[0].text
    await trust.say(PRIYA, "20/11/2026")
    replies = await trust.say(PRIYA, "x" * 3001)  # LONG_TEXT over its limit
    assert "That's 3,001 characters; the limit here is 3,000." in replies[0].text
    for answer in ["Punctuality", "On time daily", "Mentoring"]:
        await trust.say(PRIYA, answer)
    replies = await trust.say(PRIYA, "y" * 201)  # SHORT_TEXT over its limit
    assert "the limit here is 200" in replies[0].text
    await trust.say(PRIYA, "Priya Shah")
    await trust.say(PRIYA, "Weekly")
    replies = await trust.say(PRIYA, "next week")  # review dates: unreadable
    assert "I couldn't read “next week” as a date" in replies[0].text
    replies = await trust.say(PRIYA, "14/12/2026, 01/11/2026")  # review dates: one has passed
    assert "Sun 01 Nov 2026 isn't in the future. Review dates need to be after today (Mon 23 Nov 2026)." \
        == replies[0].text
    replies = await trust.say(PRIYA, "23/11/2026")
    assert "isn't in the future" in replies[0].text
    await trust.say(PRIYA, "14/12/2026")
    replies = await trust.say(PRIYA, "maybe")  # YES_NO
    assert replies[0].text == "Please answer yes or no."
    await trust.say(PRIYA, "no")
    replies = await trust.say(PRIYA, "perhaps")  # CONFIRM
    assert replies[0].text == "Please say confirm to go ahead, or back to change an answer."
    answers = await state(trust)
    assert answers["a1_area"] == "Punctuality" and answers["a1_review_dates"] == "14/12/2026"
    assert await trust.app.repos.plans.plans_for(trust.ids[SAM]) == []  # nothing stored until confirmed
    await trust.say(PRIYA, "confirm")
    [plan] = await trust.app.repos.plans.plans_for(trust.ids[SAM])
    assert [a.review_dates for a in await trust.app.repos.plans.plan_actions(plan.id)] == [["2026-12-14"]]


async def test_go_back_changes_only_the_last_answer(trust: Trust):
    await to_first_action(trust)
    await trust.say(PRIYA, "Punctualty")
    replies = await trust.say(PRIYA, "back")
    assert "concern / area of performance for review" in replies[-1].text
    await trust.say(PRIYA, "Punctuality")
    answers = await state(trust)
    assert answers["a1_area"] == "Punctuality" and answers["meeting_date"] == "2026-11-20"


async def test_pause_and_resume_later_from_a_fresh_process(trust: Trust):
    await to_first_action(trust)
    await trust.say(PRIYA, "Punctuality")
    replies = await trust.say(PRIYA, "pause")
    assert "Paused “Support plan”. Your answers are saved" in replies[0].text
    # a restart: a new app on the same database
    again = build_app(trust.app.settings, trust.clock)
    try:
        replies = await again.engine.handle(Inbound(Address(Channel.CONSOLE, PRIYA), "resume"))
        assert "Welcome back to “Support plan”." in replies[0].text
        assert "Level of improvement required?" in replies[-1].text
    finally:
        await again.close()
    answers = await state(trust)
    assert answers["a1_area"] == "Punctuality"


async def test_a_check_in_in_the_middle_pauses_the_plan_and_resume_returns_to_it(trust: Trust):
    await to_first_action(trust)
    await trust.say(PRIYA, "Punctuality")
    await trust.say(PRIYA, "On time daily")
    await trust.say(PRIYA, "Mentoring")
    await trust.say(PRIYA, "Priya")
    await trust.say(PRIYA, "Weekly")
    await trust.say(PRIYA, "14/12/2026")
    replies = await trust.app.engine.handle(Inbound(Address(Channel.CONSOLE, PRIYA), "checkin", command=True))
    assert "I've paused “Support plan”" in replies[0].text
    for answer in ["4", "skip", "no", "yes", "Keep it to myself"]:
        replies = await trust.say(PRIYA, answer)
    assert "Thanks, that's saved" in text_of(replies)
    replies = await trust.say(PRIYA, "resume")
    assert "Add another action?" in replies[-1].text
    await trust.say(PRIYA, "no")
    replies = await trust.say(PRIYA, "confirm")
    assert "Saved Sam Patel's support plan" in text_of(replies)


async def test_on_slack_each_action_is_one_form_and_a_bad_field_keeps_the_rest(trust: Trust):
    await trust.app.repos.people.link_platform_id(trust.ids[PRIYA], "slack", "U0PRIYA")
    await to_first_action(trust)  # started in the console ...
    replies = await trust.app.engine.handle(Inbound(Address(Channel.SLACK, "U0PRIYA"), "resume"))
    form_reply = replies[-1]  # ... carried on in Slack, where action 1 is one form
    assert form_reply.form is not None
    assert [f.key for f in form_reply.form.fields] == ["a1_area", "a1_required", "a1_support", "a1_arranged_by",
                                                       "a1_timescale", "a1_review_dates"]
    assert form_reply.form.fields[0].label == "1. Concern / area of performance for review"
    values = {"a1_area": "Punctuality", "a1_required": "On time daily", "a1_support": "Mentoring",
              "a1_arranged_by": "Priya Shah", "a1_timescale": "Weekly", "a1_review_dates": "last Friday"}
    replies = await trust.app.engine.handle(Inbound(Address(Channel.SLACK, "U0PRIYA"), form=values,
                                                    action=_action(form_reply)))
    assert "A few answers need another look" in replies[0].text and "Review date(s)" in replies[0].text
    assert replies[-1].step == "a1_review_dates" and replies[-1].form is None  # only the bad one again
    answers = await state(trust)
    assert answers["a1_area"] == "Punctuality" and "a1_review_dates" not in answers
    # the old form's button is now stale and is ignored
    stale = await trust.app.engine.handle(Inbound(Address(Channel.SLACK, "U0PRIYA"), form=values,
                                                  action=_action(form_reply)))
    assert "That form belongs to an earlier message" in stale[0].text  # a form, not a button
    replies = await trust.app.engine.handle(Inbound(Address(Channel.SLACK, "U0PRIYA"), "14/12/2026"))
    assert replies[-1].prompt == PromptKind.YES_NO


async def test_an_improvement_plan_form_asks_for_risk_measures_only_when_there_is_a_risk(trust: Trust):
    await trust.app.repos.people.link_platform_id(trust.ids[PRIYA], "slack", "U0PRIYA")
    slack = Address(Channel.SLACK, "U0PRIYA")
    engine = trust.app.engine
    await engine.handle(Inbound(slack, "plan"))
    await engine.handle(Inbound(slack, "New improvement action plan"))
    await engine.handle(Inbound(slack, "Sam"))
    await engine.handle(Inbound(slack, "23/11/2026"))
    await engine.handle(Inbound(slack, "No, this is a new plan"))
    replies = await engine.handle(Inbound(slack, "Stage 1 informal"))
    form = replies[-1]
    assert form.form is not None and "a1_measures" not in [f.key for f in form.form.fields]
    values = {"a1_area": "Reading logs", "a1_required": "All complete", "a1_gap": "12 missing", "a1_risk": "yes",
              "a1_agreed": "Daily logs", "a1_support": "Quiet time", "a1_timescale": "Weekly",
              "a1_review_dates": "7/12/2026", "a1_measured": "Sample of 5", "a1_achieve_by": "29/01/2027"}
    replies = await engine.handle(Inbound(slack, form=values, action=_action(form)))
    assert replies[-1].step == "a1_measures"
    replies = await engine.handle(Inbound(slack, "Second adult checks"))
    assert replies[-1].step == "a1_more"


def _action(reply):
    from bot.messages import Action

    return Action("submit", session_id=reply.session_id, revision=reply.revision, step=reply.step)


async def test_a_form_answered_in_other_words_says_how_each_was_read(trust: Trust):
    """Priya fills the mid-year form in Slack; “yep” is read as yes and she is told so (issue 17)."""
    await trust.app.repos.people.link_platform_id(trust.ids[PRIYA], "slack", "U0PRIYA")
    slack = Address(Channel.SLACK, "U0PRIYA")
    london = ZoneInfo("Europe/London")
    trust.set_now(datetime(2027, 2, 10, 15, tzinfo=london))  # Spring term (3.2), after the meeting
    await held_meeting(trust.app, "jo.brown@hillside.example", "mid_year", datetime(2027, 2, 10, 10, tzinfo=london))

    async def submit(reply, values: dict[str, str]) -> list:
        action = Action("submit", session_id=reply.session_id, revision=reply.revision, step=reply.step)
        return await trust.app.engine.handle(Inbound(slack, action=action, form=values))

    opened = await trust.app.engine.handle(Inbound(slack, text="midyear jo"))
    form = opened[-1]
    assert form.form is not None
    overall = (await submit(form, {f.key: "Going well" for f in form.form.fields}))[-1]
    assert overall.form is not None and [f.key for f in overall.form.fields][:2] == ["on_track", "performing"]
    replies = await submit(overall, {"on_track": "yep", "performing": "yes", "comments": ""})
    assert replies[0].text.startswith("I read these as:\n• Are all objectives on track to be met?: yes")
    assert "performing" not in replies[0].text.lower()  # a plain “yes” is taken as it is
    session = await trust.app.repos.conversations.active_session(trust.ids[PRIYA])
    assert session is not None and session.state["answers"]["on_track"] is True

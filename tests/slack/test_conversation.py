"""Colleagues talk to Cadence in Slack DMs, with buttons and the /cadence command."""

from __future__ import annotations

from sqlmodel import select

from store.models import AuditEvent, CheckIn, DialogSession, Person, Reminder
from tests.slack.conftest import SAM, STRANGER, Slack

SAM_DM = "D0SAM"


async def sam_checkins(slack: Slack) -> list[CheckIn]:
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    return [c for c in await slack.app.repos.records.checkins(sam.id) if c.note != "Good week."]  # the demo's own


async def test_sam_does_a_whole_checkin_in_dms_with_buttons_and_typed_answers(slack: Slack) -> None:
    assert await slack.say(SAM, "checkin") == 200
    first = slack.last_message(SAM)
    assert "How are you feeling this week" in slack.api.text_of(SAM_DM)
    assert [b["text"]["text"] for b in first["blocks"][-2]["elements"]] == ["1 Low", "2", "3 OK", "4", "5 Great"] \
        or "Policy 3.3" in str(first["blocks"][-1])

    assert await slack.click(SAM, slack.button(SAM, "4")) == 200
    assert "Anything you'd like to add" in slack.api.text_of(SAM_DM)
    [update] = slack.api.called("chat.update")  # the answered question loses its buttons, shows the answer
    assert update["ts"] == first["_ts"] and update["channel"] == SAM_DM
    assert "actions" not in [b["type"] for b in update["blocks"]] and "✓ 4" in str(update["blocks"])
    await slack.say(SAM, "Busy week with the &lt;b&gt;phonics&lt;/b&gt; group &amp; trips")  # as Slack sends it
    await slack.click(SAM, slack.button(SAM, "Yes"))
    assert "Are your objectives on track" not in slack.api.text_of(SAM_DM)  # Sam has none yet
    await slack.click(SAM, slack.button(SAM, "Share my mood only"))
    assert "Thanks, that's saved" in slack.api.text_of(SAM_DM)

    [checkin] = await sam_checkins(slack)
    assert (checkin.mood, checkin.wants_one_to_one, checkin.objectives_on_track, checkin.share_with_manager) == (
        4, True, None, "mood")
    assert checkin.note == "Busy week with the <b>phonics</b> group & trips"  # Slack's escaping undone
    # Sam was recognised by the email Slack holds for him, once; linked for next time
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    assert sam.slack_user_id == SAM
    assert len(slack.api.called("users.info")) == 1
    # the manager hears about the one-to-one through the outbox (Policy 3.3)
    reminders = [r for r in await slack.app.repos.outbox.reminders() if r.kind == "one_to_one_checkin"]
    assert reminders and reminders[0].clause == "3.3"
    # every call used the bot token; every message went to Sam's DM
    assert {c.token for c in slack.api.calls} == {"Bearer xoxb-test-not-a-token"}
    assert {m["channel"] for m in slack.api.messages()} == {SAM_DM}


async def test_a_button_from_an_old_message_is_recognised_as_stale(slack: Slack) -> None:
    await slack.say(SAM, "checkin")
    four = slack.button(SAM, "4")
    two = slack.button(SAM, "2")
    await slack.click(SAM, four)
    await slack.click(SAM, two)  # the same old message, clicked again
    text = slack.api.text_of(SAM_DM)
    assert "That button belongs to an earlier message" in text
    assert len(slack.api.called("chat.update")) == 1  # only the click that counted marked its message
    async with slack.app.db.session() as s:
        session = (await s.exec(select(DialogSession).where(DialogSession.dialog_id == "checkin"))).one()
    assert session.state["answers"] == {"mood": 4}  # the stale 2 changed nothing


async def test_a_double_delivered_event_is_answered_once(slack: Slack) -> None:
    from tests.slack.conftest import fixture

    payload = fixture("message_im.json")
    payload["event"].update(text="checkin")
    await slack.event(payload)
    await slack.event(payload)  # Slack's retry of the same event_id
    assert slack.api.text_of(SAM_DM).count("How are you feeling") == 1


async def test_someone_not_on_the_roster_gets_a_polite_refusal_and_nothing_is_stored(slack: Slack) -> None:
    async with slack.app.db.session() as s:
        audit_before = len((await s.exec(select(AuditEvent))).all())
    await slack.say(STRANGER, "status")
    await slack.say("U0NOBODY", "checkin")  # Slack doesn't even know their email
    for dm in ("D0STRANGER", "D0NOBODY"):
        text = slack.api.text_of(dm)
        assert "don't recognise your Slack account" in text and "HR admin" in text
        assert "Stage" not in text
    async with slack.app.db.session() as s:
        assert (await s.exec(select(DialogSession))).all() == []
        assert (await s.exec(select(Person).where(Person.slack_user_id.is_not(None)))).all() == []  # type: ignore[union-attr]
        assert len((await s.exec(select(AuditEvent))).all()) == audit_before


async def test_the_cadence_command_in_a_channel_answers_in_the_dm(slack: Slack) -> None:
    status, body = await slack.command(SAM, "status")
    assert status == 200 and "direct messages" in body
    text = slack.api.text_of(SAM_DM)
    assert "Stage" in text and "Planning meeting booked" in text and "0 of 23" in text
    assert slack.api.called("conversations.open")[0]["users"] == SAM


async def test_the_bare_command_and_free_text_get_help_never_silence(slack: Slack) -> None:
    status, body = await slack.command(SAM, "", channel_id=SAM_DM)
    assert status == 200 and body == ""
    await slack.say(SAM, "what do I do about my meeting?")
    text = slack.api.text_of(SAM_DM)
    assert text.count("here's what I can do") + text.count("Here's everything I can do") >= 2
    assert "schedule" in text


async def test_an_email_slack_turned_into_a_link_reaches_the_router_as_plain_text(slack: Slack) -> None:
    await slack.say(SAM, "prep for <mailto:jo.brown@hillside.example|jo.brown@hillside.example>")
    assert "mailto" not in slack.api.text_of(SAM_DM)


async def test_reminders_deliver_through_the_slack_channel(slack: Slack) -> None:
    channel = slack.app.channels["slack"]
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    assert await channel.can_reach(sam)  # found by users.lookupByEmail and linked
    from bot.messages import Reply

    await channel.deliver(sam, Reply("Your planning meeting is on Thursday. Say prep to get ready.", clause="5.5"))
    assert slack.api.messages(SAM_DM)[-1]["text"].startswith("Your planning meeting")
    assert "Policy 5.5" in slack.api.text_of(SAM_DM)
    linked = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    assert linked.slack_user_id == SAM
    assert Reminder  # the outbox model the dispatcher feeds from


async def test_a_double_click_applies_the_answer_once(slack: Slack) -> None:
    import asyncio

    await slack.say(SAM, "checkin")
    four = slack.button(SAM, "4")
    assert await asyncio.gather(slack.click(SAM, four), slack.click(SAM, four)) == [200, 200]
    text = slack.api.text_of(SAM_DM)
    assert text.count("Anything you'd like to add") == 2  # asked once, and shown again after the stale note
    assert text.count("That button belongs to an earlier message") == 1
    async with slack.app.db.session() as s:
        session = (await s.exec(select(DialogSession).where(DialogSession.dialog_id == "checkin"))).one()
    assert session.state["answers"] == {"mood": 4} and session.state["history"] == ["mood"]


async def test_slack_gets_its_acknowledgement_before_the_slow_work_is_done(slack: Slack) -> None:
    """Slack's 3-second rule: ack first. Here every Web API call takes 1.5 s and a check-in start needs
    users.info, conversations (none: the DM is known) and chat.postMessage, yet the 200 comes at once."""
    slack.api.slow.update({"users.info": 1.5, "chat.postMessage": 1.5, "views.open": 1.5})
    import time

    started = time.monotonic()
    assert await slack.say(SAM, "checkin") == 200
    whole = time.monotonic() - started
    assert slack.ack_seconds[-1] < 1.0 and whole >= 3.0
    assert "How are you feeling" in slack.api.text_of(SAM_DM)
    await slack.command(SAM, "status")
    assert slack.ack_seconds[-1] < 1.0


async def test_if_slack_cannot_say_who_someone_is_they_are_asked_to_try_again_not_refused(slack: Slack) -> None:
    slack.api.fail("users.info", 500)
    await slack.say(SAM, "status")
    text = slack.api.text_of(SAM_DM)
    assert "please try again in a minute" in text and "don't recognise" not in text
    await slack.say(SAM, "status")  # Slack is back: Sam is recognised, not remembered as a stranger
    assert "Planning meeting booked" in slack.api.text_of(SAM_DM)


async def test_a_manager_names_a_colleague_by_mention_or_email_link(slack: Slack) -> None:
    """Slack sends ``/cadence status @Jo`` as ``status <@U0JO|jo.brown>`` and an email as a mailto link
    whose label may be anything: both reach the router as Jo's email (issue 15; issue 17 point 7)."""
    priya, dm = "U0PRIYA", "D0PRIYA"
    slack.api.users[priya] = "priya.shah@hillside.example"
    for text in ("status <@U0JO|jo.brown>", "status <@U0JO>", "status <mailto:jo.brown@hillside.example|Jo B>"):
        before = len(slack.api.messages(dm))
        status, _ = await slack.command(priya, text, channel_id=dm)
        assert status == 200
        answer = "\n".join(m.get("text", "") for m in slack.api.messages(dm)[before:]) + slack.api.text_of(dm)
        assert slack.api.text_of(dm).endswith("(Policy 3.2)") and "Jo Brown\n*Stage*" in answer, text
    assert "couldn't find" not in slack.api.text_of(dm)

    # Sam does not manage Jo: a mention gives him no more than her name would
    await slack.command(SAM, "status <@U0JO>", channel_id=SAM_DM)
    assert slack.api.text_of(SAM_DM).endswith("You can only see the reviews of colleagues you review or manage "
                                              "(Policy 10.1).")

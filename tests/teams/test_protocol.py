"""Teams scenarios over the Bot Framework protocol: POST /api/messages in, connector calls out."""

from __future__ import annotations

import json

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_app
from bot.delivery import DeliveryError
from bot.handlers.teams.channel import TeamsDeliverer
from bot.handlers.web import build_web_app
from bot.messages import Reply
from tests.dialogs.review.conftest import held_meeting
from tests.teams.conftest import (
    BOT_ID,
    PRIYA_AAD,
    STRANGER_AAD,
    TENANT,
    activity,
    app_settings,
    people_of,
    say,
)


async def install(client, connector, aad: str, user_id: str, conversation: str):  # noqa: ANN001, ANN201
    """What Teams sends when someone adds the app in personal scope."""
    return await say(client, connector, aad=aad, user_id=user_id, conversation=conversation,
                     kind="conversationUpdate", membersAdded=[{"id": BOT_ID}])


async def test_a_colleague_does_a_whole_checkin_with_buttons_and_typing(bot_client, connector, teams_app):
    sam = teams_app.extras["people"]["sam"]

    before = len(await teams_app.repos.records.checkins(sam.id))
    first = await say(bot_client, connector, "checkin")
    assert len(first) == 1 and "How are you feeling this week" in first[0].words
    assert first[0].reply_to is not None  # answered as a reply to Sam's message
    assert [a["title"] for a in first[0].cards[0]["actions"]] == ["1 Low", "2", "3 OK", "4", "5 Great"]

    # pressing "4" on the card: Teams posts the button's data as activity.value with no text
    note_prompt = await say(bot_client, connector, value=first[0].button("4"))
    assert "Anything you'd like to add" in note_prompt[0].words

    one_to_one = await say(bot_client, connector, "Busy week with the Year 3 trip, but good.")
    assert "one-to-one" in one_to_one[0].words
    share = await say(bot_client, connector, value=one_to_one[0].button("Yes"))  # no objectives yet: not asked
    assert "What may your manager see" in share[0].words
    done = await say(bot_client, connector, value=share[0].button("Share my mood only"))

    assert "saved" in done[0].text and "one-to-one" in done[0].text
    checkins = await teams_app.repos.records.checkins(sam.id)
    assert len(checkins) == before + 1
    latest = max(checkins, key=lambda c: c.id)
    assert (latest.mood, latest.wants_one_to_one, latest.objectives_on_track, latest.share_with_manager) == (
        4, True, None, "mood")
    assert latest.note == "Busy week with the Year 3 trip, but good."
    # Priya, Sam's manager, has a notice waiting in the outbox
    pending = [r for r in await teams_app.repos.outbox.reminders() if r.dedupe_key.startswith("checkin:")]
    assert [(r.recipient_id, r.kind, r.clause) for r in pending] == [
        (teams_app.extras["people"]["priya"].id, "one_to_one_checkin", "3.3")]


async def test_a_button_from_an_old_card_is_ignored_and_changes_nothing(bot_client, connector, teams_app):
    first = await say(bot_client, connector, "checkin")
    await say(bot_client, connector, value=first[0].button("2"))
    stale = await say(bot_client, connector, value=first[0].button("5 Great"))  # the same card, pressed again
    assert "earlier message" in stale[0].words
    session = await teams_app.repos.conversations.active_session(teams_app.extras["people"]["sam"].id)
    assert session is not None and session.state["answers"] == {"mood": 2}


async def test_help_and_free_text_get_the_command_buttons(bot_client, connector):
    sent = await say(bot_client, connector, "<at>Cadence</at> what can you do",
                     entities=[{"type": "mention", "text": "<at>Cadence</at>",
                                "mentioned": {"id": BOT_ID, "name": "Cadence"}}])
    assert "here's what I can do" in sent[0].words.lower() or "Here's what I can do" in sent[0].words
    status = await say(bot_client, connector, value=sent[0].button("status"))
    assert status and status[0].words  # the button runs the command word


async def test_conversation_update_stores_the_reference_and_greets_once(bot_client, connector, teams_app):
    priya = teams_app.extras["people"]["priya"]
    connector.members["29:priya"] = {"id": "29:priya", "name": "Priya Shah", "aadObjectId": PRIYA_AAD,
                                     "email": "priya.shah@hillside.example",
                                     "userPrincipalName": "priya.shah@hillside.example", "tenantId": TENANT}
    greeting = await install(bot_client, connector, PRIYA_AAD, "29:priya", "a:priya-personal-chat")
    assert "Hi Priya" in greeting[0].words
    reference = await teams_app.repos.conversations.conversation_reference(priya.id, "teams")
    assert reference is not None
    assert reference["conversation"]["id"] == "a:priya-personal-chat"
    assert reference["serviceUrl"] == connector.url and reference["bot"]["id"] == BOT_ID
    # identity was found by email through the connector and remembered
    assert (await teams_app.repos.people.person(priya.id)).teams_user_id == PRIYA_AAD

    again = await say(bot_client, connector, aad=PRIYA_AAD, user_id="29:priya",
                      conversation="a:priya-personal-chat", kind="installationUpdate", action="add")
    assert again == []  # the install sends both activities; one greeting is enough


async def test_a_proactive_reminder_reaches_the_manager_through_the_deliverer(bot_client, connector, teams_app):
    people = teams_app.extras["people"]
    connector.members["29:priya"] = {"id": "29:priya", "name": "Priya Shah", "aadObjectId": PRIYA_AAD,
                                     "email": "priya.shah@hillside.example"}
    await install(bot_client, connector, PRIYA_AAD, "29:priya", "a:priya-personal-chat")
    first = await say(bot_client, connector, "checkin")
    for answer in ("3", "skip", "yes", "yes", "everything"):
        await say(bot_client, connector, answer)
    (notice,) = [r for r in await teams_app.repos.outbox.reminders() if r.dedupe_key.startswith("checkin:")]
    connector.clear()

    deliverer = teams_app.channels["teams"]
    priya = await teams_app.repos.people.person(people["priya"].id)
    assert await deliverer.can_reach(priya)
    assert not await deliverer.can_reach(await teams_app.repos.people.person(people["jo"].id))
    await deliverer.deliver(priya, Reply(f"{notice.subject}\n{notice.body}", clause=notice.clause))

    (message,) = connector.sent
    assert message.conversation_id == "a:priya-personal-chat" and message.reply_to is None
    assert "Sam Patel would like a one-to-one" in message.text and "Mood this week: 3/5" in message.text
    assert first  # Sam's own chat was answered too


async def test_the_deliverer_waits_for_retry_after_on_429_and_sends_once(bot_client, connector, teams_app):
    sam = await teams_app.repos.people.person(teams_app.extras["people"]["sam"].id)
    await say(bot_client, connector, "hello")  # first contact stores the reference
    connector.clear()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    runtime = teams_app.extras["teams"]
    deliverer = TeamsDeliverer(runtime.adapter, teams_app.repos, "", sleep=sleep)
    connector.throttle, connector.retry_after = 1, "2"
    await deliverer.deliver(sam, Reply("Your check-in is due (Policy 3.3).", choices=()))
    assert waits == [2.0] and connector.throttled == 1
    assert [s.text for s in connector.sent] == ["Your check-in is due (Policy 3.3)."]

    connector.clear()
    connector.throttle, connector.retry_after = 5, "120"
    with pytest.raises(DeliveryError) as raised:
        await deliverer.deliver(sam, Reply("Another reminder (Policy 3.3)."))
    assert raised.value.retry_after == 120.0 and not raised.value.permanent
    assert connector.sent == []


async def test_someone_not_on_the_roster_is_politely_refused_and_nothing_is_stored(bot_client, connector,
                                                                                    teams_app):
    connector.members["29:stranger"] = {"id": "29:stranger", "name": "Visitor", "aadObjectId": STRANGER_AAD,
                                        "email": "visitor@elsewhere.example"}
    linked_before = {p.email: p.teams_user_id for p in await teams_app.repos.people.all_people()}
    sent = await say(bot_client, connector, "checkin", aad=STRANGER_AAD, user_id="29:stranger",
                     conversation="a:stranger-chat")
    assert "don't recognise your Teams account" in sent[0].text
    assert "HR admin" in sent[0].text
    for person in teams_app.extras["people"].values():
        assert await teams_app.repos.conversations.conversation_reference(person.id, "teams") is None
    assert await teams_app.repos.people.person_by_teams_id(STRANGER_AAD) is None
    assert {p.email: p.teams_user_id for p in await teams_app.repos.people.all_people()} == linked_before


@pytest.mark.parametrize(("body", "content_type", "reason"), [
    (b"{not json", "application/json", "not valid JSON"),
    (b"[1, 2]", "application/json", "not a JSON object"),
    (json.dumps({"type": "message", "text": "hi"}).encode(), "application/json", "serviceUrl"),
    (None, "text/plain", "Content-Type"),
    ("no-type", "application/json", "type is missing"),
    ("no-from", "application/json", "from.id"),
    ("no-conversation", "application/json", "conversation.id"),
    ("bad-timestamp", "application/json", "could not be read"),
    ("entities-not-a-list", "application/json", "entities"),
])
async def test_a_malformed_activity_gets_400_and_nothing_is_stored(bot_client, connector, teams_app, caplog,
                                                                   body, content_type, reason):
    good = activity(connector, "checkin")
    if body is None:
        body = json.dumps(good).encode()
    elif isinstance(body, str):
        broken = dict(good)
        match body:
            case "no-type":
                broken.pop("type")
            case "no-from":
                broken["from"] = {"name": "x"}
            case "no-conversation":
                broken.pop("conversation")
            case "bad-timestamp":
                broken["timestamp"] = "last Tuesday"
            case "entities-not-a-list":
                broken["entities"] = "mention"
        body = json.dumps(broken).encode()
    response = await bot_client.post("/api/messages", data=body, headers={"Content-Type": content_type})
    assert response.status == 400
    assert reason in (await response.json())["error"]
    assert any("refused (400)" in r.getMessage() for r in caplog.records)
    assert connector.sent == []
    sam = teams_app.extras["people"]["sam"]
    assert await teams_app.repos.conversations.active_session(sam.id) is None
    assert await teams_app.repos.conversations.conversation_reference(sam.id, "teams") is None


async def test_with_app_credentials_an_unauthenticated_request_is_refused(demo_app, connector, caplog):
    settings = app_settings(demo_app.settings.database_url, app_id="00000000-0000-0000-0000-00000000a99d",
                            password="not-a-real-password", tenant=TENANT)
    app = build_app(settings, clock=demo_app.clock)
    people = await people_of(app)
    client = TestClient(TestServer(build_web_app(app), host="127.0.0.1"))
    await client.start_server()
    try:
        assert not any("UNAUTHENTICATED" in r.getMessage() for r in caplog.records)
        body = json.dumps(activity(connector, "checkin"))
        for headers in ({}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic c2FtOnNhbQ=="}):
            response = await client.post("/api/messages", data=body,
                                         headers={"Content-Type": "application/json", **headers})
            assert response.status == 401, headers
        assert connector.sent == []
        assert await app.repos.conversations.active_session(people["sam"].id) is None
        assert await app.repos.conversations.conversation_reference(people["sam"].id, "teams") is None
    finally:
        await client.close()
        await app.close()


async def test_without_an_app_id_there_is_no_teams_endpoint_to_talk_to(teams_app, connector):
    teams_app.settings.teams_emulator = False  # a server set up for Slack only
    async with TestClient(TestServer(build_web_app(teams_app), host="127.0.0.1")) as client:
        response = await client.post("/api/messages", data=json.dumps(activity(connector, "status")),
                                     headers={"Content-Type": "application/json"})
        assert response.status == 404 and "Teams is not configured" in await response.text()
    assert connector.sent == [] and "teams" not in teams_app.channels


async def test_the_emulators_unauthenticated_mode_warns_loudly_and_takes_requests_from_this_machine_only(
        teams_app, connector, caplog):
    web_app = build_web_app(teams_app)  # teams_emulator on, no app id
    assert any("UNAUTHENTICATED" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    assert "teams" in teams_app.channels

    @web.middleware
    async def from_elsewhere(request: web.Request, handler):  # noqa: ANN001, ANN202 - as a request from another host
        return await handler(request.clone(remote="203.0.113.9"))

    web_app.middlewares.append(from_elsewhere)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        response = await client.post("/api/messages", data=json.dumps(activity(connector, "status")),
                                     headers={"Content-Type": "application/json"})
        assert response.status == 403 and "from this machine only" in await response.text()
    assert connector.sent == []


async def test_a_colleague_prepares_for_the_meeting_in_teams(bot_client, connector, teams_app):
    sam = teams_app.extras["people"]["sam"]
    opening = await say(bot_client, connector, "prep")
    assert any("optional" in s.words for s in opening)
    assert "question 1 of 23" in opening[-1].words
    await say(bot_client, connector, "Running the phonics catch-up group with Year 2.")
    replies: list = []
    for _ in range(30):
        replies = await say(bot_client, connector, "skip")
        if any("before the meeting" in s.words and s.cards for s in replies):
            break
    share = replies[-1]
    done = await say(bot_client, connector, value=share.button("Yes, share them before the meeting"))
    assert "Your preparation is saved: 1 of 23" in done[0].words
    assert [a["title"] for a in done[0].cards[0]["actions"]] == ["See the agenda", "Where am I?"]
    review = await teams_app.repos.reviews.current_review(sam.id)
    answers = await teams_app.repos.forms.preparation_answers(review.id, "colleague")
    assert [a.answer for a in answers] == ["Running the phonics catch-up group with Year 2."]
    assert (await teams_app.repos.reviews.review(review.id)).prep_shared_with_reviewer is True


async def test_a_manager_fills_in_an_objective_form_card(bot_client, connector, teams_app):
    connector.members["29:priya"] = {"id": "29:priya", "name": "Priya Shah", "aadObjectId": PRIYA_AAD,
                                     "email": "priya.shah@hillside.example"}
    priya = {"aad": PRIYA_AAD, "user_id": "29:priya", "conversation": "a:priya-personal-chat"}
    await held_meeting(teams_app, "sam.patel@hillside.example")  # objectives follow the planning meeting (3.2)
    sent = await say(bot_client, connector, "objectives Sam", **priya)
    form = sent[-1]
    (card,) = form.cards
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert inputs["o1_text"]["type"] == "Input.Text" and inputs["o1_text"]["isMultiline"]
    assert inputs["o1_due"]["type"] == "Input.Date" and inputs["o1_due"]["isRequired"]
    (submit,) = card["actions"]

    # Teams checks isRequired in the client, but a submission can still arrive without a value
    missing = await say(bot_client, connector, **priya,
                        value={**submit["data"], "o1_text": "Lead the Year 2 phonics catch-up group",
                               "o1_criteria": "", "o1_due": "2027-07-16"})
    assert "need another look" in missing[0].words
    assert "success" in missing[-1].words.lower() or "criteria" in missing[-1].words.lower()
    # what was valid is kept; the one missing answer is asked on its own, and typing it works
    await say(bot_client, connector, "80% of the group at expected level in the July phonics check", **priya)
    session = await teams_app.repos.conversations.active_session(teams_app.extras["people"]["priya"].id)
    assert session is not None
    assert session.state["answers"]["o1_text"] == "Lead the Year 2 phonics catch-up group"
    assert session.state["answers"]["o1_due"] == "2027-07-16"
    assert session.state["answers"]["o1_criteria"].startswith("80% of the group")


async def test_a_reply_throttled_by_teams_is_sent_after_retry_after_and_only_once(bot_client, connector):
    connector.throttle, connector.retry_after = 1, "0"
    sent = await say(bot_client, connector, "checkin")
    assert connector.throttled == 1
    assert len(sent) == 1 and "How are you feeling" in sent[0].words


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    from bot.handlers.teams.throttle import retry_after_seconds

    assert retry_after_seconds({"Retry-After": "7"}) == 7.0
    assert retry_after_seconds({}) == 1.0
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # already past
    assert 0 < retry_after_seconds({"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"})


async def test_when_a_colleague_removes_the_app_reminders_stop_going_to_teams(bot_client, connector, teams_app):
    sam = await teams_app.repos.people.person(teams_app.extras["people"]["sam"].id)
    deliverer = teams_app.channels["teams"]
    await say(bot_client, connector, "hello")
    assert await deliverer.can_reach(sam)
    await say(bot_client, connector, kind="installationUpdate", action="remove")
    assert not await deliverer.can_reach(sam)  # the dispatcher will use email instead


async def test_a_403_from_teams_is_permanent_and_the_conversation_is_forgotten(bot_client, connector, teams_app):
    sam = await teams_app.repos.people.person(teams_app.extras["people"]["sam"].id)
    await say(bot_client, connector, "hello")
    connector.gone.add("a:sam-personal-chat")
    with pytest.raises(DeliveryError) as raised:
        await teams_app.channels["teams"].deliver(sam, Reply("Your check-in is due (Policy 3.3)."))
    assert raised.value.permanent
    assert not await teams_app.channels["teams"].can_reach(sam)


async def test_the_reminder_dispatcher_reaches_a_manager_in_teams_and_the_button_works(bot_client, connector,
                                                                                        teams_app):
    from bot.scheduler.dispatcher import Dispatcher

    connector.members["29:priya"] = {"id": "29:priya", "name": "Priya Shah", "aadObjectId": PRIYA_AAD,
                                     "email": "priya.shah@hillside.example"}
    priya = {"aad": PRIYA_AAD, "user_id": "29:priya", "conversation": "a:priya-personal-chat"}
    await install(bot_client, connector, PRIYA_AAD, "29:priya", "a:priya-personal-chat")
    await say(bot_client, connector, "checkin")
    for answer in ("2", "skip", "yes", "yes", "nothing"):
        await say(bot_client, connector, answer)
    connector.clear()
    connector.throttle, connector.retry_after = 1, "0"  # Teams asks the first send to wait

    stats = await Dispatcher(teams_app).drain()

    to_priya = [s for s in connector.sent if s.conversation_id == "a:priya-personal-chat"]
    (notice,) = [s for s in to_priya if "would like a one-to-one" in s.words]
    assert "Sam Patel" in notice.words and "Policy 3.3" in notice.words
    assert stats.sent >= 1 and connector.throttled == 1
    (row,) = [r for r in await teams_app.repos.outbox.reminders(status=None) if r.dedupe_key.startswith("checkin:")]
    assert (row.status, row.channel) == ("sent", "teams")

    booking = await say(bot_client, connector, value=notice.button("Book a meeting"), **priya)
    assert booking[0].words.startswith("Booking a meeting")  # the button is the command, in Priya's chat
    assert all(s.conversation_id == "a:priya-personal-chat" for s in booking)


async def test_a_pressed_card_shows_the_answer_instead_of_its_buttons(bot_client, connector):
    (question,) = await say(bot_client, connector, "checkin")
    await say(bot_client, connector, value=question.button("4"), replyToId=question.id)
    ((updated_id, update),) = connector.updates
    assert updated_id == question.id
    (card,) = [a["content"] for a in update["attachments"]]
    assert "actions" not in card
    assert [e["text"] for e in card["body"]] == [question.cards[0]["body"][0]["text"], "✓ 4"]

    # the same old card pressed again changes nothing, and is not redrawn as if it counted
    await say(bot_client, connector, value=question.button("1 Low"), replyToId=question.id)
    assert len(connector.updates) == 1


async def test_the_bot_answers_many_messages_over_one_connector_client(bot_client, connector, teams_app):
    for text in ("status", "help", "status"):
        assert await say(bot_client, connector, text)
    authentication = teams_app.extras["teams"].adapter.bot_framework_authentication
    assert len(authentication._connectors) == 1  # one per app id, service URL and audience, not one per turn

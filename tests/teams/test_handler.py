"""Fast checks of the Teams handler with botbuilder's TestAdapter, and of the pure translation."""

from __future__ import annotations

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.handlers.teams.bot import CadenceTeamsBot
from bot.handlers.teams.translate import to_inbound
from bot.messages import Channel
from tests.teams.conftest import BOT_ID, SAM_AAD, STRANGER_AAD, TENANT


def teams_adapter(bot: CadenceTeamsBot, aad: str | None = SAM_AAD, tenant: str = TENANT,
                  channel: str = "msteams", user_id: str = "29:someone") -> TestAdapter:
    template = Activity(channel_id=channel, service_url="https://smba.example.invalid/emea/",
                        from_property=ChannelAccount(id=user_id, name="Someone", aad_object_id=aad),
                        recipient=ChannelAccount(id=BOT_ID, name="Cadence"),
                        conversation=ConversationAccount(id="a:personal", conversation_type="personal"),
                        channel_data={"tenant": {"id": tenant}})
    return TestAdapter(bot.on_turn, template)


def card_of(activity: Activity) -> dict:
    (attachment,) = activity.attachments
    return attachment.content


async def test_a_known_colleague_starts_a_checkin_and_presses_a_button(teams_app):
    adapter = teams_adapter(CadenceTeamsBot(teams_app))
    await adapter.receive_activity("checkin")
    question = adapter.get_next_activity()
    buttons = card_of(question)["actions"]
    assert [b["title"] for b in buttons] == ["1 Low", "2", "3 OK", "4", "5 Great"]

    await adapter.receive_activity(Activity(type="message", value=buttons[2]["data"]))
    follow_up = adapter.get_next_activity()
    assert "Anything you'd like to add" in follow_up.text
    session = await teams_app.repos.conversations.active_session(teams_app.extras["people"]["sam"].id)
    assert session.state["answers"] == {"mood": 3}


async def test_someone_unknown_gets_the_polite_refusal_and_nothing_is_kept(teams_app):
    adapter = teams_adapter(CadenceTeamsBot(teams_app), aad=STRANGER_AAD)
    await adapter.receive_activity("status")
    reply = adapter.get_next_activity()
    assert "don't recognise your Teams account" in reply.text
    assert adapter.get_next_activity() is None
    assert await teams_app.repos.people.person_by_teams_id(STRANGER_AAD) is None


async def test_another_tenant_is_refused_when_the_tenant_is_set(teams_app):
    adapter = teams_adapter(CadenceTeamsBot(teams_app, tenant_id=TENANT), tenant="another-school-tenant")
    await adapter.receive_activity("status")
    assert "don't recognise your Teams account" in adapter.get_next_activity().text
    same_tenant = teams_adapter(CadenceTeamsBot(teams_app, tenant_id=TENANT))
    await same_tenant.receive_activity("status")
    assert "don't recognise" not in (same_tenant.get_next_activity().text or "")


async def test_adding_the_bot_stores_the_conversation_and_greets(teams_app):
    adapter = teams_adapter(CadenceTeamsBot(teams_app))
    await adapter.receive_activity(Activity(type="conversationUpdate",
                                            members_added=[ChannelAccount(id=BOT_ID)]))
    greeting = adapter.get_next_activity()
    assert greeting.text.startswith("Hi Sam, I'm Cadence")
    sam = teams_app.extras["people"]["sam"]
    reference = await teams_app.repos.conversations.conversation_reference(sam.id, "teams")
    assert reference["conversation"]["id"] == "a:personal"
    assert reference["user"]["aadObjectId"] == SAM_AAD
    assert "activityId" not in reference


def test_a_mention_of_the_bot_is_removed_from_the_text():
    activity = Activity().deserialize({
        "type": "message", "text": "<at>Cadence</at> checkin&nbsp;please",
        "from": {"id": "29:sam", "aadObjectId": SAM_AAD}, "recipient": {"id": BOT_ID},
        "conversation": {"id": "19:meeting"},
        "entities": [{"type": "mention", "text": "<at>Cadence</at>", "mentioned": {"id": BOT_ID}}]})
    inbound = to_inbound(activity)
    assert inbound.text == "checkin please"
    assert inbound.address.channel == Channel.TEAMS and inbound.address.user_id == SAM_AAD
    assert inbound.action is None and not inbound.command


def test_a_form_submission_joins_date_and_time_and_keeps_the_session():
    activity = Activity().deserialize({
        "type": "message", "from": {"id": "29:priya", "aadObjectId": "aad-priya"}, "conversation": {"id": "a:1"},
        "channelData": {"tenant": {"id": TENANT}},
        "value": {"cadence": {"form": "schedule:when", "session_id": 12, "revision": 4, "step": "when"},
                  "when": "2026-12-08", "when__time": "15:30", "minutes": 60, "agenda": "Objectives"}})
    inbound = to_inbound(activity)
    assert inbound.form == {"when": "2026-12-08 15:30", "minutes": "60", "agenda": "Objectives"}
    assert (inbound.action.session_id, inbound.action.revision, inbound.action.step) == (12, 4, "when")
    assert inbound.platform_identity == f"teams:aad-priya@{TENANT}"


def test_a_long_choice_list_reads_the_picked_value_and_menu_buttons_are_commands():
    picked = to_inbound(Activity().deserialize({
        "type": "message", "from": {"id": "29:p"}, "conversation": {"id": "a:1"},
        "value": {"cadence": {"pick": "_cadence_choice", "session_id": 3, "revision": 1, "step": "_subject"},
                  "_cadence_choice": "42"}}))
    assert picked.action.value == "42" and not picked.command
    menu = to_inbound(Activity().deserialize({
        "type": "message", "from": {"id": "29:p"}, "conversation": {"id": "a:1"},
        "value": {"cadence": {"value": "status"}}}))
    assert menu.action.value == "status" and menu.action.session_id is None and menu.command


async def test_in_the_emulator_a_roster_email_as_user_id_is_accepted_only_without_credentials(teams_app):
    jo = "jo.brown@hillside.example"
    strict = teams_adapter(CadenceTeamsBot(teams_app), aad=None, channel="emulator", user_id=jo)
    await strict.receive_activity("status")
    assert "don't recognise" in strict.get_next_activity().text

    trial = teams_adapter(CadenceTeamsBot(teams_app, emulator_emails=True), aad=None, channel="emulator", user_id=jo)
    await trial.receive_activity("status")
    assert "don't recognise" not in (trial.get_next_activity().text or "")
    elsewhere = teams_adapter(CadenceTeamsBot(teams_app, emulator_emails=True), aad=None, user_id="sam.patel@x.example")
    await elsewhere.receive_activity("status")
    assert "don't recognise" in elsewhere.get_next_activity().text  # only the Emulator channel, never Teams

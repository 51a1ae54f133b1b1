"""Slack payloads into the neutral Inbound (pure), from the documented shapes in tests/fixtures/slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from bot.handlers.slack import translate
from bot.messages import Channel
from tests.slack.conftest import fixture


def test_a_dm_becomes_what_the_person_typed() -> None:
    payload = fixture("message_im.json")
    payload["event"]["text"] = "prep for <mailto:jo.brown@hillside.example|jo.brown@hillside.example> &amp; co"
    inbound = translate.from_message_event(payload["event"], payload["team_id"])
    assert inbound is not None
    assert inbound.text == "prep for jo.brown@hillside.example & co"
    assert (inbound.address.channel, inbound.address.user_id, inbound.address.conversation_id) == (
        Channel.SLACK, "U0SAM", "D0SAM")
    assert inbound.platform_identity == "slack:U0SAM@T0CADENCE" and not inbound.command


def test_edits_bot_messages_and_channel_messages_are_not_things_said() -> None:
    event = fixture("message_im.json")["event"]
    assert translate.from_message_event({**event, "subtype": "message_changed"}) is None
    assert translate.from_message_event({**event, "bot_id": "B0BOT"}) is None
    assert translate.from_message_event({**event, "channel_type": "channel"}) is None
    shared = translate.from_message_event({**event, "subtype": "file_share", "text": ""})
    assert shared is not None and shared.text == ""  # answered with help, not silence


def test_the_slash_command_is_an_explicit_command_and_bare_means_help() -> None:
    body = dict(parse_qsl(fixture("slash_command.txt")))
    inbound = translate.from_command(body)
    assert inbound is not None and inbound.text == "status" and inbound.command
    assert translate.from_command({**body, "text": "  "}).text == "help"  # type: ignore[union-attr]
    assert translate.from_command({**body, "command": "/other"}) is None


def test_a_button_carries_its_dialog_state_and_start_buttons_are_commands() -> None:
    payload = fixture("block_actions.json")
    payload["actions"][0]["value"] = translate.encode_value("4", 12, 3, "mood")
    click = translate.from_block_action(payload)
    assert click is not None and click.trigger_id and click.channel_id == "D0SAM"
    assert (click.inbound.action.value, click.inbound.action.session_id, click.inbound.action.revision) == (
        "4", 12, 3)
    assert not click.inbound.command
    payload["actions"][0]["value"] = translate.encode_value("prep")
    assert translate.from_block_action(payload).inbound.command  # type: ignore[union-attr]
    payload["channel"]["id"] = payload["container"]["channel_id"] = "C0GENERAL"  # a copy shared in a channel
    in_channel = translate.from_block_action(payload)
    assert in_channel is not None and in_channel.channel_id is None and in_channel.message_ts is None
    payload["actions"][0]["value"] = "not ours"
    assert translate.from_block_action(payload) is None
    payload["actions"][0].update(action_id="someone_elses_button", value=translate.encode_value("x"))
    assert translate.from_block_action(payload) is None


def test_a_modal_submission_reads_every_kind_of_input() -> None:
    payload = fixture("view_submission.json")
    payload["view"]["private_metadata"] = translate.form_metadata(7, 2, "o1_text", "objectives:o1a", "D0MARK")
    summer = int(datetime(2027, 6, 14, 14, 30, tzinfo=UTC).timestamp())  # 15:30 in London (BST)
    payload["view"]["state"]["values"] = {
        "o1_text": {"o1_text": {"type": "plain_text_input", "value": "Run the club"}},
        "o1_due": {"o1_due": {"type": "datepicker", "selected_date": "2027-07-31"}},
        "when": {"when": {"type": "datetimepicker", "selected_date_time": summer}},
        "agreed": {"agreed": {"type": "static_select", "selected_option": {"value": "yes"}}},
        "notes": {"notes": {"type": "plain_text_input", "value": None}},
        "mins": {"mins": {"type": "number_input", "value": "60"}},
    }
    submission = translate.from_view_submission(payload, "Europe/London")
    assert submission is not None
    assert submission.inbound.address.conversation_id is None  # where to answer is not the form's to say
    assert submission.inbound.form == {"o1_text": "Run the club", "o1_due": "2027-07-31", "when": "2027-06-14 15:30",
                                       "agreed": "yes", "notes": "", "mins": "60"}
    assert (submission.inbound.action.session_id, submission.inbound.action.revision) == (7, 2)


def test_a_modal_that_is_not_ours_or_lost_its_state_is_ignored() -> None:
    payload = fixture("view_submission.json")
    assert translate.from_view_submission(payload) is None  # no session in private_metadata
    payload["view"]["private_metadata"] = json.dumps({"s": 1, "r": 1})
    payload["view"]["callback_id"] = "another_apps_modal"
    assert translate.from_view_submission(payload) is None


def test_every_fixture_has_the_shape_the_door_expects() -> None:
    for name in ("message_im.json", "app_home_opened.json", "block_actions.json", "view_submission.json",
                 "url_verification.json"):
        assert translate.shape_problem(fixture(name)) is None, name
    assert translate.shape_problem(dict(parse_qsl(fixture("slash_command.txt")))) is None

"""Where Cadence answers is never the request's to choose.

A modal's private_metadata round-trips through the client and a button can be clicked on a copy of
the bot's message wherever it was shared: neither may make the bot post into a channel. The answer
goes to the person's own DM, found from the signed payload's user id (conversations.open).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from tests.security.conftest import changed, snapshot
from tests.slack.conftest import JO, SAM, Slack, fixture

GENERAL = "C0GENERAL"  # a public channel of the trust's workspace


async def test_a_stale_form_naming_a_channel_is_answered_in_sams_own_dm(slack: Slack) -> None:
    assert await slack.say(SAM, "help") == 200  # Sam is linked; what follows must change nothing
    before = await snapshot(slack.app)
    payload = fixture("view_submission.json")
    payload["user"]["id"] = SAM
    payload["view"]["private_metadata"] = json.dumps({"s": 1, "r": 7, "k": "o1_text", "f": "objectives:o1a",
                                                      "c": GENERAL})
    payload["view"]["state"] = {"values": {"o1_text": {"o1_text": {"type": "plain_text_input",
                                                                   "value": "Posted for the whole school"}}}}
    status, _ = await slack.post("payload=" + quote(json.dumps(payload), safe=""),
                                 "application/x-www-form-urlencoded")

    assert status == 200
    assert slack.api.messages(GENERAL) == []  # nothing in the channel the form named
    opened = [c["users"] for c in slack.api.called("conversations.open")]
    assert opened and set(opened) == {SAM}  # the DM is Sam's own, by the signed user id
    notice = slack.api.text_of("D0SAM")
    assert "earlier message" in notice  # "this form is from an earlier message", and what to do next
    assert [m["channel"] for m in slack.api.messages()] == ["D0SAM"] * len(slack.api.messages())
    assert changed(before, await snapshot(slack.app)) == []


async def test_a_button_clicked_on_a_copy_in_a_channel_answers_in_the_dm(slack: Slack) -> None:
    assert await slack.say(SAM, "status") == 200
    button = slack.button(SAM, "Prepare")
    slack.api.calls.clear()
    assert await slack.click(SAM, button, channel=GENERAL) == 200

    assert slack.api.messages(GENERAL) == [] and slack.api.called("chat.update") == []
    assert "Have you achieved the objectives set?" in slack.api.text_of("D0SAM")  # his preparation, in his DM


async def test_jo_pressing_a_copy_of_sams_button_changes_nothing_of_sams(slack: Slack) -> None:
    """A button's value names a dialog session; who is acting is the signed user id, never the value."""
    assert await slack.say(JO, "help") == 200  # Jo is linked
    assert await slack.say(SAM, "checkin") == 200
    sams_button, sams_message = slack.button(SAM, "4"), slack.last_message(SAM)
    before = await snapshot(slack.app)
    slack.api.calls.clear()
    payload = fixture("block_actions.json")  # Jo's click, in her DM, on a copy of Sam's question
    payload["user"]["id"] = JO
    payload["channel"]["id"] = payload["container"]["channel_id"] = "D0JO"
    payload["actions"] = [{"action_id": sams_button["action_id"], "block_id": "b1", "text": sams_button["text"],
                           "value": sams_button["value"], "type": "button", "action_ts": "1795428001.000400"}]
    payload["message"].update(ts=sams_message["_ts"], text=sams_message.get("text", ""), blocks=sams_message["blocks"])
    status, _ = await slack.post("payload=" + quote(json.dumps(payload), safe=""), "application/x-www-form-urlencoded")
    assert status == 200

    assert slack.api.called("chat.update") == []  # no message is marked "answered"
    assert [m["channel"] for m in slack.api.messages()] == ["D0JO"] * len(slack.api.messages())
    assert "earlier message" in slack.api.text_of("D0JO")
    assert changed(before, await snapshot(slack.app)) == []  # Sam's check-in is as he left it

"""Only Slack gets in: signatures and timestamps checked, malformed bodies refused with a 4xx, never a 500."""

from __future__ import annotations

import json
import logging
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.slack.conftest import SAM, Slack, fixture


async def test_slack_url_verification_is_answered_with_the_challenge(slack: Slack) -> None:
    status, text = await slack.event(fixture("url_verification.json"))
    assert status == 200 and fixture("url_verification.json")["challenge"] in text


async def test_an_unsigned_request_is_refused_and_nothing_happens(slack: Slack) -> None:
    status, _ = await slack.post(json.dumps(fixture("message_im.json")), signed=False)
    assert status == 401
    assert slack.api.calls == []


async def test_a_request_signed_with_another_secret_is_refused(slack: Slack) -> None:
    body = json.dumps(fixture("message_im.json"))
    from tests.slack.conftest import sign

    status, _ = await slack.post(body, signed=False, headers=sign(body, secret="someone-elses-secret"))
    assert status == 401 and slack.api.calls == []


async def test_a_replayed_request_with_a_stale_timestamp_is_refused(slack: Slack) -> None:
    status, _ = await slack.post(json.dumps(fixture("message_im.json")), timestamp=int(time.time()) - 6 * 60)
    assert status == 401
    assert slack.api.called("chat.postMessage") == []


@pytest.mark.parametrize("body,content_type", [
    ("this is not json {", "application/json"),
    ("{\"type\": \"event_callback\", \"event\": ", "application/json"),
    ("[1, 2, 3]", "application/json"),
    ("\"just a string\"", "application/json"),
    ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    ("payload=%5B%5D", "application/x-www-form-urlencoded"),
    ("hello=world", "application/x-www-form-urlencoded"),
    ("{\"type\": \"event_callback\", \"event\": \"message\"}", "application/json"),
    ("{\"type\": \"block_actions\", \"user\": \"U0SAM\", \"actions\": []}", "application/json"),
    ("{\"type\": \"block_actions\", \"user\": {\"id\": \"U0SAM\"}, \"actions\": \"click\"}", "application/json"),
    ("{\"type\": \"view_submission\", \"user\": {\"id\": \"U0SAM\"}, \"view\": 7}", "application/json"),
    ("{\"type\": 12}", "application/json"),
    ("command=%2Fcadence&text=help", "application/x-www-form-urlencoded"),
])
async def test_a_signed_but_malformed_body_gets_400_and_a_log_line(slack: Slack, body: str, content_type: str,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.handlers.slack.routes")
    status, text = await slack.post(body, content_type)
    assert status == 400, text
    assert "malformed Slack request" in text
    assert any("Refused a signed Slack request" in r.getMessage() for r in caplog.records)
    assert slack.api.called("chat.postMessage") == []


async def test_bytes_that_are_not_utf8_are_refused(slack: Slack) -> None:
    async with slack.http.post(f"{slack.url}/slack/events", data=b"\xff\xfe\x00{",
                               headers={"Content-Type": "application/json"}) as response:
        assert response.status == 401


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["type", "event", "user", "actions", "view", "team", "channel", "command",
                                         "user_id", "challenge", "payload", "text", "id", "value", "action_id",
                                         "private_metadata", "callback_id", "state", "tab"]), inner, max_size=5),
                    max_leaves=12))
async def test_no_signed_body_of_any_shape_gets_a_5xx(slack: Slack, document: object) -> None:
    status, _ = await slack.post(json.dumps(document))
    assert status < 500, document


async def test_slack_routes_answer_404_when_slack_is_not_configured(app) -> None:  # noqa: ANN001
    from aiohttp import ClientSession
    from aiohttp.test_utils import TestServer

    from bot.handlers.web import build_web_app

    server = TestServer(build_web_app(app), host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as http, http.post(str(server.make_url("/slack/events")), data=b"{}") as r:
            assert r.status == 404
        assert "slack" not in app.channels
    finally:
        await server.close()


async def test_sam_is_not_linked_by_a_refused_request(slack: Slack) -> None:
    await slack.post(json.dumps(fixture("message_im.json")), signed=False)
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    assert sam.slack_user_id is None and SAM


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _replace(node: object, path: tuple, value: object) -> object:
    if not path:
        return value
    head, *rest = path
    copy = dict(node) if isinstance(node, dict) else list(node)  # type: ignore[call-overload]
    copy[head] = _replace(copy[head], tuple(rest), value)
    return copy


FUZZ_BASES = [fixture("message_im.json"), fixture("app_home_opened.json"), fixture("block_actions.json"),
              fixture("view_submission.json")]


@settings(max_examples=int(os.environ.get("CADENCE_FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
async def test_real_payloads_with_one_field_broken_never_get_a_5xx(slack: Slack, data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(FUZZ_BASES))
    path = data.draw(st.sampled_from(_paths(base)))
    value = data.draw(st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.just([]) | st.just({})
                      | st.just([None]) | st.just({"id": 5}))
    broken = _replace(base, path, value)
    body = json.dumps(broken)
    if isinstance(broken, dict) and broken.get("type") in ("block_actions", "view_submission"):
        from urllib.parse import quote

        status, _ = await slack.post("payload=" + quote(body, safe=""), "application/x-www-form-urlencoded")
    else:
        status, _ = await slack.post(body)
    assert status < 500, (path, value)


async def test_when_slacks_web_api_is_down_slack_is_asked_to_retry_not_told_we_broke(slack: Slack) -> None:
    slack.api.fail("auth.test", 500)
    message = fixture("message_im.json")
    message["event"]["text"] = "checkin"
    status, text = await slack.post(json.dumps(message))
    assert status == 503 and "unreachable" in text
    status, _ = await slack.post(json.dumps(message), signed=False)
    assert status == 401  # an unsigned request doesn't even make us try
    status, _ = await slack.post(json.dumps(message))  # Slack's retry, once the API is back
    assert status == 200
    assert "How are you feeling" in slack.api.text_of("D0SAM")


def _event(kind: str, **fields: object) -> dict[str, object]:
    return {"type": "event_callback", "team_id": "T0", "api_app_id": "A0", "event_id": f"Ev-{kind}", "event_time": 1,
            "event": {"type": kind, **fields}}


def _interaction(kind: str, **fields: object) -> dict[str, object]:
    return {"type": kind, "user": {"id": SAM, "team_id": "T0"}, "team": {"id": "T0"}, "api_app_id": "A0", **fields}


@pytest.mark.parametrize("payload", [
    _event("app_mention", user=SAM, text="<@UBOT> hello", channel="C0GENERAL", ts="1.1"),
    _event("member_joined_channel", user=SAM, channel="C0GENERAL"),
    _event("tokens_revoked", tokens={"bot": ["UBOT"]}),
    _interaction("view_closed", view={"id": "V1", "callback_id": "someone_elses_form", "type": "modal"}),
    _interaction("shortcut", callback_id="a_shortcut_added_in_settings", trigger_id="1.2"),
    _interaction("block_actions", trigger_id="1.2", container={"type": "message"},
                 actions=[{"action_id": "another_apps_button", "type": "button", "value": "x", "block_id": "b",
                           "action_ts": "1"}]),
], ids=["app_mention", "member_joined_channel", "tokens_revoked", "view_closed", "shortcut", "foreign_button"])
async def test_what_cadence_does_not_act_on_is_acknowledged_so_slack_neither_retries_nor_turns_events_off(
        slack: Slack, payload: dict[str, object]) -> None:
    if payload["type"] == "event_callback":
        status, _ = await slack.event(payload)
    else:
        from urllib.parse import urlencode

        status, _ = await slack.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert status == 200  # Bolt's own answer would be 404 "unhandled request"
    assert slack.api.called("chat.postMessage") == []  # and nobody is messaged about it

"""The attack table: each way in, tried as an attacker would, through the real HTTP doors on 127.0.0.1.

Every row asserts the status code and that nothing in the database changed (every table, every row).
No row may get a 5xx. The retry-to-a-second-worker row, which needs two ``cadence serve`` processes,
is in test_retry_two_workers.py; the identity rows in detail are in test_teams_identity.py and
test_slack_workspace.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.security.conftest import APP_ID, TeamsDoor, changed, snapshot
from tests.slack.conftest import SAM, Slack, fixture, sign

NESTED = b"[" * 100_000 + b"]" * 100_000
TOO_BIG = 1024 * 1024 + 10


@dataclass(frozen=True)
class SlackRow:
    case: str
    status: int
    body: Callable[[], bytes]
    headers: Callable[[bytes], dict[str, str]]


def _message(text: str = "status", **event: Any) -> bytes:
    payload = fixture("message_im.json")
    payload["event"].update(text=text, **event)
    return json.dumps(payload).encode()


def _signed(body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json", **sign(body.decode("utf-8", "replace"))}


def _signed_bytes(body: bytes, content_type: str = "application/json") -> dict[str, str]:
    """Signed over the exact bytes (for bodies that are not UTF-8)."""
    import hashlib
    import hmac

    from tests.slack.conftest import SECRET

    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _with(**extra: str) -> Callable[[bytes], dict[str, str]]:
    def headers(body: bytes) -> dict[str, str]:
        return {**_signed(body), **extra}

    return headers


def _without(name: str) -> Callable[[bytes], dict[str, str]]:
    def headers(body: bytes) -> dict[str, str]:
        signed = _signed(body)
        signed.pop(name)
        return signed

    return headers


def _view_submission(*drop: str, **view: Any) -> bytes:
    payload = fixture("view_submission.json")
    payload["view"].update(view)
    for key in drop:
        payload["view"].pop(key, None)
    return ("payload=" + quote(json.dumps(payload), safe="")).encode()


def _datetime_submission() -> bytes:
    payload = fixture("view_submission.json")
    payload["view"]["private_metadata"] = json.dumps({"s": 1, "r": 1, "k": "when", "f": "x", "c": "D0SAM"})
    payload["view"]["state"] = {"values": {"when": {"a": {"type": "datetimepicker", "selected_date_time": 1e20}}}}
    return ("payload=" + quote(json.dumps(payload), safe="")).encode()


def _form(body: bytes) -> dict[str, str]:
    return {**_signed(body), "Content-Type": "application/x-www-form-urlencoded"}


SLACK_TABLE = [
    SlackRow("unsigned", 401, _message, lambda body: {"Content-Type": "application/json"}),
    SlackRow("forged (another secret)", 401, _message,
             lambda body: {"Content-Type": "application/json", **sign(body.decode(), secret="not-ours")}),
    SlackRow("stale timestamp (6 minutes old)", 401, _message,
             lambda body: {"Content-Type": "application/json", **sign(body.decode(), int(time.time()) - 360)}),
    SlackRow("timestamp not a number", 401, _message, _with(**{"X-Slack-Request-Timestamp": "abc"})),
    SlackRow("timestamp empty", 401, _message, _with(**{"X-Slack-Request-Timestamp": ""})),
    SlackRow("timestamp missing", 401, _message, _without("X-Slack-Request-Timestamp")),
    SlackRow("timestamp with a sign", 401, _message, _with(**{"X-Slack-Request-Timestamp": "-1"})),
    SlackRow("signature missing", 401, _message, _without("X-Slack-Signature")),
    SlackRow("oversize (over 1 MB)", 413, lambda: _message("x" * TOO_BIG), _signed),
    SlackRow("deeply nested JSON, signed", 400, lambda: NESTED, _signed_bytes),
    SlackRow("deeply nested JSON, unsigned", 401, lambda: NESTED, lambda body: {"Content-Type": "application/json"}),
    SlackRow("not UTF-8, signed over its bytes (Slack sends UTF-8 only: unverifiable)", 401, lambda: b"\xff\xfe{\"type\": \"event_callback\"}", _signed_bytes),
    SlackRow("wrong content type (text/plain)", 400, _message, _with(**{"Content-Type": "text/plain"})),
    SlackRow("a view submission whose view has no type", 400, lambda: _view_submission("type"), _form),
    SlackRow("a view submission whose view type is null", 400, lambda: _view_submission(type=None), _form),
    SlackRow("a date-time input of 1e20", 200, _datetime_submission, _form),
]


@pytest.mark.parametrize("row", SLACK_TABLE, ids=[row.case for row in SLACK_TABLE])
async def test_slack_door(slack: Slack, row: SlackRow) -> None:
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    await slack.app.repos.people.link_platform_id(sam.id, "slack", SAM)  # Sam has written before: no first-contact link
    before = await snapshot(slack.app)
    body = row.body()
    async with slack.http.post(f"{slack.url}/slack/events", data=body, headers=row.headers(body)) as response:
        status = response.status
    await slack.runtime.idle()
    assert status == row.status, row.case
    assert changed(before, await snapshot(slack.app)) == []
    assert slack.api.called("chat.postMessage") == [] or row.status == 200


async def test_slack_replay_of_a_taken_event_changes_nothing(slack: Slack) -> None:
    """The same signed event sent again (inside the 5-minute window, freshly signed): taken once."""
    body = _message("prep", user=SAM)
    assert (await slack.post(body.decode()))[0] == 200
    before, posted = await snapshot(slack.app), len(slack.api.messages())
    for retry in ({}, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}):
        status, _ = await slack.post(body.decode(), headers=retry)
        assert status == 200
    assert changed(before, await snapshot(slack.app)) == []
    assert len(slack.api.messages()) == posted


# --- Teams ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamsRow:
    case: str
    status: int
    send: Callable[[TeamsDoor], Any]


def _activity(door: TeamsDoor, **extra: Any) -> dict[str, Any]:
    return door.activity("status", **extra)


async def _post_raw(door: TeamsDoor, body: bytes, content_type: str = "application/json") -> tuple[int, str]:
    return await door.post(body, content_type=content_type)


def _no_tenant(door: TeamsDoor) -> Any:
    body = _activity(door)
    body["conversation"].pop("tenantId")
    body.pop("channelData")
    return door.post(body)


def _other_tenant(door: TeamsDoor) -> Any:
    body = _activity(door, channelData={"tenant": {"id": "another-trust-tenant"}})
    body["conversation"]["tenantId"] = "another-trust-tenant"
    return door.post(body)


def _other_key(door: TeamsDoor) -> Any:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return door.post(_activity(door), token=door.framework.token(door.connector.url, key=stranger))


TEAMS_TABLE = [
    TeamsRow("no token", 401, lambda d: d.post(_activity(d), token=None)),
    TeamsRow("not a JWT", 401, lambda d: d.post(_activity(d), token="not-a-jwt")),
    TeamsRow("forged (signed by another key)", 401, _other_key),
    TeamsRow("stale (expired an hour ago)", 401,
             lambda d: d.post(_activity(d), token=d.framework.token(d.connector.url, expires_in=-3600))),
    TeamsRow("for another bot (audience)", 401,
             lambda d: d.post(_activity(d), token=d.framework.token(d.connector.url, audience="another-bot"))),
    TeamsRow("for another service URL", 401,
             lambda d: d.post(_activity(d), token=d.framework.token("https://smba.attacker.example/"))),
    TeamsRow("oversize (over 1 MB)", 413, lambda d: d.post(d.activity("x" * TOO_BIG))),
    TeamsRow("deeply nested JSON", 400, lambda d: _post_raw(d, NESTED)),
    TeamsRow("not UTF-8", 400, lambda d: _post_raw(d, b"\xff\xfe{\"type\": \"message\"}")),
    TeamsRow("wrong content type", 400, lambda d: _post_raw(d, json.dumps(_activity(d)).encode(), "text/plain")),
    TeamsRow("other channel (Direct Line), from.id set to Sam's object id", 403,
             lambda d: d.post(_activity(d, aad=None, user_id=APP_ID, channelId="directline"))),
    TeamsRow("no tenant", 403, _no_tenant),
    TeamsRow("other tenant (polite refusal in chat)", 202, _other_tenant),
    TeamsRow("an invoke Cadence does not handle", 200,
             lambda d: d.post(_activity(d, kind="invoke", name="composeExtension/query", value={"x": 1}))),
]


@pytest.mark.parametrize("row", TEAMS_TABLE, ids=[row.case for row in TEAMS_TABLE])
async def test_teams_door(teams: TeamsDoor, row: TeamsRow) -> None:
    before = await snapshot(teams.app)
    status, text = await row.send(teams)
    assert status == row.status, (row.case, text)
    assert changed(before, await snapshot(teams.app)) == []
    assert "botframework.com" not in text and "Traceback" not in text  # no internals in what is answered


async def test_teams_replay_of_an_activity_changes_nothing(teams: TeamsDoor) -> None:
    body = teams.activity("prep")
    assert (await teams.post(body))[0] == 202
    before, sent = await snapshot(teams.app), len(teams.connector.sent)
    status, _ = await teams.post(body)
    assert status == 202
    assert changed(before, await snapshot(teams.app)) == []
    assert len(teams.connector.sent) == sent


async def test_a_900_kb_message_is_not_echoed_back(teams: TeamsDoor) -> None:
    """Was: "I couldn't find a colleague called “xxxx…”" quoting all of it, some 130 Teams messages."""
    await teams.post(teams.activity("hello"))  # Sam's chat is known
    before = await snapshot(teams.app)
    for command in ("export", "status", "objectives"):
        teams.connector.sent.clear()
        status, _ = await teams.post(teams.activity(f"{command} " + "x" * 900_000))
        assert status == 202
        assert len(teams.connector.sent) == 1, command
        assert len(teams.connector.sent[0].words) < 1000 and "couldn't find" in teams.connector.sent[0].words
    assert changed(before, await snapshot(teams.app)) == ["inbound_event"]  # only the activities' ids


async def test_teams_the_same_activity_to_a_second_worker_is_applied_once(teams: TeamsDoor) -> None:
    """A second ``cadence serve`` app on the same database (in this process: the claim is in the database,
    not in either app's memory) gets the activity the first already took."""
    from aiohttp.test_utils import TestServer

    from bot.app import build_app
    from bot.handlers.web import build_web_app

    second = build_app(teams.app.settings, clock=teams.app.clock)
    server = TestServer(build_web_app(second), host="127.0.0.1")
    await server.start_server()
    try:
        other = TeamsDoor(second, teams.framework, teams.connector, str(server.make_url("")).rstrip("/"), teams.http)
        body = teams.activity("prep")
        assert (await teams.post(body))[0] == 202
        before, sent = await snapshot(teams.app), len(teams.connector.sent)
        assert (await other.post(body))[0] == 202
        assert changed(before, await snapshot(teams.app)) == []
        assert len(teams.connector.sent) == sent
    finally:
        await server.close()
        await second.close()

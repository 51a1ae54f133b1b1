"""Whatever Slack or Teams (or someone pretending to be them) sends, the payload parsers give back an
Inbound or None, never an exception; and over HTTP no such request gets a 5xx or changes a record.

The documents are real payload shapes with any field replaced by any JSON value, and arbitrary
JSON. Slack's door over HTTP is fuzzed in tests/slack/test_door.py; Teams' is fuzzed here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.standin_teams import ConnectorStandIn
from bot.handlers.slack import translate as slack
from bot.handlers.teams import translate as teams
from bot.handlers.teams.routes import problem_with
from bot.messages import Inbound
from tests.badinput.conftest import BOUNDED, Demo

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) |
                    st.sampled_from(["", "²", "9" * 5000, "-", "U1", "cadence_choice_1", '{"v":"1","s":"²"}',
                                     "<@U1>", "&amp;", "/cadence"]) | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=12)

SLACK_SHAPES: dict[str, dict[str, Any]] = {
    "message": {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "text": "status",
                "team": "T1", "ts": "1.0"},
    "command": {"command": "/cadence", "text": "prep", "user_id": "U1", "team_id": "T1", "channel_id": "D1",
                "trigger_id": "t"},
    "block_actions": {"type": "block_actions", "user": {"id": "U1", "team_id": "T1"}, "team": {"id": "T1"},
                      "trigger_id": "t", "channel": {"id": "D1"}, "container": {"channel_id": "D1"},
                      "actions": [{"action_id": "cadence_choice_1", "value": '{"v":"3","s":1,"r":2,"k":"mood"}'}]},
    "view_submission": {"type": "view_submission", "user": {"id": "U1"}, "team": {"id": "T1"},
                        "view": {"callback_id": "cadence_form", "private_metadata": '{"s":1,"r":2,"k":"a","f":"x","c":"D1"}',
                                 "state": {"values": {"mood": {"in": {"type": "plain_text_input", "value": "3"}},
                                                      "when": {"in": {"type": "datepicker",
                                                                      "selected_date": "2026-12-01"}}}}}},
}
TEAMS_SHAPE: dict[str, Any] = {
    "type": "message", "id": "1", "timestamp": "2026-11-23T10:00:00.000Z", "serviceUrl": "http://127.0.0.1:9/",
    "channelId": "msteams", "from": {"id": "29:sam", "aadObjectId": "00000000-0000-4000-8000-00000000005a"},
    "recipient": {"id": "28:bot"}, "conversation": {"id": "a:sam", "conversationType": "personal"},
    "channelData": {"tenant": {"id": "t"}}, "text": "status",
    "value": {"cadence": {"session_id": 1, "revision": 2, "step": "mood", "value": "3"}},
}


@st.composite
def broken(draw, shape: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """The shape with one field anywhere in it replaced by any JSON value (or removed)."""
    doc = copy.deepcopy(shape)
    paths: list[list[Any]] = []

    def walk(node: Any, path: list[Any]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append([*path, key])
                walk(value, [*path, key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                paths.append([*path, i])
                walk(value, [*path, i])

    walk(doc, [])
    path = draw(st.sampled_from(paths))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON)
    return doc


def _inbound_or_none(result: Any) -> None:
    assert result is None or isinstance(result, Inbound | slack.Click | slack.Submission)


@BOUNDED
@given(data=st.data())
def test_any_slack_payload_translates_to_an_inbound_or_to_nothing(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(SLACK_SHAPES)))
    doc = data.draw(st.one_of(broken(SLACK_SHAPES[kind]), JSON))
    body = doc if isinstance(doc, dict) else {"payload": doc}
    problem = slack.shape_problem(doc)
    assert problem is None or (isinstance(problem, str) and problem)  # a reason a person can read
    slack.decode_value(doc)
    _inbound_or_none(slack.from_message_event(body, "T1"))
    _inbound_or_none(slack.from_command(body))
    _inbound_or_none(slack.from_block_action(body))
    _inbound_or_none(slack.from_view_submission(body))


def _activity(doc: dict[str, Any]) -> Any:
    from botbuilder.schema import Activity

    return Activity().deserialize(doc)


@BOUNDED
@given(doc=broken(TEAMS_SHAPE))
def test_any_teams_activity_the_door_lets_through_translates_to_an_inbound(doc: dict[str, Any]) -> None:
    if problem_with(doc) is not None:
        return
    try:
        activity = _activity(doc)
    except Exception:  # noqa: BLE001 - the route answers 400 for what msrest cannot read
        return
    inbound = teams.to_inbound(activity)
    assert isinstance(inbound, Inbound)


def test_a_teams_card_with_a_superscript_or_huge_session_number_is_not_a_crash() -> None:
    for raw in ("²", "9" * 5000, "-", "1.5"):
        doc = copy.deepcopy(TEAMS_SHAPE)
        doc["value"]["cadence"]["session_id"] = raw
        inbound = teams.to_inbound(_activity(doc))
        assert inbound.action is not None and inbound.action.session_id is None


@pytest.fixture(scope="module")
def teams_door(demo: Demo) -> Iterator[tuple[TestClient, str]]:
    """Cadence's web app and a stand-in Bot Connector, both on 127.0.0.1, for the whole module."""
    from bot.handlers.web import build_web_app

    async def start() -> tuple[TestServer, TestClient]:
        connector = TestServer(ConnectorStandIn().web_app(), host="127.0.0.1")
        client = TestClient(TestServer(build_web_app(demo.app), host="127.0.0.1"))
        await connector.start_server()
        await client.start_server()
        return connector, client

    connector, client = demo.run(start())
    yield client, f"http://127.0.0.1:{connector.port}/"
    demo.run(client.close())
    demo.run(connector.close())


@settings(BOUNDED, max_examples=40)
@given(doc=st.one_of(broken(TEAMS_SHAPE), JSON))
def test_no_teams_request_of_any_shape_gets_a_5xx_or_changes_a_record(demo: Demo, teams_door, doc: Any) -> None:
    client, service_url = teams_door

    async def post() -> int:
        response = await client.post("/api/messages", data=json.dumps(doc),
                                     headers={"Content-Type": "application/json"})
        return response.status

    if isinstance(doc, dict):
        if "serviceUrl" in doc:
            doc["serviceUrl"] = service_url  # replies go to the stand-in connector on this machine
        sender = doc.get("from")
        if isinstance(sender, dict) and sender.get("aadObjectId"):
            sender["aadObjectId"] = "not-on-the-roster"  # a stranger: nothing may be stored for them
    before = demo.snapshot()
    status = demo.run(post())
    assert status < 500, (status, doc)
    assert demo.snapshot() == before

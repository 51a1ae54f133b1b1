"""Socket Mode (CADENCE_SLACK_APP_TOKEN): the same conversation over a WebSocket, with no public URL.

Slack is played by a local stand-in that speaks the Socket Mode envelope protocol (hello, envelopes,
acknowledgements by envelope_id); real Slack was not available to test against.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FixedClock
from tests.slack.conftest import SAM, Slack, StandIn, _slack, fixture


@pytest.fixture
async def socket_slack(db_url: str, clock: FixedClock, standin: StandIn, demo_db: Path) -> AsyncIterator[Slack]:
    async for harness in _slack(db_url, clock, standin, demo_db, slack_app_token="xapp-test-not-a-token"):
        yield harness


async def test_sam_checks_in_over_socket_mode(socket_slack: Slack) -> None:
    api = socket_slack.api
    event = fixture("message_im.json")
    event["event"]["text"] = "checkin"
    ack = await api.push("events_api", event, "env-1")
    assert ack == {"envelope_id": "env-1"}
    [opened] = [c for c in api.calls if c.method == "apps.connections.open"]
    assert opened.token == "Bearer xapp-test-not-a-token"  # the app-level token, not the bot token
    await socket_slack.runtime.idle()
    assert "How are you feeling this week" in api.text_of("D0SAM")

    click = fixture("block_actions.json")
    button = socket_slack.button(SAM, "4")
    click["actions"] = [{"action_id": button["action_id"], "block_id": "b1", "text": button["text"],
                         "value": button["value"], "type": "button", "action_ts": "1795428001.000400"}]
    await api.push("interactive", click, "env-2")
    await socket_slack.runtime.idle()
    assert "Anything you'd like to add" in api.text_of("D0SAM")


async def test_a_failed_socket_connection_is_retried_and_the_server_keeps_serving(
        db_url: str, clock: FixedClock, standin: StandIn, demo_db: Path) -> None:
    standin.fail("apps.connections.open", 500, times=1)
    from bot.handlers.slack import routes

    original = routes.add_socket_mode
    routes.add_socket_mode = lambda web_app, runtime, token: original(web_app, runtime, token, ping_interval=0.2)
    try:
        async for harness in _slack(db_url, clock, standin, demo_db, slack_app_token="xapp-test-not-a-token"):
            async with harness.http.get(f"{harness.url}/healthz") as response:
                assert response.status == 200
            event = fixture("message_im.json")
            event["event"]["text"] = "help"
            assert await standin.push("events_api", event, "env-after-retry") == {"envelope_id": "env-after-retry"}
            assert len([c for c in standin.calls if c.method == "apps.connections.open"]) >= 2
    finally:
        routes.add_socket_mode = original


async def test_an_event_from_another_workspace_over_socket_mode_is_refused_and_stores_nothing(
        socket_slack: Slack) -> None:
    """Socket Mode takes the same workspace pin as HTTP: someone in another workspace where the app is
    installed, whose Slack profile has Sam's email, is not linked to Sam and sees nothing."""
    from urllib.parse import parse_qsl

    from tests.security.conftest import changed, snapshot
    from tests.security.test_slack_workspace import IMPOSTOR, from_other_workspace

    api = socket_slack.api
    api.users[IMPOSTOR] = "sam.patel@hillside.example"
    before = await snapshot(socket_slack.app)
    assert await api.push("events_api", from_other_workspace("status", "EvOTHERSOCKET"), "env-other") == {
        "envelope_id": "env-other"}  # acknowledged: Slack neither redelivers it nor counts a failure
    command = dict(parse_qsl(fixture("slash_command.txt")))
    command.update(team_id="T0OTHER", user_id=IMPOSTOR, text="status")
    refusal = await api.push("slash_commands", command, "env-other-command")
    await socket_slack.runtime.idle()

    assert "only in the trust's own Slack workspace" in refusal["payload"]["text"]  # said politely, to them only
    assert api.called("users.info") == [] and api.messages() == []
    assert changed(before, await snapshot(socket_slack.app)) == []

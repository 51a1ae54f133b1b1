"""The database goes away for a moment: /healthz says so, people are asked to try again, and the
service comes back by itself when the database does, with nothing lost.

A real PostgreSQL server of the test's own is stopped under a running ``cadence serve`` web app
(build_web_app on 127.0.0.1) and started again; Slack clicks are signed the Slack way and Teams
messages are Bot Framework activities, answered through the local stand-ins.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bench import pg
from bench.slack_path import SECRET, home_click, signed
from bench.standin_slack import SlackStandIn, start_standin
from bench.standin_teams import ConnectorStandIn
from bench.teams_path import message
from bot.app import App, build_app
from bot.clock import FixedClock
from bot.handlers.web import build_web_app
from tests.conftest import TODAY, make_settings
from tests.resilience.conftest import eventually, needs_postgres

pytestmark = pytest.mark.postgres

SAM = "sam.patel@hillside.example"
SAM_SLACK, SAM_AAD = "USAM0001", "00000000-0000-4000-8000-00000000005a"


@pytest.fixture
async def outage() -> AsyncIterator[dict[str, Any]]:
    needs_postgres()
    server = pg.PgServer()
    server.start()
    slack = SlackStandIn(users={SAM_SLACK: SAM})
    slack_runner, api = await start_standin(slack)
    connector = ConnectorStandIn()
    connector_server = TestServer(connector.web_app(), host="127.0.0.1")
    await connector_server.start_server()
    app: App | None = None
    client: TestClient | None = None
    try:
        url = pg.create_database(server.url, "outage")
        app = build_app(make_settings(url, slack_bot_token="xoxb-test-not-a-token", slack_signing_secret=SECRET,
                                      slack_api_url=api, teams_emulator=True), clock=FixedClock(TODAY))
        await app.ensure_schema()
        from bot.demo import seed_demo

        await seed_demo(app)
        sam = await app.repos.people.person_by_email(SAM)
        await app.repos.people.link_platform_id(sam.id, "slack", SAM_SLACK)
        await app.repos.people.link_platform_id(sam.id, "teams", SAM_AAD)
        client = TestClient(TestServer(build_web_app(app), host="127.0.0.1"))
        await client.start_server()
        yield {"server": server, "app": app, "client": client, "slack": slack,
               "connector": connector, "service_url": f"http://127.0.0.1:{connector_server.port}/"}
    finally:
        if client is not None:
            await client.close()
        if app is not None:
            await app.close()
        await connector_server.close()
        await slack_runner.cleanup()
        server.remove()


async def click(client: TestClient) -> int:
    body = home_click(SAM_SLACK, "status")
    response = await client.post("/slack/events", data=body, headers=signed(body))
    return response.status


async def teams_says(env: dict[str, Any], text: str) -> int:
    response = await env["client"].post("/api/messages", data=message(env["service_url"], SAM_AAD, text),
                                        headers={"Content-Type": "application/json"})
    return response.status


async def test_while_the_database_is_down_health_is_503_and_people_are_asked_to_try_again(outage) -> None:
    client, slack, connector = outage["client"], outage["slack"], outage["connector"]
    assert (await client.get("/healthz")).status == 200
    before = await outage["app"].repos.people.all_people()

    outage["server"].stop()

    response = await client.get("/healthz")
    assert response.status == 503 and (await response.json())["status"] == "unavailable"
    # Slack: the click is acknowledged in time, then Sam is told plainly to try again
    assert await click(client) == 200
    assert await eventually(lambda: _has(slack.posted, "try again"), timeout=20)
    # Teams: acknowledged (no 5xx), then Sam is told to try again
    assert await teams_says(outage, "status") < 500
    assert await eventually(lambda: _sent(connector, "try again"), timeout=20), connector.sent

    outage["server"].start()

    async def healthy() -> bool:
        return (await client.get("/healthz")).status == 200

    assert await eventually(healthy, timeout=20), "the service did not recover by itself"
    slack.posted.clear()
    connector.sent.clear()
    assert await click(client) == 200
    assert await eventually(lambda: _has(slack.posted, "Stage"), timeout=20), slack.posted
    assert await teams_says(outage, "status") < 300
    assert await eventually(lambda: _sent(connector, "Stage"), timeout=20), connector.sent
    assert not await _sent(connector, "try again")
    after = await outage["app"].repos.people.all_people()
    assert [(p.id, p.email, p.updated_at) for p in after] == [(p.id, p.email, p.updated_at) for p in before]


async def _sent(connector: ConnectorStandIn, words: str) -> bool:
    return any(words.lower() in json.dumps(body).lower() for _, body in connector.sent)


async def _has(posted: list[tuple[str, str, float]], words: str) -> bool:
    return any(words.lower() in text.lower() for _, text, _ in posted)

"""Microsoft's signing keys are fetched without stalling the server, once, and an outage is a 401.

botbuilder fetched them with a blocking ``requests.get`` and no timeout inside the event loop that
also serves Slack and /healthz: while login.botframework.com was slow, nothing else was answered.
"""

from __future__ import annotations

import asyncio

import aiohttp

from tests.security.conftest import TeamsDoor, changed, snapshot

GUARD = aiohttp.ClientTimeout(total=30)  # only so that a stalled server fails the test instead of hanging it


async def test_while_the_keys_are_being_fetched_other_requests_are_answered(teams: TeamsDoor) -> None:
    teams.framework.gate = asyncio.Event()
    waiting = asyncio.create_task(teams.post(teams.activity("status")))
    while teams.framework.fetches == 0:  # the Teams request is now waiting on the slow metadata
        await asyncio.sleep(0.01)
    async with teams.http.get(f"{teams.url}/healthz", timeout=GUARD) as response:
        assert response.status == 200
    assert not waiting.done()
    teams.framework.gate.set()
    status, _ = await asyncio.wait_for(waiting, 30)
    assert status == 202


async def test_the_keys_are_fetched_once_for_many_requests(teams: TeamsDoor) -> None:
    for text in ("status", "help", "status"):
        assert (await teams.post(teams.activity(text)))[0] == 202
    assert teams.framework.fetches == 1


async def test_when_microsoft_cannot_be_reached_the_request_is_a_401_saying_nothing_of_why(teams: TeamsDoor) -> None:
    teams.framework.down = True
    before = await snapshot(teams.app)
    status, text = await teams.post(teams.activity("status"))
    assert status == 401 and text == '{"error": "unauthorized"}'
    assert changed(before, await snapshot(teams.app)) == [] and teams.connector.sent == []

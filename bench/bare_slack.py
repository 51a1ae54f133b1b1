"""Baseline for the Slack path: a bare slack-bolt AsyncApp on aiohttp that only acknowledges.

It checks the same v0 signature as Cadence (Bolt's request verification) and acks every
block_actions, slash command and event, doing nothing else. Run as
``python -m bench.bare_slack PORT SIGNING_SECRET API_URL`` (API_URL: the stand-in Slack, for
Bolt's one auth.test); GET /healthz answers 200 once it listens.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build(secret: str, api_url: str) -> web.Application:
    # Bolt checks the token once with auth.test on the first request: the stand-in Slack answers it
    client = AsyncWebClient(token="xoxb-test-not-a-token", base_url=api_url)
    bolt = AsyncApp(client=client, signing_secret=secret, process_before_response=True)  # as Cadence runs it

    @bolt.action(re.compile(".*"))
    async def on_action(ack: Any) -> None:
        await ack()

    @bolt.command(re.compile(".*"))
    async def on_command(ack: Any) -> None:
        await ack()

    @bolt.event(re.compile(".*"))
    async def on_event(ack: Any) -> None:
        await ack()

    web_app = bolt.web_app(path="/slack/events")

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    web_app.router.add_get("/healthz", healthz)
    return web_app


def main() -> None:
    web.run_app(build(sys.argv[2], sys.argv[3]), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()

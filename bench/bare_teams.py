"""Baseline for the Teams path: a bare botbuilder ActivityHandler that only replies.

A CloudAdapter without app credentials (the Emulator's unauthenticated mode: Cadence's side of
the benchmark runs the same way) and an ActivityHandler whose on_message_activity sends one text
reply through the connector named by the activity's serviceUrl (the stand-in on 127.0.0.1).
Run as ``python -m bench.bare_teams PORT``; GET /healthz answers 200 once it listens.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication


@dataclass
class _Config:
    APP_ID: str = ""
    APP_PASSWORD: str = ""
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str = ""


class EchoBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text("ok"))


def build() -> web.Application:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    web.run_app(build(), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()

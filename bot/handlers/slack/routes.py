"""POST /slack/events: events, interactivity and slash commands on one URL; Socket Mode when asked.

Bolt checks the signature (v0 HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing secret,
timestamp within five minutes) and answers 401 when it fails. Bolt does not guard the door
against bodies it cannot parse (a signed body that is not JSON or a form makes it answer 500),
so this route reads the body first: anything that isn't a Slack event, interaction or command
gets 401 if it is unsigned and 400 with a log line if it is signed. A 5xx from here is our bug.

With CADENCE_SLACK_APP_TOKEN set, the same Bolt app also runs over Socket Mode (slack_bolt's
aiohttp AsyncSocketModeHandler), started and stopped with the web server.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_sdk.signature import SignatureVerifier

from bot.app import App
from bot.handlers.slack import translate
from bot.handlers.slack.runtime import SlackRuntime, install

log = logging.getLogger(__name__)

PATH = "/slack/events"
# events come as JSON; interactivity and slash commands as a form (https://api.slack.com/apis/events-api)
SLACK_CONTENT_TYPES = frozenset({"application/json", "application/x-www-form-urlencoded"})
SOCKET_KEY: web.AppKey[Any] = web.AppKey("cadence_slack_socket", object)


def add_routes(web_app: web.Application, app: App) -> None:
    runtime = install(app)
    secret = app.settings.slack_signing_secret

    async def not_configured(request: web.Request) -> web.Response:
        return web.json_response({"error": "Slack is not configured on this server"}, status=404)

    if runtime is None or not secret:
        web_app.router.add_post(PATH, not_configured)
    else:
        web_app.router.add_post(PATH, events_handler(runtime, secret))
    if runtime is not None and app.settings.slack_app_token:
        add_socket_mode(web_app, runtime, app.settings.slack_app_token)


def events_handler(runtime: SlackRuntime, secret: str):  # noqa: ANN201 - an aiohttp handler
    verifier = SignatureVerifier(secret)

    async def slack_events(request: web.Request) -> web.Response:
        async with runtime.work.acking():
            return await answer(request)

    async def answer(request: web.Request) -> web.Response:
        if not _timestamp_is_integer(request.headers.get("X-Slack-Request-Timestamp")):
            # slack_sdk's SignatureVerifier (ours and Bolt's) calls int() on it unguarded: a 500 otherwise
            log.warning("Refused a Slack request to %s: X-Slack-Request-Timestamp missing or not an integer", PATH)
            return web.json_response({"error": "invalid request"}, status=401)
        if request.content_type not in SLACK_CONTENT_TYPES:
            log.warning("Refused a Slack request to %s: content type %s is not one Slack sends", PATH,
                        request.content_type[:80])
            return web.json_response({"error": "unsupported content type"}, status=400)
        raw = await request.read()
        problem: str | None
        bolt_request = None
        try:
            bolt_request = await to_bolt_request(request)
            problem = translate.shape_problem(bolt_request.body)
        except Exception as error:  # json/UTF-8/context errors: the body is not one of Slack's
            problem = f"unreadable body ({error.__class__.__name__})"
        if problem is not None or bolt_request is None:
            if not verifier.is_valid(*_signed_parts(request, raw)):
                return web.json_response({"error": "invalid request"}, status=401)
            log.warning("Refused a signed Slack request to %s: %s (%d bytes, content-type %s)",
                        PATH, problem, len(raw), request.headers.get("Content-Type", "-"))
            return web.json_response({"error": f"malformed Slack request: {problem}"}, status=400)
        needs_api = bolt_request.body.get("type") != "url_verification" and "ssl_check" not in bolt_request.body
        if needs_api and not runtime.checked and verifier.is_valid(*_signed_parts(request, raw)):
            if not await runtime.reachable():
                # we could not answer anyway; 503 makes Slack retry later (a 5xx that is not our bug)
                return web.json_response({"error": "Slack Web API unreachable; try again"}, status=503)
        response = await runtime.bolt.async_dispatch(bolt_request)
        if response.status >= 500:
            log.error("Bolt answered %s to a well-formed Slack request; this is a bug", response.status)
        return await to_aiohttp_response(response)

    return slack_events


def _timestamp_is_integer(value: str | None) -> bool:
    """Slack's timestamp is whole seconds since the epoch: plain ASCII digits, nothing else."""
    return value is not None and 0 < len(value) <= 12 and value.isascii() and value.isdigit()


def _signed_parts(request: web.Request, raw: bytes) -> tuple[str, str, str]:
    """What SignatureVerifier.is_valid takes. Slack sends UTF-8 only, and slack_sdk decodes strictly
    (a UnicodeDecodeError, hence a 500, on other bytes): a body that is not UTF-8 cannot be verified
    as Slack's, so it gets a signature that matches nothing (401)."""
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "", request.headers.get("X-Slack-Request-Timestamp", "0"), ""
    return body, request.headers.get("X-Slack-Request-Timestamp", "0"), request.headers.get("X-Slack-Signature", "")


def add_socket_mode(web_app: web.Application, runtime: SlackRuntime, app_token: str,
                    ping_interval: float = 10.0) -> None:
    """Socket Mode: Slack pushes the same payloads over a WebSocket; no public URL needed.

    The connection is made in the background: slack_sdk's client keeps retrying a failed connect
    (every ``ping_interval`` seconds, logging each failure) and reconnects a dropped session, and
    meanwhile /healthz and Teams keep serving.
    """

    async def connect(handler: Any) -> None:
        while True:
            try:
                await handler.connect_async()
                log.info("Slack Socket Mode connected")
                return
            except Exception as error:  # noqa: BLE001 - any failure: say so and try again
                log.error("Slack Socket Mode could not connect (%s: %s); retrying in %.0f s",
                          error.__class__.__name__, error, ping_interval)
                await asyncio.sleep(ping_interval)

    async def start(_: web.Application) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(runtime.bolt, app_token, web_client=runtime.client,
                                         ping_interval=ping_interval)
        web_app[SOCKET_KEY] = (handler, asyncio.create_task(connect(handler)))

    async def stop(_: web.Application) -> None:
        entry = web_app.get(SOCKET_KEY)
        if entry is not None:
            handler, task = entry
            task.cancel()
            await handler.close_async()

    web_app.on_startup.append(start)
    web_app.on_cleanup.append(stop)

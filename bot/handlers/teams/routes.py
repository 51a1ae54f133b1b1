"""POST /api/messages: the Bot Framework endpoint, guarded before the CloudAdapter sees anything.

Authentication: with ``CADENCE_TEAMS_APP_ID`` and ``CADENCE_TEAMS_APP_PASSWORD`` set, every request
must carry a Bot Framework JWT that the SDK validates (ConfigurationBotFrameworkAuthentication);
anything else is refused with 401. With ``CADENCE_TEAMS_TENANT_ID`` set too, the app is treated as a
single-tenant Entra app (the kind Azure creates for new bots) and messages from other tenants get the
polite refusal. With no app id the endpoint answers 404 (Teams is not configured), unless
``CADENCE_TEAMS_EMULATOR`` is set: then it runs unauthenticated, as the Bot Framework Emulator
expects, takes requests from this machine only (127.0.0.1 / ::1), and says so loudly at start.

A bare CloudAdapter answers 500 to most malformed activities (a body that isn't JSON, a missing
serviceUrl, a timestamp that isn't a date...). This route checks the request first and answers 400
with a log line for each of those; nothing is stored for a request that fails the check.

A message is acknowledged (202) as soon as it has passed those checks, and its turn runs after, acks
first (bot.handlers.ack_first): Teams waits at most 15 seconds for an answer and shows the person an
error after that, so it never waits on our database. Invokes are answered inline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.app import App
from bot.handlers import ack_first
from bot.handlers.ack_first import AckFirst
from bot.handlers.teams import keys
from bot.handlers.teams.bot import CadenceTeamsBot
from bot.handlers.teams.channel import TeamsDeliverer
from bot.handlers.teams.clients import ReusingAuthentication
from bot.handlers.teams.translate import door_problem

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
UNAUTHORIZED = "unauthorized"
NOT_TEAMS = ("Cadence answers in Microsoft Teams only, for the trust's own tenant. "
             "Please open Cadence in Teams.")
APOLOGY = ("Sorry, something went wrong on my side. Nothing you had already saved has been lost; "
           "please try again in a minute.")


@dataclass
class TeamsConfig:
    """The configuration object ConfigurationBotFrameworkAuthentication reads (its attribute names)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str

    @classmethod
    def from_settings(cls, settings: Any) -> TeamsConfig:
        app_id = settings.teams_app_id.strip()
        password = settings.teams_app_password.strip()
        tenant = settings.teams_tenant_id.strip()
        single = bool(app_id and password and tenant)
        return cls(app_id, password, "SingleTenant" if single else "MultiTenant", tenant if single else "")

    @property
    def authenticated(self) -> bool:
        return bool(self.APP_ID)


@dataclass
class TeamsRuntime:
    adapter: CloudAdapter
    bot: CadenceTeamsBot
    deliverer: TeamsDeliverer
    config: TeamsConfig
    work: AckFirst

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait for the turns of every acknowledged activity (tests; shutdown)."""
        await self.work.idle(timeout)


def build_runtime(app: App) -> TeamsRuntime:
    config = TeamsConfig.from_settings(app.settings)
    keys.install(app.settings.teams_openid_metadata_url)  # signing keys fetched off the event loop
    adapter = CloudAdapter(ReusingAuthentication(config))

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        log.exception("teams: turn failed for a %s activity", turn_context.activity.type, exc_info=error)
        if turn_context.activity.type == "message":
            try:
                await turn_context.send_activity(APOLOGY)
            except Exception:  # noqa: BLE001 - the connector itself may be what failed
                log.warning("teams: could not send the apology either")

    adapter.on_turn_error = on_error
    bot = CadenceTeamsBot(app, tenant_id=app.settings.teams_tenant_id, emulator_emails=not config.authenticated)
    deliverer = TeamsDeliverer(adapter, app.repo, config.APP_ID)
    return TeamsRuntime(adapter, bot, deliverer, config, ack_first.of(app))


def problem_with(body: Any) -> str | None:
    """Why this JSON is not a Bot Framework activity we can process, or None."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("type"), str) or not body["type"].strip():
        return "type is missing"
    service_url = body.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url.startswith(("https://", "http://")):
        return "serviceUrl is missing or not an http(s) URL"
    for key in ("conversation", "from"):
        account = body.get(key)
        if not isinstance(account, dict) or not isinstance(account.get("id"), str) or not account["id"].strip():
            return f"{key}.id is missing"
    for key in ("recipient", "channelData"):
        if key in body and body[key] is not None and not isinstance(body[key], dict):
            return f"{key} is not an object"
    for key in ("entities", "attachments", "membersAdded", "membersRemoved"):
        if key in body and body[key] is not None and (
                not isinstance(body[key], list) or not all(isinstance(item, dict) for item in body[key])):
            return f"{key} is not a list of objects"
    for key in ("text", "channelId", "id", "name", "action", "replyToId"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            return f"{key} is not a string"
    return None


def answered_in_the_response(activity: Activity) -> bool:
    """Invokes (file consent, card actions that expect a result) and ``expectReplies`` activities
    carry their answer in the HTTP response, so their turn runs before it. Everything else is
    acknowledged at once (202) and its turn runs after (bot.handlers.ack_first): the answer goes
    to the connector as a message of its own, and Teams never waits on our database."""
    return activity.type == "invoke" or activity.delivery_mode == "expectReplies"


async def not_configured(request: web.Request) -> web.Response:
    return web.json_response({"error": "Teams is not configured on this server (CADENCE_TEAMS_APP_ID is empty)"},
                             status=404)


def _bad(reason: str, request: web.Request, status: int = 400) -> web.Response:
    log.warning("teams: %s %s refused (%s): %s", request.method, request.path, status, reason)
    return web.json_response({"error": reason}, status=status)


def add_routes(web_app: web.Application, app: App) -> None:
    config = TeamsConfig.from_settings(app.settings)
    emulator = not config.authenticated
    if emulator and not app.settings.teams_emulator:
        web_app.router.add_post(ROUTE, not_configured)
        return
    runtime = build_runtime(app)
    app.channels["teams"] = runtime.deliverer
    app.extras["teams"] = runtime
    if emulator:
        log.warning("!" * 78)
        log.warning("TEAMS ENDPOINT %s IS UNAUTHENTICATED (CADENCE_TEAMS_EMULATOR): for the Bot Framework", ROUTE)
        log.warning("Emulator only. It takes requests from this machine (127.0.0.1 / ::1) and nowhere else;")
        log.warning("set CADENCE_TEAMS_APP_ID and _PASSWORD, and unset CADENCE_TEAMS_EMULATOR, in production.")
        log.warning("!" * 78)
    elif not config.APP_PASSWORD:
        log.error("teams: CADENCE_TEAMS_APP_ID is set but CADENCE_TEAMS_APP_PASSWORD is empty: inbound requests "
                  "are checked, but the bot cannot reply until the password is set")

    async def messages(request: web.Request) -> web.Response:
        async with runtime.work.acking():
            return await answer(request)

    async def answer(request: web.Request) -> web.Response:
        content_type = request.headers.get("Content-Type", "")
        if "application/json" not in content_type.lower():
            return _bad(f"Content-Type must be application/json (got {content_type or 'none'})", request)
        auth_header = request.headers.get("Authorization", "")
        if config.authenticated and not auth_header:
            log.warning("teams: %s %s refused (401): no Authorization header", request.method, request.path)
            return web.json_response({"error": UNAUTHORIZED}, status=401)
        if emulator and request.remote not in LOOPBACK:
            return _bad("the Teams endpoint runs unauthenticated for the Bot Framework Emulator "
                        "(CADENCE_TEAMS_EMULATOR) and takes requests from this machine only", request, 403)
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[..." 100,000 deep
            return _bad("the body is not valid JSON", request)
        problem = problem_with(body)
        if problem:
            return _bad(problem, request)
        try:
            activity = Activity().deserialize(body)
        except Exception as error:  # noqa: BLE001 - msrest raises several kinds for bad field values
            return _bad(f"the activity could not be read (a field has the wrong type): {str(error)[:160]}", request)
        try:
            authenticated = await runtime.adapter.bot_framework_authentication.authenticate_request(
                activity, auth_header)
        except Exception as error:  # noqa: BLE001 - PermissionError, jwt errors, "Invalid AppId"...
            # the detail (which may name Microsoft's hosts or our configuration) goes to the log only
            log.warning("teams: %s %s refused (401): authentication failed: %s: %s", request.method, request.path,
                        type(error).__name__, str(error)[:300])
            return web.json_response({"error": UNAUTHORIZED}, status=401)
        problem = door_problem(activity, tenant_id=app.settings.teams_tenant_id.strip(),
                               emulator=emulator)
        if problem is not None:
            log.warning("teams: %s activity refused (403): %s", activity.type, problem)
            return web.json_response({"error": NOT_TEAMS}, status=403)
        if answered_in_the_response(activity):
            invoke_response = await runtime.adapter.process_activity(authenticated, activity, runtime.bot.on_turn)
            if invoke_response:
                return web.json_response(data=serializer_helper(invoke_response.body), status=invoke_response.status)
            return web.Response(status=201)

        async def turn() -> None:
            await runtime.adapter.process_activity(authenticated, activity, runtime.bot.on_turn)

        runtime.work.after_ack(f"teams:{activity.from_property.id}", turn)
        return web.Response(status=202)

    web_app.router.add_post(ROUTE, messages)

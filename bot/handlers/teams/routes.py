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
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.app import App
from bot.delivery import Person
from bot.handlers import ack_first
from bot.messages import Channel, Reply

if TYPE_CHECKING:
    from bot.handlers.teams.runtime import TeamsRuntime

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
UNAUTHORIZED = "unauthorized"  # all a refused caller learns; the reason goes to the log


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


class TeamsEndpoint:
    """The Teams side of one server, its Bot Framework runtime (bot.handlers.teams.runtime) built on first use.

    The SDK is imported when the first activity arrives or the first reminder goes out by Teams, not
    at start: a server whose colleagues are all on Slack never loads it (Issue 18, a lighter start).
    """

    def __init__(self, app: App, config: TeamsConfig) -> None:
        self.app = app
        self.config = config
        self.work = ack_first.of(app)
        self._runtime: TeamsRuntime | None = None

    @property
    def runtime(self) -> TeamsRuntime:
        if self._runtime is None:
            from bot.handlers.teams.runtime import build_runtime

            self._runtime = build_runtime(self.app, self.config)
        return self._runtime

    @property
    def adapter(self):  # noqa: ANN201 - a botbuilder CloudAdapter; its type would import the SDK
        return self.runtime.adapter

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait for the turns of every acknowledged activity (tests; shutdown)."""
        await self.work.idle(timeout)


class LazyTeamsDeliverer:
    """The Teams Deliverer (channel.py) for the dispatcher, loading the SDK only to actually send.

    Whether a person is reachable is a stored ConversationReference, a database question: the
    dispatcher asks it of every recipient, and the answer needs no SDK.
    """

    channel = Channel.TEAMS

    def __init__(self, endpoint: TeamsEndpoint) -> None:
        self.endpoint = endpoint

    async def can_reach(self, person: Person) -> bool:
        if person.id is None or not person.active:
            return False
        return await self.endpoint.app.repos.conversations.conversation_reference(person.id, Channel.TEAMS.value) is not None

    async def deliver(self, person: Person, reply: Reply) -> None:
        await self.endpoint.runtime.deliverer.deliver(person, reply)


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
    endpoint = TeamsEndpoint(app, config)
    app.channels["teams"] = LazyTeamsDeliverer(endpoint)
    app.extras["teams"] = endpoint
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
        async with endpoint.work.acking():
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
        from bot.handlers.teams.runtime import handle

        return await handle(endpoint.runtime, request, body, auth_header, _bad)

    web_app.router.add_post(ROUTE, messages)

"""The Bot Framework half of POST /api/messages: the CloudAdapter, the bot, the Deliverer.

Every botbuilder import of the endpoint lives here (and in bot.py, channel.py, clients.py,
throttle.py, translate.py, which this module imports), and routes.py imports this module only
when the first activity arrives or the first reminder goes out by Teams: the SDK (msrest,
requests, urllib3...) was a fifth of ``cadence serve``'s start-up and idle memory (bench section 5).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from bot.handlers.teams.routes import UNAUTHORIZED
from bot.handlers.teams.translate import door_problem

if TYPE_CHECKING:
    from bot.handlers.teams.routes import TeamsConfig

log = logging.getLogger(__name__)

NOT_TEAMS = ("Cadence answers in Microsoft Teams only, for the trust's own tenant. "
             "Please open Cadence in Teams.")
APOLOGY = ("Sorry, something went wrong on my side. Nothing you had already saved has been lost; "
           "please try again in a minute.")


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


def answered_in_the_response(activity: Activity) -> bool:
    """Invokes (file consent, card actions that expect a result) and ``expectReplies`` activities
    carry their answer in the HTTP response, so their turn runs before it. Everything else is
    acknowledged at once (202) and its turn runs after (bot.handlers.ack_first): the answer goes
    to the connector as a message of its own, and Teams never waits on our database."""
    return activity.type == "invoke" or activity.delivery_mode == "expectReplies"


def build_runtime(app: App, config: TeamsConfig) -> TeamsRuntime:
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
    deliverer = TeamsDeliverer(adapter, app.repos, config.APP_ID)
    return TeamsRuntime(adapter, bot, deliverer, config, ack_first.of(app))


async def handle(runtime: TeamsRuntime, request: web.Request, body: dict[str, Any], auth_header: str,
                 bad: Any) -> web.Response:
    """An activity that passed routes.py's checks: read, authenticated, then answered or acknowledged."""
    try:
        activity = Activity().deserialize(body)
    except Exception as error:  # noqa: BLE001 - msrest raises several kinds for bad field values
        return bad(f"the activity could not be read (a field has the wrong type): {str(error)[:160]}", request)
    try:
        authenticated = await runtime.adapter.bot_framework_authentication.authenticate_request(
            activity, auth_header)
    except Exception as error:  # noqa: BLE001 - PermissionError, jwt errors, "Invalid AppId"...
        # the detail (which may name Microsoft's hosts or our configuration) goes to the log only
        log.warning("teams: %s %s refused (401): authentication failed: %s: %s", request.method, request.path,
                    type(error).__name__, str(error)[:300])
        return web.json_response({"error": UNAUTHORIZED}, status=401)
    problem = door_problem(activity, tenant_id=runtime.bot.tenant_id, emulator=not runtime.config.authenticated)
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

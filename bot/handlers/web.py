"""The one aiohttp server of ``cadence serve``: /slack/events, /api/messages and /healthz."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.app import App
from bot.handlers import ack_first

log = logging.getLogger(__name__)

APP_KEY: web.AppKey[App] = web.AppKey("cadence_app", App)


async def healthz(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    if await app.db.ping():
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "unavailable", "reason": "database"}, status=503)


def build_web_app(app: App) -> web.Application:
    from bot.handlers.slack import routes as slack_routes
    from bot.handlers.teams import routes as teams_routes

    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", healthz)
    slack_routes.add_routes(web_app, app)
    teams_routes.add_routes(web_app, app)
    from bot.handlers.email import register as register_email

    register_email(app)  # reminders by email for people with neither Slack nor Teams (CADENCE_SMTP_URL)

    async def finish_work(_: web.Application) -> None:
        """On shutdown, finish what Slack and Teams have already been told we received."""
        try:
            await ack_first.of(app).idle(timeout=10)
        except TimeoutError:
            log.warning("Shutting down with acknowledged work still in flight")

    web_app.on_shutdown.append(finish_work)
    return web_app

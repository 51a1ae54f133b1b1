"""POST /slack/events: events, interactivity and slash commands on one URL (filled by the Slack work)."""

from __future__ import annotations

from aiohttp import web

from bot.app import App


def add_routes(web_app: web.Application, app: App) -> None:
    async def not_configured(request: web.Request) -> web.Response:
        return web.json_response({"error": "Slack is not configured on this server"}, status=404)

    web_app.router.add_post("/slack/events", not_configured)

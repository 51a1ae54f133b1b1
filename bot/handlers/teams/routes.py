"""POST /api/messages: the Bot Framework endpoint (filled by the Teams work)."""

from __future__ import annotations

from aiohttp import web

from bot.app import App


def add_routes(web_app: web.Application, app: App) -> None:
    async def not_configured(request: web.Request) -> web.Response:
        return web.json_response({"error": "Teams is not configured on this server"}, status=404)

    web_app.router.add_post("/api/messages", not_configured)

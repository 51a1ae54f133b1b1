"""A stand-in for the Bot Connector REST API on 127.0.0.1 (the part a bot replies through).

Accepts replies and proactive sends (POST /v3/conversations/{id}/activities[/{activity id}]),
answers a member lookup, and counts what it received (GET /_stats). ``fail_rate`` makes that
share of sends answer 500, ``extra_429_rate`` that share answer 429 with Retry-After: 1.
Run as ``python -m bench.standin_teams PORT``.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import sys
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class ConnectorStandIn:
    fail_rate: float = 0.0
    extra_429_rate: float = 0.0
    seed: int = 8
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answered_429: int = 0
    answered_500: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    async def send(self, request: web.Request) -> web.Response:
        if self.fail_rate and self._rng.random() < self.fail_rate:
            self.answered_500 += 1
            return web.json_response({"error": {"code": "ServiceError", "message": "injected"}}, status=500)
        if self.extra_429_rate and self._rng.random() < self.extra_429_rate:
            self.answered_429 += 1
            return web.json_response({"error": {"code": "TooManyRequests", "message": "slow down"}}, status=429,
                                     headers={"Retry-After": "1"})
        body = await request.json()
        self.sent.append((request.match_info["conversation_id"], body))
        return web.json_response({"id": f"activity-{next(self._ids)}"}, status=201)

    async def member(self, request: web.Request) -> web.Response:
        member = request.match_info["member_id"]
        return web.json_response({"id": member, "name": "Bench Person", "aadObjectId": member})

    async def create(self, request: web.Request) -> web.Response:
        return web.json_response({"id": f"a:bench-{next(self._ids)}"}, status=201)

    async def stats(self, _: web.Request) -> web.Response:
        return web.json_response({"posted": len(self.sent), "answered_429": self.answered_429,
                                  "answered_500": self.answered_500})

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/_stats", self.stats)
        app.router.add_post("/v3/conversations", self.create)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self.send)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self.send)
        app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", self.send)
        app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", self.member)
        return app


def main() -> None:
    standin = ConnectorStandIn()

    async def run() -> None:
        runner = web.AppRunner(standin.web_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", int(sys.argv[1])).start()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

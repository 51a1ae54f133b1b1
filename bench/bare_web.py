"""Baseline for start-up and footprint: a plain aiohttp server with only /healthz.

Run as ``python -m bench.bare_web PORT``.
"""

from __future__ import annotations

import sys

from aiohttp import web


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)


if __name__ == "__main__":
    main()

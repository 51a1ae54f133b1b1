"""Baseline for tap-to-answer: a bare slack-bolt app whose lazy listener answers each tap.

Every button click and direct message is acknowledged at once; a lazy listener (Bolt's own way
of working after the ack) then reads one person by primary key from the same SQLite database
(aiosqlite, as Cadence's driver) and answers with one chat.postMessage. That is the least any bot
that looks something up before it answers must do. Run as
``python -m bench.bare_slack_tap PORT SIGNING_SECRET API_URL DB_FILE``; GET /healthz answers 200.
"""

from __future__ import annotations

import re
import sys
import zlib
from typing import Any

import aiosqlite
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build(secret: str, api_url: str, db_file: str) -> web.Application:
    client = AsyncWebClient(token="xoxb-test-not-a-token", base_url=api_url)
    bolt = AsyncApp(client=client, signing_secret=secret, process_before_response=True)  # as Cadence runs it
    db: dict[str, Any] = {}

    async def answer(user: str, say_to: Any) -> None:
        person_id = zlib.crc32(user.encode()) % 300 + 1
        async with db["conn"].execute("SELECT name FROM person WHERE id = ?", (person_id,)) as cursor:
            row = await cursor.fetchone()
        await say_to.chat_postMessage(channel=user, text=f"Hello {row[0] if row else 'there'}")

    async def ack_only(ack: Any) -> None:
        await ack()

    async def answer_click(body: dict[str, Any], client: Any) -> None:
        await answer(body["user"]["id"], client)

    async def answer_message(event: dict[str, Any], client: Any) -> None:
        await answer(event["user"], client)

    bolt.action(re.compile(".*"))(ack=ack_only, lazy=[answer_click])
    bolt.event("message")(ack=ack_only, lazy=[answer_message])
    web_app = bolt.web_app(path="/slack/events")

    async def opened(_: web.Application) -> None:
        db["conn"] = await aiosqlite.connect(db_file)

    async def closed(_: web.Application) -> None:
        await db["conn"].close()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    web_app.on_startup.append(opened)
    web_app.on_cleanup.append(closed)
    web_app.router.add_get("/healthz", healthz)
    return web_app


def main() -> None:
    web.run_app(build(sys.argv[2], sys.argv[3], sys.argv[4]), host="127.0.0.1", port=int(sys.argv[1]),
                print=None, access_log=None)


if __name__ == "__main__":
    main()

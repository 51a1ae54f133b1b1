"""A stand-in for the Slack Web API on 127.0.0.1, with Slack's rate limits and injectable failures.

``chat.postMessage`` is limited as Slack documents it: about 1 message a second per channel and a
workspace-wide cap (50 a second here); over either it answers HTTP 429 with a ``Retry-After``
header in whole seconds and ``{"ok": false, "error": "ratelimited"}``. ``fail_rate`` makes that
share of calls answer 500 and ``extra_429_rate`` that share answer 429 regardless of the limits
(seeded per message and try, so a run repeats however its sends interleave). ``users.info`` and ``users.lookupByEmail`` answer from ``users``
(Slack id -> email); ``conversations.open`` gives ``D<user id>``; every other method answers ok.

Every accepted message is kept in ``posted`` (channel, text, time), which is how the benchmarks
and the resilience tests count what arrived. Every answer to a person (chat.postMessage and
chat.update) is also kept in ``answers`` (the person's user id, the method, when it arrived, on
this machine's monotonic clock), with each person's latest blocks, for the tap-to-answer bench
(GET /_answers?since=N, GET /_last?user=U). Run it in-process with :func:`start_standin` or as a
process: ``python -m bench.standin_slack PORT [--users FILE.json] [--fail-rate R]``; GET /_stats
gives the counts as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

PER_CHANNEL_PER_SECOND = 1.0
PER_WORKSPACE_PER_SECOND = 50


@dataclass
class SlackStandIn:
    users: dict[str, str] = field(default_factory=dict)
    per_channel: float = PER_CHANNEL_PER_SECOND
    per_workspace: int = PER_WORKSPACE_PER_SECOND
    fail_rate: float = 0.0
    extra_429_rate: float = 0.0
    seed: int = 8
    posted: list[tuple[str, str, float]] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    answered_429: int = 0
    answered_500: int = 0
    _last_in_channel: dict[str, float] = field(default_factory=dict)
    _window: deque[float] = field(default_factory=deque)
    _tries: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    answers: list[tuple[str, str, float]] = field(default_factory=list)
    last_blocks: dict[str, Any] = field(default_factory=dict)

    def _draws(self, method: str, args: dict[str, Any]) -> random.Random:
        """The dice for this call: the same message's n-th try always gets the same numbers, whatever
        else is in flight (a concurrent client must not change which calls fail)."""
        key = "|".join(str(args.get(k) or "") for k in ("channel", "text", "users", "user", "email"))
        key = f"{method}|{key}"
        n = self._tries[key]
        self._tries[key] += 1
        return random.Random(f"{self.seed}|{key}|{n}")

    def reset(self) -> None:
        self.posted.clear()
        self.answers.clear()
        self.last_blocks.clear()
        self.calls.clear()
        self.answered_429 = self.answered_500 = 0
        self._tries.clear()
        self._last_in_channel.clear()
        self._window.clear()

    # --- the limits -----------------------------------------------------------------------

    def _limited(self, channel: str, now: float) -> float | None:
        """Seconds to wait if posting to ``channel`` now would break a limit, else None (and count it)."""
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        waits = []
        last = self._last_in_channel.get(channel)
        if last is not None and now - last < 1.0 / self.per_channel:
            waits.append(1.0 / self.per_channel - (now - last))
        if len(self._window) >= self.per_workspace:
            waits.append(1.0 - (now - self._window[0]))
        if waits:
            return max(waits)
        self._last_in_channel[channel] = now
        self._window.append(now)
        return None

    # --- the HTTP side --------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.calls[method] += 1
        args = dict(request.query)
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return web.json_response({"ok": False, "error": "invalid_json"})
                if isinstance(body, dict):
                    args.update(body)
            else:
                args.update(parse_qsl(raw.decode("utf-8", errors="replace")))
        dice = self._draws(method, args)
        fail, throttle = dice.random(), dice.random()
        if self.fail_rate and fail < self.fail_rate:
            self.answered_500 += 1
            return web.Response(status=500, text="stand-in: internal error (injected)")
        if self.extra_429_rate and throttle < self.extra_429_rate:
            self.answered_429 += 1
            return _ratelimited(1)
        return await self.answer(method, args)

    async def answer(self, method: str, args: dict[str, Any]) -> web.Response:
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "TBENCH",
                                      "team": "Bench", "url": "https://bench.example/"})
        if method == "chat.postMessage":
            channel = str(args.get("channel") or "")
            if not channel:
                return web.json_response({"ok": False, "error": "channel_not_found"})
            wait = self._limited(channel, time.monotonic())
            if wait is not None:
                self.answered_429 += 1
                return _ratelimited(max(1, math.ceil(wait)))
            self.posted.append((channel, str(args.get("text") or ""), time.monotonic()))
            ts = f"{time.time():.6f}"
            self._answered(channel, method, args, ts)
            return web.json_response({"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts}})
        if method == "conversations.open":
            users = str(args.get("users") or "")
            return web.json_response({"ok": True, "channel": {"id": "D" + users.split(",")[0]}})
        if method == "users.info":
            user = str(args.get("user") or "")
            email = self.users.get(user)
            if email is None:
                return web.json_response({"ok": False, "error": "user_not_found"})
            return web.json_response({"ok": True, "user": {"id": user, "team_id": "TBENCH", "deleted": False,
                                                           "is_bot": False, "tz": "Europe/London",
                                                           "profile": {"email": email, "real_name": email}}})
        if method == "users.lookupByEmail":
            email = str(args.get("email") or "").lower()
            for user, known in self.users.items():
                if known.lower() == email:
                    return web.json_response({"ok": True, "user": {"id": user, "deleted": False, "is_bot": False}})
            return web.json_response({"ok": False, "error": "users_not_found"})
        if method == "chat.update":
            self._answered(str(args.get("channel") or ""), method, args, str(args.get("ts") or ""))
        if method in ("chat.update", "views.publish", "views.open", "views.update", "chat.postEphemeral"):
            return web.json_response({"ok": True, "ts": f"{time.time():.6f}", "view": {"id": "VBENCH"}})
        return web.json_response({"ok": True})

    def _answered(self, channel: str, method: str, args: dict[str, Any], ts: str) -> None:
        """Note an answer to the person behind ``channel`` (their DM "D<user id>", or the user id)."""
        user = channel[1:] if channel.startswith("DU") else channel
        self.answers.append((user, method, time.monotonic()))
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                blocks = None
        self.last_blocks[user] = {"blocks": blocks if isinstance(blocks, list) else [], "ts": ts, "channel": channel}

    async def answers_since(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        return web.json_response({"answers": self.answers[since:], "next": len(self.answers)})

    async def last(self, request: web.Request) -> web.Response:
        return web.json_response(self.last_blocks.get(request.query.get("user", ""), {"blocks": []}))

    async def stats(self, _: web.Request) -> web.Response:
        times = [t for _, _, t in self.posted]
        per_channel: dict[str, int] = defaultdict(int)
        for channel, _, _ in self.posted:
            per_channel[channel] += 1
        return web.json_response({"posted": len(self.posted), "calls": dict(self.calls),
                                  "first": min(times) if times else None, "last": max(times) if times else None,
                                  "texts": len({(c, t) for c, t, _ in self.posted}),
                                  "answered_429": self.answered_429, "answered_500": self.answered_500,
                                  "channels": len({c for c, _, _ in self.posted})})

    async def reset_handler(self, _: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/_stats", self.stats)
        app.router.add_post("/_reset", self.reset_handler)
        app.router.add_get("/_answers", self.answers_since)
        app.router.add_get("/_last", self.last)
        app.router.add_route("*", "/api/{method}", self.handle)
        return app


def _ratelimited(seconds: int) -> web.Response:
    return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                             headers={"Retry-After": str(seconds)})


async def start_standin(standin: SlackStandIn, port: int = 0) -> tuple[web.AppRunner, str]:
    """Serve ``standin`` on 127.0.0.1 in this event loop; returns the runner and the API base URL."""
    runner = web.AppRunner(standin.web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{bound}/api/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("--users", help="JSON file: Slack user id -> email")
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--extra-429-rate", type=float, default=0.0)
    parser.add_argument("--per-workspace", type=int, default=PER_WORKSPACE_PER_SECOND)
    parser.add_argument("--per-channel", type=float, default=PER_CHANNEL_PER_SECOND)
    args = parser.parse_args()
    users = json.loads(open(args.users, encoding="utf-8").read()) if args.users else {}
    standin = SlackStandIn(users=users, fail_rate=args.fail_rate, extra_429_rate=args.extra_429_rate,
                           per_workspace=args.per_workspace, per_channel=args.per_channel)

    async def run() -> None:
        runner, _ = await start_standin(standin, args.port)
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

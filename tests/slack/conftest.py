"""Slack over its real protocol, on 127.0.0.1 only.

``cadence serve``'s aiohttp app (bot.handlers.web.build_web_app) runs on a local port and gets
requests signed the Slack way (v0 HMAC-SHA256 of ``v0:{timestamp}:{body}``); the Web API is a
local stand-in that records every call and can be told to answer 429 (with Retry-After) or 500.
Payloads start from the documented shapes in tests/fixtures/slack/.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import html
import itertools
import json
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.demo import seed_demo
from bot.handlers.web import build_web_app
from tests.conftest import TODAY, make_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
SECRET = "test-signing-secret-not-real"
TOKEN = "xoxb-test-not-a-token"

# Slack user ids of demo people (the roster has none: Cadence links them by email on first contact)
SAM, JO, HELEN, STRANGER = "U0SAM", "U0JO", "U0HELEN", "U0STRANGER"
EMAILS = {SAM: "sam.patel@hillside.example", JO: "jo.brown@hillside.example",
          HELEN: "helen.hart@hillside.example", STRANGER: "someone.else@elsewhere.example"}


def fixture(name: str) -> Any:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text.strip()


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str


@dataclass
class StandIn:
    """A local Slack Web API: records calls; scripted failures per method."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=lambda: dict(EMAILS))
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    slow: dict[str, float] = field(default_factory=dict)  # method -> seconds to take answering
    acks: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.failures.setdefault(method, []).extend([(status, headers)] * times)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        return [p for p in self.called("chat.postMessage") if channel is None or p.get("channel") == channel]

    def text_of(self, channel: str | None = None) -> str:
        """Everything posted (section texts, fields, buttons), as a person would read it."""
        return "\n".join(render(m.get("blocks") or []) or m.get("text", "") for m in self.messages(channel))

    async def app(self) -> web.Application:
        web_app = web.Application()
        web_app.router.add_route("*", "/api/{method}", self.api)
        web_app.router.add_post("/upload/{file_id}", self.upload)
        web_app.router.add_get("/link", self.socket)
        return web_app

    # --- Socket Mode: apps.connections.open hands out ws://127.0.0.1/link -------------------------

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "standin"},
                            "connection_info": {"app_id": "A0CADENCE"}})
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
                self._changed.set()
        return ws

    async def push(self, envelope_type: str, payload: dict[str, Any], envelope_id: str) -> dict[str, Any]:
        """Send one envelope down the socket and wait for Cadence's acknowledgement of it."""
        for _ in range(200):
            if self.sockets:
                break
            await asyncio.sleep(0.02)
        await self.sockets[-1].send_json({"envelope_id": envelope_id, "type": envelope_type, "payload": payload,
                                          "accepts_response_payload": envelope_type != "events_api",
                                          "retry_attempt": 0, "retry_reason": ""})
        for _ in range(250):
            ack = next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)
            if ack is not None:
                return ack
            await asyncio.sleep(0.02)
        raise AssertionError(f"no acknowledgement for {envelope_id}")

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw, keep_blank_values=True)))
        for key in ("blocks", "view", "files"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        self.calls.append(Call(method, params, request.headers.get("Authorization", "")))
        self._changed.set()
        if method in self.slow:
            await asyncio.sleep(self.slow[method])
        scripted = self.failures.get(method)
        if scripted:
            status, headers = scripted.pop(0)
            error = "ratelimited" if status == 429 else "internal_error"
            return web.json_response({"ok": False, "error": error}, status=status, headers=headers)
        return web.json_response(self.answer(method, params))

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        n = next(self._ids)
        match method:
            case "auth.test":
                return {"ok": True, "url": "https://cadence-test.slack.com/", "team": "Cadence Test",
                        "user": "cadence", "team_id": "T0CADENCE", "user_id": "U0BOT", "bot_id": "B0BOT"}
            case "conversations.open":
                return {"ok": True, "channel": {"id": "D" + str(params["users"])[1:]}}
            case "chat.postMessage":
                params["_ts"] = f"1795428{n:03d}.000100"  # what Slack would call this message
                return {"ok": True, "channel": params.get("channel"), "ts": params["_ts"],
                        "message": {"text": params.get("text", "")}}
            case "views.open" | "views.publish" | "views.update":
                return {"ok": True, "view": {"id": f"V{n}", **(params.get("view") or {})}}
            case "users.info":
                email = self.users.get(str(params.get("user")))
                if email is None:
                    return {"ok": False, "error": "user_not_found"}
                return {"ok": True, "user": {"id": params["user"], "team_id": "T0CADENCE", "deleted": False,
                                             "is_bot": False, "profile": {"email": email}}}
            case "users.lookupByEmail":
                found = next((u for u, e in self.users.items() if e == params.get("email")), None)
                if found is None:
                    return {"ok": False, "error": "users_not_found"}
                return {"ok": True, "user": {"id": found, "deleted": False, "is_bot": False}}
            case "files.getUploadURLExternal":
                return {"ok": True, "upload_url": f"{self.url}/upload/F{n}", "file_id": f"F{n}"}
            case "apps.connections.open":
                return {"ok": True, "url": self.url.replace("http://", "ws://") + "/link"}
            case "files.completeUploadExternal":
                files = params.get("files") or []
                return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        return {"ok": True}

    async def upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[request.match_info['file_id']])}")


def render(blocks: list[dict[str, Any]]) -> str:
    """Blocks as a person reads them in Slack (entities shown as characters)."""
    lines: list[str] = []
    for b in blocks:
        if b.get("text"):
            lines.append(b["text"]["text"])
        for f in b.get("fields") or []:
            lines.append(f["text"])
        for e in b.get("elements") or []:
            if e.get("type") == "button":
                lines.append(f"[{e['text']['text']}]")
            elif e.get("type") == "mrkdwn":
                lines.append(e["text"])
    return html.unescape("\n".join(lines))


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


@dataclass
class Slack:
    """The bot as Slack sees it: signed HTTP in, recorded Web API calls out."""

    app: App
    api: StandIn
    url: str
    http: ClientSession
    ack_seconds: list[float] = field(default_factory=list)  # how long each HTTP answer took
    _events: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def runtime(self) -> Any:
        return self.app.extras["slack"]

    async def post(self, body: str, content_type: str = "application/json", *, signed: bool = True,
                   timestamp: int | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
        all_headers = {"Content-Type": content_type, **(sign(body, timestamp) if signed else {}), **(headers or {})}
        started = time.monotonic()
        async with self.http.post(f"{self.url}/slack/events", data=body.encode(), headers=all_headers) as response:
            status, text = response.status, await response.text()
        self.ack_seconds.append(time.monotonic() - started)
        await self.runtime.idle()
        return status, text

    async def event(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.post(json.dumps(payload))

    async def say(self, user: str, text: str) -> int:
        payload = fixture("message_im.json")
        n = next(self._events)
        payload["event_id"] = f"Ev{n:06d}"
        payload["event"].update(user=user, text=text, channel="D" + user[1:], ts=f"1795428000.{n:06d}",
                                client_msg_id=f"msg-{n}")
        status, _ = await self.event(payload)
        return status

    async def click(self, user: str, button: dict[str, Any], channel: str | None = None) -> int:
        payload = fixture("block_actions.json")
        payload["user"].update(id=user)
        dm = channel or "D" + user[1:]
        payload["channel"]["id"] = payload["container"]["channel_id"] = dm
        payload["actions"] = [{"action_id": button["action_id"], "block_id": "b1", "text": button["text"],
                               "value": button["value"], "type": "button", "action_ts": "1795428001.000400"}]
        clicked = next((m for m in reversed(self.api.messages(dm)) if button in buttons(m)), None)
        if clicked is not None:  # Slack sends the message the button is on
            payload["message"].update(ts=clicked["_ts"], text=clicked.get("text", ""), blocks=clicked["blocks"])
            payload["container"]["message_ts"] = clicked["_ts"]
        status, _ = await self.post("payload=" + _quote(json.dumps(payload)), "application/x-www-form-urlencoded")
        return status

    async def click_home(self, user: str, button: dict[str, Any]) -> int:
        payload = fixture("block_actions.json")
        payload["user"].update(id=user)
        payload.pop("channel")
        payload.pop("message")
        payload["container"] = {"type": "view", "view_id": "V0HOME"}
        payload["view"] = {"id": "V0HOME", "type": "home", "callback_id": "", "blocks": []}
        payload["actions"] = [{"action_id": button["action_id"], "block_id": "b1", "text": button["text"],
                               "value": button["value"], "type": "button", "action_ts": "1795428001.000400"}]
        status, _ = await self.post("payload=" + _quote(json.dumps(payload)), "application/x-www-form-urlencoded")
        return status

    async def command(self, user: str, text: str, channel_id: str = "C0GENERAL") -> tuple[int, str]:
        fields = dict(parse_qsl(fixture("slash_command.txt")))
        fields.update(user_id=user, text=text, channel_id=channel_id)
        return await self.post(urlencode(fields), "application/x-www-form-urlencoded")

    async def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> int:
        """Fill a modal the bot opened (as views.open recorded it) and press its submit button."""
        payload = fixture("view_submission.json")
        payload["user"].update(id=user)
        submitted = copy.deepcopy(view)
        state: dict[str, Any] = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element = block["element"]
            value = values.get(block["block_id"])
            kind = element["type"]
            if kind == "static_select":
                option = next((o for o in element["options"] if o["value"] == value), None)
                state[block["block_id"]] = {element["action_id"]: {"type": kind, "selected_option": option}}
            elif kind == "datepicker":
                state[block["block_id"]] = {element["action_id"]: {"type": kind, "selected_date": value}}
            else:
                state[block["block_id"]] = {element["action_id"]: {"type": kind, "value": value}}
        submitted["state"] = {"values": state}
        submitted.update(id="V0FORM", hash="1795428002.abcdef")
        payload["view"] = {**payload["view"], **submitted}
        status, _ = await self.post("payload=" + _quote(json.dumps(payload)), "application/x-www-form-urlencoded")
        return status

    async def open_home(self, user: str) -> int:
        payload = fixture("app_home_opened.json")
        payload["event"]["user"] = user
        payload["event_id"] = f"EvHOME{next(self._events):04d}"
        status, _ = await self.event(payload)
        return status

    def last_message(self, user: str) -> dict[str, Any]:
        return self.api.messages("D" + user[1:])[-1]

    def button(self, user: str, label: str) -> dict[str, Any]:
        """The button with this label on the latest message that has one."""
        for message in reversed(self.api.messages("D" + user[1:])):
            for b in buttons(message):
                if b["text"]["text"] == label or b["text"]["text"].endswith(f". {label}"):
                    return b
        raise AssertionError(f"no button {label!r} in {user}'s DM:\n{self.api.text_of('D' + user[1:])}")


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    api = StandIn()
    server = TestServer(await api.app(), host="127.0.0.1")
    await server.start_server()
    api.url = str(server.make_url("")).rstrip("/")
    yield api
    await server.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated, seeded demo trust, built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("slack-demo") / "cadence.db"

    async def build() -> None:
        application = build_app(make_settings(f"sqlite:///{path}"), clock=FixedClock(TODAY))
        await application.ensure_schema()
        await seed_demo(application)
        await application.close()

    asyncio.run(build())
    return path


async def _slack(db_url: str, clock: FixedClock, standin: StandIn, demo_db: Path, **extra: str) -> AsyncIterator[Slack]:
    shutil.copyfile(demo_db, db_url.removeprefix("sqlite:///"))
    settings = make_settings(db_url, slack_bot_token=TOKEN, slack_signing_secret=SECRET,
                             slack_api_url=f"{standin.url}/api/", **extra)
    application = build_app(settings, clock=clock)
    await application.ensure_schema()
    server = TestServer(build_web_app(application), host="127.0.0.1")
    await server.start_server()
    async with ClientSession() as http:
        yield Slack(application, standin, str(server.make_url("")).rstrip("/"), http)
    await server.close()
    await application.close()


@pytest.fixture
async def slack(db_url: str, clock: FixedClock, standin: StandIn, demo_db: Path) -> AsyncIterator[Slack]:
    async for harness in _slack(db_url, clock, standin, demo_db):
        yield harness

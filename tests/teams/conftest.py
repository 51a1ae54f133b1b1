"""Teams over its real protocol: Cadence's aiohttp server on 127.0.0.1 receives Bot Framework
activities, and a local stand-in for the Bot Connector service (also on 127.0.0.1) records what the
bot sends back. No request leaves the machine (``only_local_network`` refuses anything else)."""

from __future__ import annotations

import itertools
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.handlers import ack_first
from bot.handlers.web import APP_KEY, build_web_app
from bot.settings import Settings
from store.models import Person

TENANT = "5f1c7a2e-0000-4000-8000-00000000c0de"
BOT_ID = "28:cadence-test-bot"
SAM_AAD = "00000000-0000-4000-8000-0000000005a3"
PRIYA_AAD = "00000000-0000-4000-8000-00000000091a"
STRANGER_AAD = "00000000-0000-4000-8000-0000000bad00"
SCHEMA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas"


@pytest.fixture(autouse=True)
def only_local_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk only to 127.0.0.1: any other connection attempt fails the test loudly."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"test tried to reach {address!r}; only 127.0.0.1 is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@dataclass
class Sent:
    method: str
    path: str
    conversation_id: str
    reply_to: str | None
    body: dict[str, Any]
    id: str = ""  # the id the connector gave the message (Teams puts it in replyToId of a card click)

    @property
    def text(self) -> str:
        return self.body.get("text") or ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.body.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    @property
    def words(self) -> str:
        """Everything a person reads in this message (text and card text), for assertions."""
        parts = [self.text]
        for card in self.cards:
            parts += [e.get("text", "") for e in card.get("body", []) if e.get("type") == "TextBlock"]
            parts += [e.get("label", "") for e in card.get("body", []) if e.get("type", "").startswith("Input.")]
        return "\n".join(p for p in parts if p)

    def button(self, title: str) -> dict[str, Any]:
        for card in self.cards:
            for action in card.get("actions", []):
                if action["title"] == title:
                    return action["data"]
        raise AssertionError(f"no button {title!r} in {[a['title'] for c in self.cards for a in c.get('actions', [])]}")


@dataclass
class Connector:
    """A local stand-in for the Bot Connector REST API (the part Cadence uses)."""

    url: str = ""
    sent: list[Sent] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    throttle: int = 0  # answer the next N sends with 429
    gone: set[str] = field(default_factory=set)  # conversations whose user removed the app (403)
    retry_after: str = "1"
    throttled: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def texts(self) -> list[str]:
        return [s.words for s in self.sent]

    def clear(self) -> None:
        self.sent.clear()

    def app(self) -> web.Application:
        async def send(request: web.Request) -> web.Response:
            if request.match_info["conversation_id"] in self.gone:
                return web.json_response({"error": {"code": "BotNotInConversationRoster",
                                                    "message": "The bot is not part of the conversation roster."}},
                                         status=403)
            if self.throttle > 0:
                self.throttle -= 1
                self.throttled += 1
                return web.json_response({"error": {"code": "TooManyRequests", "message": "slow down"}},
                                         status=429, headers={"Retry-After": self.retry_after})
            body = await request.json()
            new_id = f"activity-{next(self._ids)}"
            self.sent.append(Sent("POST", request.path, request.match_info["conversation_id"],
                                  request.match_info.get("activity_id"), body, new_id))
            return web.json_response({"id": new_id}, status=201)

        async def update(request: web.Request) -> web.Response:
            self.updates.append((request.match_info["activity_id"], await request.json()))
            return web.json_response({"id": request.match_info["activity_id"]})

        async def delete(request: web.Request) -> web.Response:
            self.deleted.append(request.match_info["activity_id"])
            return web.Response(status=200)

        async def member(request: web.Request) -> web.Response:
            found = self.members.get(request.match_info["member_id"])
            if found is None:
                return web.json_response({"error": {"code": "MemberNotFoundInConversation", "message": "no"}},
                                         status=404)
            return web.json_response(found)

        async def upload(request: web.Request) -> web.Response:
            self.uploads.append((request.path, dict(request.headers), await request.read()))
            return web.json_response({"id": "drive-item-1"}, status=201)

        web_app = web.Application()
        web_app.router.add_post("/v3/conversations/{conversation_id}/activities", send)
        web_app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", send)
        web_app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", update)
        web_app.router.add_delete("/v3/conversations/{conversation_id}/activities/{activity_id}", delete)
        web_app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", member)
        web_app.router.add_put("/upload/{name}", upload)
        return web_app


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    stand_in = Connector()
    server = TestServer(stand_in.app(), host="127.0.0.1")
    await server.start_server()
    stand_in.url = f"http://127.0.0.1:{server.port}/"
    yield stand_in
    await server.close()


EMAILS = {"priya": "priya.shah@hillside.example", "sam": "sam.patel@hillside.example",
          "jo": "jo.brown@hillside.example"}


async def people_of(app: App) -> dict[str, Person]:
    """From the demo trust (examples/roster.csv): Priya Shah (Inclusion Lead) line-manages Sam Patel and
    Jo Brown (teaching assistants) at Co-op Academy Hillside."""
    found = {key: await app.repos.people.person_by_email(email) for key, email in EMAILS.items()}
    assert all(found.values()), found
    return found  # type: ignore[return-value]


@pytest.fixture
async def teams_app(demo_app: App) -> AsyncIterator[App]:
    """The demo trust; Sam's Teams id is on the roster, Priya's and Jo's are found by email."""
    people = await people_of(demo_app)
    await demo_app.repos.people.link_platform_id(people["sam"].id, "teams", SAM_AAD)  # type: ignore[arg-type]
    demo_app.settings.teams_emulator = True  # no app id: the Emulator's unauthenticated mode, from 127.0.0.1
    demo_app.settings.teams_upload_hosts = "127.0.0.1"  # the connector stand-in plays the person's OneDrive
    demo_app.extras["people"] = await people_of(demo_app)
    yield demo_app


def app_settings(url: str, **teams: str) -> Settings:
    from tests.conftest import make_settings

    return make_settings(url, teams_app_id=teams.get("app_id", ""), teams_app_password=teams.get("password", ""),
                         teams_tenant_id=teams.get("tenant", ""), teams_emulator=True)


@pytest.fixture
async def bot_client(teams_app: App) -> AsyncIterator[TestClient]:
    """Cadence's real web server (``cadence serve``) on 127.0.0.1."""
    client = TestClient(TestServer(build_web_app(teams_app), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


_activity_ids = itertools.count(1)


def activity(connector: Connector, text: str | None = None, *, value: dict[str, Any] | None = None,
             aad: str | None = SAM_AAD, user_id: str = "29:sam", conversation: str = "a:sam-personal-chat",
             kind: str = "message", **extra: Any) -> dict[str, Any]:
    """A Bot Framework activity as Teams sends it for a personal chat."""
    sender: dict[str, Any] = {"id": user_id, "name": "Someone"}
    if aad:
        sender["aadObjectId"] = aad
    body: dict[str, Any] = {
        "type": kind, "id": f"incoming-{next(_activity_ids)}", "timestamp": "2026-11-23T10:00:00.000Z",
        "localTimestamp": "2026-11-23T10:00:00.000+00:00", "serviceUrl": connector.url, "channelId": "msteams",
        "from": sender, "recipient": {"id": BOT_ID, "name": "Cadence"},
        "conversation": {"id": conversation, "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}}, "locale": "en-GB",
    }
    if text is not None:
        body["text"] = text
        body["textFormat"] = "plain"
    if value is not None:
        body["value"] = value
    body.update(extra)
    return body


async def say(client: TestClient, connector: Connector, text: str | None = None, **kwargs: Any) -> list[Sent]:
    """Post one activity to /api/messages; return what the bot sent in answer."""
    before = len(connector.sent)
    response = await client.post("/api/messages", data=json.dumps(activity(connector, text, **kwargs)),
                                 headers={"Content-Type": "application/json"})
    assert response.status in (200, 201, 202), (response.status, await response.text())
    await answered(client)
    return connector.sent[before:]


async def answered(client: TestClient) -> None:
    """Wait for the turns of what the bot has acknowledged (a message's answer comes after its 202)."""
    await ack_first.of(client.server.app[APP_KEY]).idle()

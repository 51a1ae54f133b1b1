"""The doors tried as an attacker would, on 127.0.0.1 only.

Slack: the signed-request harness of tests/slack (``slack``, ``standin``). Teams: Cadence's server
with real Bot Framework authentication (an app id, a password and the trust's tenant), checking
tokens signed by a key made here and served as the Bot Framework's OpenID metadata by a local
stand-in (``CADENCE_TEAMS_OPENID_METADATA_URL``), so a token is valid exactly as Microsoft's would be;
replies go to the connector stand-in of tests/teams. :func:`snapshot` reads every table, so each
refused request can be shown to have changed nothing.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.app import App, build_app
from bot.handlers import ack_first
from bot.handlers.web import build_web_app
from tests.conftest import make_settings
from tests.slack.conftest import demo_db, slack, standin  # noqa: F401 - the Slack harness, reused
from tests.teams.conftest import (  # noqa: F401 - the connector stand-in and the network guard, reused
    SAM_AAD,
    TENANT,
    Connector,
    activity,
    connector,
    only_local_network,
    people_of,
)

APP_ID = "00000000-0000-4000-8000-0000000ca0e5"
ISSUER = "https://api.botframework.com"  # what the Bot Framework puts in a token it sends to a bot


async def snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as plain tuples (to compare before and after a request)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with app.db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            out[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
    return out


def changed(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """The tables whose rows differ."""
    return [name for name in before if before[name] != after.get(name)]


@dataclass
class BotFramework:
    """The Bot Framework's side of authentication: its OpenID metadata, key set and tokens."""

    url: str = ""
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Microsoft's keys endorse every channel of the Azure Bot, Web Chat and Direct Line included
    endorsements: tuple[str, ...] = ("msteams", "webchat", "directline", "emulator", "skype")
    fetches: int = 0
    gate: asyncio.Event | None = None  # when set: the metadata is answered only once the event is set
    down: bool = False  # answer 503, as an outage would

    def app(self) -> web.Application:
        async def metadata(request: web.Request) -> web.Response:
            self.fetches += 1
            if self.gate is not None:
                await self.gate.wait()
            if self.down:
                return web.json_response({"error": "unavailable"}, status=503)
            return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/keys",
                                      "id_token_signing_alg_values_supported": ["RS256"]})

        async def keys(request: web.Request) -> web.Response:
            return web.json_response({"keys": [self.jwk()]})

        web_app = web.Application()
        web_app.router.add_get("/v1/.well-known/openidconfiguration", metadata)
        web_app.router.add_get("/keys", keys)
        return web_app

    def jwk(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", endorsements=list(self.endorsements))
        return jwk

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    def token(self, service_url: str, *, audience: str = APP_ID, key: Any = None, expires_in: int = 3600) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": audience, "serviceurl": service_url, "nbf": now - 60,
                  "exp": now + expires_in}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})


@dataclass
class TeamsDoor:
    """Cadence with Teams authentication on, and the means to send it activities as the Bot Framework does."""

    app: App
    framework: BotFramework
    connector: Connector
    url: str
    http: ClientSession

    async def post(self, body: bytes | str | dict[str, Any], *, token: str | None = "valid",
                   content_type: str = "application/json", headers: dict[str, str] | None = None) -> tuple[int, str]:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if token == "valid":
            token = self.framework.token(self.connector.url)
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        async with self.http.post(f"{self.url}/api/messages", data=data, headers=all_headers) as response:
            status, text = response.status, await response.text()
        await ack_first.of(self.app).idle()
        return status, text

    def activity(self, text: str | None = None, **kwargs: Any) -> dict[str, Any]:
        return activity(self.connector, text, **kwargs)


@pytest.fixture
async def framework() -> AsyncIterator[BotFramework]:
    stand_in = BotFramework()
    server = TestServer(stand_in.app(), host="127.0.0.1")
    await server.start_server()
    stand_in.url = str(server.make_url("")).rstrip("/")
    yield stand_in
    await server.close()


@pytest.fixture
def outbound_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's own token for the connector would come from Entra ID; here it is a fixed string."""
    from botframework.connector.auth import MicrosoftAppCredentials

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: "bot-token")


@pytest.fixture
def sdk_keys_from_framework(framework: BotFramework, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's own key fetcher pointed at the stand-in too, so these scenarios also run against code
    that predates CADENCE_TEAMS_OPENID_METADATA_URL (to show each attack worked there)."""
    from botframework.connector.auth import AuthenticationConstants
    from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata

    sdk = _OpenIdMetadata(framework.metadata_url)
    sdk.keys, sdk.last_updated = [framework.jwk()], datetime.now()  # already fetched: its blocking fetch
    # of a stand-in served by this same event loop would wait for ever
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
                        sdk)


@pytest.fixture
async def teams(demo_app: App, framework: BotFramework, connector: Connector,  # noqa: F811 - the fixture
                outbound_token: None, sdk_keys_from_framework: None) -> AsyncIterator[TeamsDoor]:
    """The demo trust behind an authenticated Teams door; Sam's Entra object id is on the roster."""
    settings = make_settings(demo_app.settings.database_url, teams_app_id=APP_ID,
                             teams_app_password="not-a-real-password", teams_tenant_id=TENANT,
                             teams_openid_metadata_url=framework.metadata_url, teams_upload_hosts="127.0.0.1")
    app = build_app(settings, clock=demo_app.clock)
    people = await people_of(app)
    await app.repos.people.link_platform_id(people["sam"].id, "teams", SAM_AAD)  # type: ignore[arg-type]
    app.extras["people"] = await people_of(app)
    server = TestServer(build_web_app(app), host="127.0.0.1")
    await server.start_server()
    async with ClientSession() as http:
        yield TeamsDoor(app, framework, connector, str(server.make_url("")).rstrip("/"), http)
    await server.close()
    await app.close()

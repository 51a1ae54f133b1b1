"""Connector and token clients kept between turns, as botbuilder's older BotFrameworkAdapter kept them.

CloudAdapter builds a new ConnectorClient and UserTokenClient for every activity and every proactive
message, and each msrest client configuration costs about 10 ms of CPU (its retry policy builds a
999-entry list with a linear search of another): a third of a Teams turn in bench section 2. The
clients hold nothing of one turn (their credentials fetch and refresh their own tokens), so one is
kept per app id, service URL and audience, the key the legacy adapter used, and reused.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenValidation,
    UserTokenClient,
)

MAX_CLIENTS = 64  # Teams uses a handful of regional service URLs; this only bounds a misbehaving caller


def _app_id(identity: ClaimsIdentity | None) -> str:
    if identity is None or not identity.claims:
        return ""
    return JwtTokenValidation.get_app_id_from_claims(identity.claims) or ""


class _ReusingConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, clients: OrderedDict[tuple[str, str, str], Any], app_id: str) -> None:
        self.inner = inner
        self.clients = clients
        self.app_id = app_id

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (self.app_id, service_url, audience or "")
        client = self.clients.get(key)
        if client is None:
            client = await self.inner.create(service_url, audience)
            self.clients[key] = client
            while len(self.clients) > MAX_CLIENTS:
                self.clients.popitem(last=False)
        else:
            self.clients.move_to_end(key)
        return client


class ReusingAuthentication(ConfigurationBotFrameworkAuthentication):
    """ConfigurationBotFrameworkAuthentication whose connector and token clients outlive a turn."""

    def __init__(self, configuration: Any, **kwargs: Any) -> None:
        super().__init__(configuration, **kwargs)
        self._connectors: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
        self._token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusingConnectorFactory(result.connector_factory, self._connectors,
                                                                _app_id(result.claims_identity))
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _ReusingConnectorFactory(super().create_connector_factory(claims_identity), self._connectors,
                                        _app_id(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = _app_id(claims_identity)
        client = self._token_clients.get(key)
        if client is None:
            client = self._token_clients[key] = await super().create_user_token_client(claims_identity)
        return client

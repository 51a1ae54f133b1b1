"""Microsoft's Bot Framework signing keys, fetched without stalling the event loop.

botframework-connector's ``_OpenIdMetadata`` fetches the OpenID metadata and its key set with a
blocking ``requests.get`` and no timeout, inside the event loop that also serves Slack: one slow
answer from login.botframework.com would stall every request of the process. :class:`SigningKeys`
takes its place in the SDK's cache (``JwtTokenExtractor.metadataCache``, keyed by metadata URL) with
the same ``get(key_id)`` contract:

- fetched with aiohttp (asynchronous, so other requests go on meanwhile) and a total timeout;
- kept for a day, as the SDK does; an unknown key id refreshes at most every :data:`MISS_REFRESH`;
- one fetch at a time: a burst after a restart asks Microsoft once; after a failure, again at most
  every :data:`RETRY_AFTER_FAILURE`;
- a failed refresh keeps the keys already held (logged); with none held the request is refused
  (401 at the route), never a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 10.0  # seconds for the metadata and the key set together
KEEP_FOR = 24 * 3600.0
MISS_REFRESH = 300.0
RETRY_AFTER_FAILURE = 10.0  # while Microsoft is unreachable, ask again at most this often (refusing meanwhile)


@dataclass(frozen=True)
class SigningKey:
    """What JwtTokenExtractor reads from a key: the public key and the channels it endorses."""

    public_key: Any
    endorsements: list[str]


class SigningKeys:
    def __init__(self, url: str, timeout: float = FETCH_TIMEOUT) -> None:
        self.url = url
        self.timeout = timeout
        self.keys: list[dict[str, Any]] = []
        self.fetched_at = float("-inf")
        self.tried_at = float("-inf")
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def _lock(self) -> asyncio.Lock:
        """One lock per event loop (the SDK's cache is process-wide; a test suite runs many loops)."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            self._locks = {k: v for k, v in self._locks.items() if not k.is_closed()}
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def get(self, key_id: str | None) -> SigningKey | None:
        now = time.monotonic()
        if now - self.fetched_at > KEEP_FOR and now - self.tried_at > RETRY_AFTER_FAILURE:
            await self._refresh(now)
        key = self._find(key_id)
        if key is None and time.monotonic() - self.tried_at > MISS_REFRESH:
            await self._refresh(time.monotonic())
            key = self._find(key_id)
        if key is None:
            raise PermissionError("the token's signing key is not one of the Bot Framework's")
        return key

    async def _refresh(self, asked_at: float) -> None:
        async with self._lock():
            if self.tried_at >= asked_at:
                return  # another request fetched while this one waited
            self.tried_at = time.monotonic()
            try:
                timeout = aiohttp.ClientTimeout(total=self.timeout)
                async with aiohttp.ClientSession(timeout=timeout) as http:
                    async with http.get(self.url) as answer:
                        answer.raise_for_status()
                        jwks_uri = (await answer.json(content_type=None))["jwks_uri"]
                    async with http.get(jwks_uri) as answer:
                        answer.raise_for_status()
                        keys = (await answer.json(content_type=None))["keys"]
                if not isinstance(keys, list):
                    raise ValueError("'keys' is not a list")
            except Exception as error:  # noqa: BLE001 - network, HTTP, JSON: keep what we have
                log.error("teams: could not fetch the Bot Framework signing keys from %s (%s: %s); %s",
                          self.url, type(error).__name__, error,
                          "keeping the keys already held" if self.keys else "requests are refused until it works")
                return
            self.keys = [k for k in keys if isinstance(k, dict)]
            self.fetched_at = time.monotonic()

    def _find(self, key_id: str | None) -> SigningKey | None:
        for key in self.keys:
            if key.get("kid") == key_id:
                try:
                    public_key = RSAAlgorithm.from_jwk(json.dumps(key))
                except Exception:  # noqa: BLE001 - a malformed key in the set is no key
                    return None
                endorsements = key.get("endorsements")
                return SigningKey(public_key, list(endorsements) if isinstance(endorsements, list) else [])
        return None


def install(metadata_url: str = "") -> str:
    """Put :class:`SigningKeys` in the SDK's cache in place of its blocking fetcher.

    The SDK looks keys up under Microsoft's public-cloud metadata URLs (channel and Emulator); the keys
    are fetched from there, or from ``CADENCE_TEAMS_OPENID_METADATA_URL`` when set (tests' local
    stand-in). Returns the URL the channel keys come from.
    """
    source = metadata_url.strip() or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    wanted = {AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: source,
              AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL:
                  AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL}
    for key, url in wanted.items():
        existing = JwtTokenExtractor.metadataCache.get(key)
        if not (isinstance(existing, SigningKeys) and existing.url == url):
            JwtTokenExtractor.metadataCache[key] = SigningKeys(url)
    return source

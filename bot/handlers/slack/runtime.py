"""The Slack side of one process: Web API client, Bolt app, channel and identity, built once.

``install(app)`` is idempotent and does nothing without CADENCE_SLACK_BOT_TOKEN. It registers the
channel in ``app.channels["slack"]`` so the reminder dispatcher can deliver through it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.handlers import ack_first
from bot.handlers.ack_first import AckFirst
from bot.handlers.slack.channel import SlackChannel, build_client
from bot.handlers.slack.identity import SlackIdentity
from bot.handlers.slack.pacing import SlackPacer

log = logging.getLogger(__name__)

EXTRAS_KEY = "slack"


@dataclass
class SlackRuntime:
    app: App
    client: AsyncWebClient
    bolt: AsyncApp
    channel: SlackChannel
    identity: SlackIdentity
    work: AckFirst = field(default_factory=AckFirst)

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait for the work of every acknowledged request (tests; shutdown)."""
        await self.work.idle(timeout)

    _bot_user_id: str | None = None  # set once auth.test has answered
    _checking: asyncio.Lock | None = None
    _token_workspaces: frozenset[str] = frozenset()

    @property
    def checked(self) -> bool:
        """auth.test has answered once in this process."""
        return self._bot_user_id is not None

    async def reachable(self) -> bool:
        """Can we talk to Slack's Web API? (auth.test once per process, retried until it works)

        Bolt needs auth.test before it runs a listener; without this check an unreachable API would
        make Bolt answer 500, which would wrongly look like our bug.
        """
        if self._bot_user_id is not None:
            return True
        if self._checking is None:
            self._checking = asyncio.Lock()
        async with self._checking:  # a burst after a restart asks Slack once, not once per request
            if self._bot_user_id is not None:
                return True
            try:
                response = await self.client.auth_test()
            except Exception as error:  # noqa: BLE001 - SlackApiError, aiohttp errors, timeouts alike
                log.error("Slack Web API unreachable (auth.test: %s: %s)", error.__class__.__name__, error)
                return False
            self._bot_user_id = str(response.get("user_id") or "")
            self._token_workspaces = frozenset(str(response.get(k)) for k in ("team_id", "enterprise_id")
                                               if response.get(k))
            return True

    @property
    def workspaces(self) -> frozenset[str] | None:
        """The team ids (and Enterprise Grid org ids) whose requests are taken: CADENCE_SLACK_TEAM_IDS,
        else the bot token's own as auth.test reported them; None until auth.test has answered."""
        configured = frozenset(t.strip() for t in self.app.settings.slack_team_ids.split(",") if t.strip())
        if configured:
            return configured
        return self._token_workspaces if self._bot_user_id is not None else None


def install(app: App) -> SlackRuntime | None:
    existing = app.extras.get(EXTRAS_KEY)
    if isinstance(existing, SlackRuntime):
        return existing
    settings = app.settings
    if not settings.slack_bot_token:
        return None
    from bot.handlers.slack import listeners

    client = build_client(settings.slack_bot_token, settings.slack_api_url)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        request_verification_enabled=True,  # the v0 HMAC signature and 5-minute timestamp window
        # Our listeners only ack and hand the answer to ack_first, so Bolt may run them before it
        # answers: the ack then goes back the moment it is ready, not at Bolt's next 10 ms poll of it
        # (process_before_response=False runs the listener as a task and polls for its ack)
        process_before_response=True,
        logger=logging.getLogger("bot.handlers.slack.bolt"),
        name="cadence",
    )
    identity = SlackIdentity(app.repos, client)
    pacer = SlackPacer(per_channel=settings.slack_per_channel_per_second,
                       per_workspace=settings.slack_per_workspace_per_second)
    runtime = SlackRuntime(app, client, bolt, SlackChannel(client, app.repos, identity, pacer), identity,
                           ack_first.of(app))
    listeners.register(bolt, runtime)
    app.channels["slack"] = runtime.channel
    app.extras[EXTRAS_KEY] = runtime
    return runtime

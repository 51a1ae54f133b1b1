"""Sending to Slack: replies into a DM, modals, the App Home, files; and the reminders' Deliverer.

Reminders are paced (bot.handlers.slack.pacing): each waits for its conversation's turn and a place
in the workspace's second, so a trust-wide run goes at Slack's documented rate instead of into 429s.
The Deliverer tells the dispatcher how long a person's conversation is still busy (``ready_in``),
so one colleague with several reminders never holds the others up. A 429 on a reminder is not
waited out here: the pacer learns its Retry-After and the Deliverer raises :class:`DeliveryError`
with ``retry_after``, so the dispatcher tries again then without holding a worker. Answers in
conversation (someone is waiting) keep slack_sdk's retry handler for short rate limits (up to
``RATE_LIMIT_WAIT`` seconds) and count against the same pacing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import DeliveryError, Person
from bot.handlers.slack import blocks
from bot.handlers.slack.identity import SlackIdentity
from bot.handlers.slack.pacing import SlackPacer
from bot.messages import Channel, Reply

if TYPE_CHECKING:
    from bot.services import Repositories

log = logging.getLogger(__name__)

RATE_LIMIT_WAIT = 5  # seconds we are willing to wait in-process for a 429
RATE_LIMIT_RETRIES = 2
PERMANENT_ERRORS = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot", "channel_not_found",
                    "is_archived", "users_not_found", "not_allowed_token_type"}


class ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, but only for waits we can afford while someone is waiting."""

    def __init__(self, max_retry_count: int = RATE_LIMIT_RETRIES, max_wait: int = RATE_LIMIT_WAIT) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        return (retry_after(response.headers) or 0) <= self.max_wait


def retry_after(headers: Any) -> float | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


def build_client(token: str, api_url: str = "") -> AsyncWebClient:
    base = (api_url or "https://slack.com/api/").rstrip("/") + "/"
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler(), ShortRateLimitRetryHandler()]
    return AsyncWebClient(token=token, base_url=base, retry_handlers=handlers)


def delivery_client(client: AsyncWebClient) -> AsyncWebClient:
    """The same Web API client without the in-process 429 retry: a reminder's 429 goes back to the
    dispatcher (and the pacer) instead of sleeping inside the send."""
    return AsyncWebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                          retry_handlers=[AsyncConnectionErrorRetryHandler()])


def as_delivery_error(error: Exception) -> DeliveryError:
    if isinstance(error, SlackApiError):
        response = error.response
        code = response.get("error") if isinstance(response.data, dict) else None
        if response.status_code == 429:
            wait = retry_after(response.headers)
            return DeliveryError(f"Slack rate limit (Retry-After {wait})", retry_after=wait if wait is not None else 60)
        return DeliveryError(f"Slack API error: {code or response.status_code}", permanent=code in PERMANENT_ERRORS)
    return DeliveryError(f"Slack unreachable: {error.__class__.__name__}: {error}")


class SlackChannel:
    """The Slack Deliverer (bot/delivery.py) and the listeners' way of answering."""

    channel = Channel.SLACK

    def __init__(self, client: AsyncWebClient, repos: Repositories, identity: SlackIdentity,
                 pacer: SlackPacer | None = None) -> None:
        self.client = client
        self.repos = repos
        self.identity = identity
        self.pacer = pacer or SlackPacer()
        self._poster = delivery_client(client)
        # answers and conversations.open: the retries of ``client``, on the kept-alive session
        self._answerer = AsyncWebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                                        retry_handlers=list(client.retry_handlers))
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._dms: dict[str, str] = {}

    def _kept_alive(self, client: AsyncWebClient) -> AsyncWebClient:
        """``client`` on the process's one kept-alive HTTP session (per event loop), for answers and
        reminders alike: without one, slack_sdk opens a new connection (to Slack, a TLS handshake) for
        every call, which costs more than the call (bench sections 4 and 6)."""
        loop = asyncio.get_running_loop()
        session = self._poster.session
        if session is None or session.closed or self._session_loop is not loop:
            session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.client.timeout))
            self._session_loop = loop
        self._poster.session = self._answerer.session = session
        return client

    def _web(self) -> AsyncWebClient:
        """The client answers and conversations.open go through, kept alive."""
        return self._kept_alive(self._answerer)

    async def aclose(self) -> None:
        """Close the reminders' HTTP session (App.close calls this)."""
        session, self._poster.session, self._answerer.session = self._poster.session, None, None
        if session is not None and not session.closed and self._session_loop is asyncio.get_running_loop():
            await session.close()

    # --- Deliverer ----------------------------------------------------------------------------

    async def can_reach(self, person: Person) -> bool:
        if person.slack_user_id:
            return True
        if not person.email or person.id is None:
            return False
        user_id = await self.identity.user_id_for_email(person.email)
        if user_id is None:
            return False
        await self.repos.people.link_platform_id(person.id, "slack", user_id)
        person.slack_user_id = user_id
        return True

    def ready_in(self, person: Person) -> float:
        """Seconds until the person's DM may take the next message (the pacer's per-conversation turn,
        or a pause Slack asked for with a 429); 0 if now."""
        return self.pacer.ready_in(self._dms.get(person.slack_user_id or "", ""))

    async def deliver(self, person: Person, reply: Reply) -> None:
        """A reminder or notice into the person's DM, paced; raises DeliveryError (retry_after on 429)."""
        if not person.slack_user_id and not await self.can_reach(person):
            raise DeliveryError(f"person {person.id} has no Slack account", permanent=True)
        assert person.slack_user_id
        dm = ""
        try:
            dm = await self.dm_channel(person.slack_user_id, via=self._web())
            await self._post_all(dm, [reply], paced=True)
        except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as error:
            failure = as_delivery_error(error)
            if failure.retry_after is not None and dm:  # chat.postMessage's 429 (not conversations.open's)
                self.pacer.rate_limited(dm, failure.retry_after)
            raise failure from error

    # --- answering in conversation ------------------------------------------------------------

    async def dm_channel(self, user_id: str, via: AsyncWebClient | None = None) -> str:
        """The bot's DM with this user (conversations.open is idempotent; cached per process)."""
        if user_id not in self._dms:
            client = via or self._web()
            response = await client.conversations_open(users=user_id)
            self._dms[user_id] = response["channel"]["id"]
        return self._dms[user_id]

    async def send(self, channel_id: str, replies: Sequence[Reply], *, trigger_id: str | None = None) -> None:
        """Post replies into a conversation; the first form opens as a modal when a trigger id is at hand.

        Errors are logged, not raised: the person has been acknowledged already and a failure here
        must not turn into a retry storm from Slack.
        """
        try:
            if trigger_id:
                form = next((r for r in replies if r.form is not None), None)
                if form is not None:
                    await self.open_form(trigger_id, form, channel_id)
            await self._post_all(channel_id, replies)
        except SlackApiError as error:
            log.error("Slack answer to %s failed: %s", channel_id, error.response.get("error"))

    async def open_form(self, trigger_id: str, reply: Reply, channel_id: str | None) -> bool:
        """views.open; False (and the message's "Open the form" button stays the way in) on failure."""
        try:
            await self._web().views_open(trigger_id=trigger_id, view=blocks.modal_view(reply, channel_id))
            return True
        except SlackApiError as error:
            log.warning("views.open failed (%s); the form stays one click away", error.response.get("error"))
            return False

    async def mark_answered(self, channel_id: str, ts: str, message_blocks: Sequence[dict[str, Any]],
                            label: str, text: str) -> None:
        """chat.update the clicked message: its buttons give way to the answer chosen."""
        try:
            await self._web().chat_update(channel=channel_id, ts=ts, text=text or label,
                                          blocks=blocks.answered(message_blocks, label))
        except SlackApiError as error:
            log.info("chat.update of %s failed: %s", ts, error.response.get("error"))

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        try:
            await self._web().views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            log.error("views.publish for %s failed: %s", user_id, error.response.get("error"))

    async def _post_all(self, channel_id: str, replies: Sequence[Reply], *, paced: bool = False) -> None:
        """chat.postMessage each message; ``paced`` (reminders) waits for the pacer's slot and lets a
        429 through, otherwise (answers) sends now and only tells the pacer it did."""
        for reply in replies:
            if reply.text.strip() or reply.card or reply.choices or reply.form:
                for message in blocks.render_reply(reply):
                    if paced:
                        async with self.pacer.slot(channel_id):
                            await self._kept_alive(self._poster).chat_postMessage(channel=channel_id, text=message.text,
                                                                   blocks=message.blocks, unfurl_links=False)
                        continue
                    await self._web().chat_postMessage(channel=channel_id, text=message.text, blocks=message.blocks,
                                                       unfurl_links=False)
                    self.pacer.sent_outside(channel_id)
            for attachment in reply.attachments:
                await self._web().files_upload_v2(channel=channel_id, content=attachment.content,
                                                  filename=attachment.filename,
                                                  title=attachment.title or attachment.filename)

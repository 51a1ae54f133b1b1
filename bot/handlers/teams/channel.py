"""The Teams Deliverer (bot/delivery.py): reminders and notices as proactive messages.

A person is reachable when a ConversationReference was stored for them (on install or first
contact). ``deliver`` continues that conversation through the CloudAdapter and sends the rendered
reply. When the connector answers 429 the Deliverer waits for ``Retry-After`` (up to
:attr:`TeamsDeliverer.max_wait` seconds) and sends that activity again (throttle.py), so nothing is
sent twice; if it is still throttled, or asked to wait longer, it raises
``DeliveryError(retry_after=...)`` and the dispatcher tries later. 403/404 (the app was removed,
the conversation is gone) are permanent and the stored conversation is forgotten.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from botbuilder.core import TurnContext
from botbuilder.schema import ConversationReference, ErrorResponseException

from bot.delivery import DeliveryError, Person
from bot.handlers.teams.bot import CHANNEL, render_for
from bot.handlers.teams.throttle import Sleep, retry_after_seconds, send_all, status_and_headers
from bot.messages import Channel, Reply

if TYPE_CHECKING:
    from bot.services import Repositories

log = logging.getLogger(__name__)


class TeamsDeliverer:
    channel = Channel.TEAMS

    def __init__(self, adapter: Any, repos: Repositories, app_id: str = "", *, max_wait: float = 10.0,
                 attempts: int = 3, sleep: Sleep = asyncio.sleep) -> None:
        self.adapter = adapter
        self.repos = repos
        self.app_id = app_id
        self.max_wait = max_wait
        self.attempts = attempts
        self.sleep = sleep

    async def can_reach(self, person: Person) -> bool:
        if person.id is None or not person.active:
            return False
        return await self.repos.conversations.conversation_reference(person.id, CHANNEL) is not None

    async def deliver(self, person: Person, reply: Reply) -> None:
        stored = await self.repos.conversations.conversation_reference(person.id, CHANNEL) if person.id is not None else None
        if stored is None:
            raise DeliveryError(f"no Teams conversation stored for person {person.id}", permanent=True)
        reference = ConversationReference().deserialize(stored)
        failure: Exception | None = None

        async def send(turn_context: TurnContext) -> None:
            # errors are caught here: the adapter's on_turn_error would otherwise swallow them
            nonlocal failure
            # the SDK gives the continuation activity a made-up id; replying "to" it would thread the
            # reminder under a message that doesn't exist, so send it as a new message instead
            turn_context.activity.id = None
            try:
                activities = await render_for(self.repos, turn_context.activity, [reply], person)
                await send_all(turn_context, activities, sleep=self.sleep, attempts=self.attempts,
                               max_wait=self.max_wait)
            except Exception as error:  # noqa: BLE001 - judged below
                failure = error

        try:
            await self.adapter.continue_conversation(reference, send, self.app_id or None)
        except Exception as error:  # noqa: BLE001 - e.g. no token for the connector
            failure = error
        if failure is None:
            return
        if not isinstance(failure, ErrorResponseException):
            raise DeliveryError(f"Teams delivery failed: {failure}") from failure
        status, headers = status_and_headers(failure)
        if status == 429:
            raise DeliveryError("Teams is throttling messages (429)",
                                retry_after=retry_after_seconds(headers)) from failure
        if status in (403, 404):
            # the app was removed or the chat is gone: forget it, so can_reach says no and the
            # dispatcher falls back to another channel (email) next time
            await self.repos.conversations.delete_conversation_reference(person.id, CHANNEL)  # type: ignore[arg-type]
            raise DeliveryError(f"Teams refused the message ({status}); conversation forgotten",
                                permanent=True) from failure
        if status == 401:
            raise DeliveryError("Teams refused the bot's credentials (401): check CADENCE_TEAMS_APP_ID and "
                                "_PASSWORD", permanent=True) from failure
        raise DeliveryError(f"Teams connector error ({status})") from failure

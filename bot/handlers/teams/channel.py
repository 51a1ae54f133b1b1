"""The Teams Deliverer (bot/delivery.py): reminders and notices as proactive messages.

A person is reachable when a ConversationReference was stored for them (on install or first
contact). ``deliver`` continues that conversation through the CloudAdapter and sends the rendered
reply. When the connector answers 429 the Deliverer waits for ``Retry-After`` (up to
:attr:`TeamsDeliverer.max_wait` seconds) and tries again, resuming after the last activity that got
through so nothing is sent twice; if it is still throttled it raises
``DeliveryError(retry_after=...)`` and the dispatcher tries later. 403/404 (the app was removed,
the conversation is gone) are permanent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference, ErrorResponseException

from bot.delivery import DeliveryError
from bot.handlers.teams.bot import CHANNEL, render_for
from bot.messages import Channel, Reply
from store.models import Person, utcnow
from store.repo import Repo

log = logging.getLogger(__name__)


def retry_after_seconds(headers: Any, default: float = 1.0) -> float:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    value = (headers or {}).get("Retry-After") if hasattr(headers, "get") else None
    if not value:
        return default
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - utcnow()).total_seconds())
    except (TypeError, ValueError):
        return default


def _status_and_headers(error: Exception) -> tuple[int | None, Any]:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return (int(status) if status else None), getattr(response, "headers", None)


class TeamsDeliverer:
    channel = Channel.TEAMS

    def __init__(self, adapter: Any, repo: Repo, app_id: str = "", *, max_wait: float = 10.0,
                 attempts: int = 3, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.adapter = adapter
        self.repo = repo
        self.app_id = app_id
        self.max_wait = max_wait
        self.attempts = attempts
        self.sleep = sleep

    async def can_reach(self, person: Person) -> bool:
        if person.id is None or not person.active:
            return False
        return await self.repo.conversation_reference(person.id, CHANNEL) is not None

    async def deliver(self, person: Person, reply: Reply) -> None:
        stored = await self.repo.conversation_reference(person.id, CHANNEL) if person.id is not None else None
        if stored is None:
            raise DeliveryError(f"no Teams conversation stored for person {person.id}", permanent=True)
        reference = ConversationReference().deserialize(stored)
        sent = 0
        failure: Exception | None = None

        async def send(turn_context: TurnContext) -> None:
            # errors are caught here: the adapter's on_turn_error would otherwise swallow them
            nonlocal sent, failure
            # the SDK gives the continuation activity a made-up id; replying "to" it would thread the
            # reminder under a message that doesn't exist, so send it as a new message instead
            turn_context.activity.id = None
            try:
                activities = await render_for(self.repo, turn_context.activity, [reply], person)
                for data in activities[sent:]:
                    await turn_context.send_activity(Activity().deserialize(data))
                    sent += 1
            except Exception as error:  # noqa: BLE001 - judged below
                failure = error

        for attempt in range(1, self.attempts + 1):
            failure = None
            try:
                await self.adapter.continue_conversation(reference, send, self.app_id or None)
            except Exception as error:  # noqa: BLE001 - e.g. no token for the connector
                failure = error
            if failure is None:
                return
            if not isinstance(failure, ErrorResponseException):
                raise DeliveryError(f"Teams delivery failed: {failure}") from failure
            status, headers = _status_and_headers(failure)
            if status == 429:
                wait = retry_after_seconds(headers)
                if attempt < self.attempts and wait <= self.max_wait:
                    log.info("teams: throttled (429); waiting %.1fs as Retry-After asks", wait)
                    await self.sleep(wait)
                    continue
                raise DeliveryError("Teams is throttling messages (429)", retry_after=wait) from failure
            if status in (401, 403, 404):
                raise DeliveryError(f"Teams refused the message ({status})", permanent=True) from failure
            raise DeliveryError(f"Teams connector error ({status})") from failure

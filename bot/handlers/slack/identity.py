"""Who a Slack user is: the roster's slack_user_id, else the email Slack holds for them.

The first time someone writes, ``users.info`` gives their workspace email; if the roster has that
email (and no other Slack id for it), the Slack id is remembered on the person
(``repos.people.link_platform_id``), so the next message needs no lookup. Anyone else gets the engine's
polite refusal and nothing is stored. Misses are cached for a few minutes so a stranger cannot
make us call users.info on every keystroke.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.handlers.slack.translate import identity

if TYPE_CHECKING:
    from bot.services import Repositories

log = logging.getLogger(__name__)


class SlackUnreachable(Exception):
    """Slack could not be asked who this is; unlike "not on the roster", this is not remembered."""


class SlackIdentity:
    def __init__(self, repos: Repositories, client: AsyncWebClient, *, miss_ttl: float = 300.0) -> None:
        self.repos = repos
        self.client = client
        self.miss_ttl = miss_ttl
        self._misses: dict[str, float] = {}

    async def resolve(self, user_id: str, team_id: str | None = None) -> int | None:
        """The person id for a Slack user id, linking by email on first contact; None if unknown.

        ``team_id``: the workspace the request came from, recorded in the link's audit row.

        Raises :class:`SlackUnreachable` when Slack can't be asked right now.
        """
        person = await self.repos.people.person_by_slack_id(user_id)
        if person is not None:
            return person.id if person.active else None
        missed = self._misses.get(user_id)
        if missed is not None and time.monotonic() - missed < self.miss_ttl:
            return None
        email = await self._email(user_id)  # SlackUnreachable propagates: "try again", not "who are you?"
        person = await self.repos.people.person_by_email(email) if email else None
        if person is None or person.id is None or not person.active:
            self._misses[user_id] = time.monotonic()
            return None
        if person.slack_user_id and person.slack_user_id != user_id:
            log.warning("Slack user %s has the email of person %s, who is linked to another Slack id; not linking",
                        user_id, person.id)
            self._misses[user_id] = time.monotonic()
            return None
        await self.repos.people.link_platform_id(person.id, "slack", user_id)
        await self.repos.audit.audit(actor_id=person.id, action="link", record_type="person", record_id=person.id,
                              subject_person_id=person.id, channel="slack", actor_identity=identity(user_id, team_id),
                              detail={"by": "email", "team": team_id or ""})
        self._misses.pop(user_id, None)
        return person.id

    async def email_of(self, user_id: str) -> str | None:
        """A Slack user's email, for a mention in a command (``export <@U0JO>``): the roster's when the id
        is linked, else Slack's profile (users.info); None when neither says, or Slack can't be asked.
        Nothing is linked or stored: who may see whose record is still the router's to decide."""
        person = await self.repos.people.person_by_slack_id(user_id)
        if person is not None:
            return person.email
        try:
            return await self._email(user_id)
        except SlackUnreachable:
            return None

    async def user_id_for_email(self, email: str) -> str | None:
        """users.lookupByEmail, for reminders to someone who has not written to Cadence yet."""
        try:
            response = await self.client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                log.warning("users.lookupByEmail failed: %s", error.response.get("error"))
            return None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("users.lookupByEmail unreachable: %s", error)
            return None
        user = response.get("user") or {}
        if user.get("deleted") or user.get("is_bot"):
            return None
        return user.get("id")

    async def _email(self, user_id: str) -> str | None:
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.status_code == 429 or error.response.status_code >= 500:
                raise SlackUnreachable from error
            log.info("users.info for %s failed: %s", user_id, error.response.get("error"))
            return None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("users.info unreachable: %s", error)
            raise SlackUnreachable from error
        user = response.get("user") or {}
        if user.get("deleted") or user.get("is_bot"):
            return None
        email = (user.get("profile") or {}).get("email")
        return email if isinstance(email, str) and "@" in email else None

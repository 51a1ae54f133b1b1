"""Sending a document (``export``) to a Teams user.

What Teams really supports for a bot in a personal chat: the *file consent* flow of the Teams bot
APIs (manifest ``"supportsFiles": true``; personal scope only). Teams does not show ``data:`` URIs
except for inline images, so a DOCX or PDF cannot simply be attached.

1. The bot sends a FileConsentCard (name, size, description) and keeps the bytes in the
   ``file_offer`` table, keyed by a random token carried in the card's accept/decline context.
   The table (not memory) is used so any worker can finish the upload.
2. The user presses Allow: Teams creates the file in their OneDrive and sends an invoke
   ``fileConsent/invoke`` with an ``uploadUrl``; the bot PUTs the bytes there (one request with
   ``Content-Range``), sends a FileInfoCard pointing at the file, removes the consent card and deletes
   the offer. Decline deletes the offer too; offers older than :data:`OFFER_TTL` are purged.

The Bot Framework Emulator has no file consent, so there (channel ``emulator``) the document is sent as
an ordinary attachment with a ``data:`` URI, which the Emulator offers for download. In a Teams group
chat or channel (not in the manifest's scopes) the user is asked to use the personal chat.
"""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.schema import Activity
from botbuilder.schema.teams import FileConsentCardResponse

from bot.delivery import Person
from bot.dialogs.engine import FirstDelivery
from bot.messages import Attachment

if TYPE_CHECKING:
    from bot.services import Repositories

log = logging.getLogger(__name__)

CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent"
INFO_CARD = "application/vnd.microsoft.teams.card.file.info"
OFFER_TTL = timedelta(days=1)
CONTEXT_KEY = "cadence_offer"


async def offer(repos: Repositories, activity: Activity, attachment: Attachment, person: Person | None) -> dict[str, Any]:
    """The activity that offers ``attachment`` to the person in this conversation."""
    channel = (activity.channel_id or "").lower()
    if channel == "emulator":
        data = base64.b64encode(attachment.content).decode("ascii")
        return {"type": "message", "text": f"Here is {attachment.filename}.",
                "attachments": [{"contentType": attachment.media_type, "name": attachment.filename,
                                 "contentUrl": f"data:{attachment.media_type};base64,{data}"}]}
    conversation_type = getattr(activity.conversation, "conversation_type", None) or "personal"
    if person is None or person.id is None or conversation_type != "personal":
        return {"type": "message", "text": "I can only send documents in our one-to-one chat. Open a chat with "
                                           "Cadence and say export there (Policy 10.2)."}
    await repos.conversations.purge_file_offers(datetime.now(UTC) - OFFER_TTL)
    token = secrets.token_urlsafe(24)
    await repos.conversations.save_file_offer(token=token, person_id=person.id, channel="teams", filename=attachment.filename,
                               media_type=attachment.media_type, content=attachment.content)
    description = attachment.title or attachment.filename
    return {"type": "message",
            "text": f"{description} is ready. Press Allow and I'll save it to your OneDrive, where only you "
                    "can see it (Policy 10.2).",
            "attachments": [{"contentType": CONSENT_CARD, "name": attachment.filename,
                             "content": {"description": description[:200], "sizeInBytes": len(attachment.content),
                                         "acceptContext": {CONTEXT_KEY: token},
                                         "declineContext": {CONTEXT_KEY: token}}}]}


def _token(response: FileConsentCardResponse) -> str:
    context = response.context if isinstance(response.context, dict) else {}
    return str(context.get(CONTEXT_KEY) or "")


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def upload_allowed(url: object, allowed_hosts: str) -> bool:
    """Is ``url`` on the person's OneDrive / SharePoint (``CADENCE_TEAMS_UPLOAD_HOSTS``)?

    https only, on a listed host or a subdomain of one (``contoso-my.sharepoint.com``); plain http only
    for a listed loopback host (tests' stand-in).
    """
    if not isinstance(url, str) or not url:
        return False
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    if not host or parts.scheme not in ("https", "http"):
        return False
    listed = [h.strip().lower().lstrip(".") for h in allowed_hosts.split(",") if h.strip()]
    if not any(host == h or host.endswith("." + h) for h in listed):
        return False
    return parts.scheme == "https" or host in LOOPBACK_HOSTS


class _Refused(Exception):
    """An invoke Cadence will not act on; raised inside the unit so that its claim is undone too."""


async def accept(repos: Repositories, turn_context: TurnContext, response: FileConsentCardResponse,
                 person: Person | None, allowed_hosts: str, first: FirstDelivery | None = None) -> None:
    """Upload the offered document to the person's OneDrive, once.

    ``first`` claims the invoke's activity id (store/repos/inbound.py), like a message's: the Bot
    Framework may deliver one invoke twice, to any worker. A copy of a taken invoke uploads nothing and
    says nothing. The claim is made in one unit with reading the offer and is undone when the invoke is
    refused (not the person's offer, an upload URL off their OneDrive), so a refusal stores nothing. The
    upload runs after the unit commits: an HTTP PUT is not held inside a transaction (on SQLite that
    would hold every turn's write lock for as long as the upload takes).
    """
    try:
        async with repos.unit():
            if first is not None and not await first():
                return  # this invoke was taken already: its upload is done or under way
            token = _token(response)
            record = await repos.conversations.file_offer(token) if token else None
            if record is None or person is None or record.person_id != person.id:
                raise _Refused("That document offer has expired. Say export to make it again.")
            info = response.upload_info
            if not upload_allowed(getattr(info, "upload_url", None), allowed_hosts):
                log.warning("teams: file consent for person %s refused: upload URL host %r is not "
                            "OneDrive/SharePoint", person.id, urlsplit(str(getattr(info, "upload_url", "") or "")).hostname)
                raise _Refused("Sorry, I can only save documents to your own OneDrive. "
                               "Say export to make the document again (Policy 10.2).")
    except _Refused as refused:
        await turn_context.send_activity(str(refused))
        return
    size = len(record.content)
    headers = {"Content-Length": str(size), "Content-Range": f"bytes 0-{size - 1}/{size}"}
    try:
        async with aiohttp.ClientSession() as http, http.put(info.upload_url, data=record.content,
                                                               headers=headers) as answer:
            if answer.status >= 300:
                raise RuntimeError(f"upload answered {answer.status}")
    except Exception as error:  # noqa: BLE001 - tell the person; the offer stays for another try
        log.warning("teams: upload of %s failed: %s", record.filename, error)
        await turn_context.send_activity("Sorry, I couldn't save the document to your OneDrive just now. "
                                         "Please press Allow again in a minute, or say export.")
        return
    await repos.conversations.delete_file_offer(token)
    card = Activity(type="message", attachments=[{
        "contentType": INFO_CARD, "contentUrl": info.content_url, "name": info.name or record.filename,
        "content": {"uniqueId": info.unique_id, "fileType": info.file_type}}])
    await turn_context.send_activity(card)
    await _remove_consent_card(turn_context)


async def decline(repos: Repositories, turn_context: TurnContext, response: FileConsentCardResponse,
                  person: Person | None, first: FirstDelivery | None = None) -> None:
    """Forget the person's own offer; ``first`` claims the invoke's id with the deletion, so a copy says
    nothing more. An offer that is gone, or is someone else's (the card's token is not who is acting), is
    left as it is and nothing is stored."""
    try:
        async with repos.unit():
            if first is not None and not await first():
                return
            token = _token(response)
            record = await repos.conversations.file_offer(token) if token else None
            if record is None or person is None or record.person_id != person.id:
                raise _Refused
            await repos.conversations.delete_file_offer(token)
    except _Refused:
        pass  # to this person nothing was sent either way
    await turn_context.send_activity("OK, I haven't sent the document. Say export whenever you want it.")
    await _remove_consent_card(turn_context)


async def _remove_consent_card(turn_context: TurnContext) -> None:
    reply_to = turn_context.activity.reply_to_id
    if not reply_to:
        return
    try:
        await turn_context.delete_activity(reply_to)
    except Exception as error:  # noqa: BLE001 - a card left in place is harmless
        log.info("teams: could not remove the consent card: %s", error)

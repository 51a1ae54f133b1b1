"""The Teams bot: an ActivityHandler that hands each message to the dialog engine.

Identity (Policy 10.1, confidentiality): the sender's Entra object id (``from.aadObjectId``) is looked
up with ``repos.people.person_by_teams_id``. The first time, when no one has that id yet, the bot asks Teams
for the member's email (``TeamsInfo.get_member``), finds the person by email and remembers the id
(``repos.people.link_platform_id``), so later messages need no lookup. Someone not on the roster, or from
another tenant when ``CADENCE_TEAMS_TENANT_ID`` is set, gets the engine's polite refusal and nothing
is read or stored for them.

Proactive messages need a ConversationReference: it is saved on install (``installationUpdate``),
when the bot is added to the chat (``conversationUpdate``) and, if it changed, on every message.
"""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ChannelAccount
from botbuilder.schema.teams import FileConsentCardResponse

from bot.delivery import Person
from bot.dialogs.engine import FirstDelivery, unknown_person_reply
from bot.handlers.teams import cards, files
from bot.handlers.teams.throttle import Sleep, send_all
from bot.handlers.teams.translate import answered_card_text, door_problem, tenant_of, to_inbound, user_key
from bot.messages import Channel, Inbound, Reply

if TYPE_CHECKING:
    from bot.services import Repositories

log = logging.getLogger(__name__)

CHANNEL = Channel.TEAMS.value


def reference_of(activity: Activity) -> dict[str, Any]:
    """The activity's ConversationReference as plain JSON, without the per-message activity id."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    data = reference.serialize()
    data.pop("activityId", None)
    return data


class CadenceTeamsBot(TeamsActivityHandler):
    def __init__(self, app: Any, *, tenant_id: str = "", sleep: Sleep = asyncio.sleep,
                 emulator_emails: bool = False) -> None:
        self.app = app
        self.emulator_emails = emulator_emails
        self.sleep = sleep
        self.repos: Repositories = app.repos
        self.tenant_id = tenant_id.strip()

    # --- identity ---------------------------------------------------------------------------

    async def person_for(self, turn_context: TurnContext) -> Person | None:
        """Who sent this activity, or None (then they get the polite refusal and nothing is stored).

        Refused outright: another channel of the Azure Bot (Web Chat, Direct Line), an activity with no
        tenant or another tenant when ``CADENCE_TEAMS_TENANT_ID`` is set. Identity is the Entra object id
        (``aadObjectId``); when Teams leaves it out, the Teams roster is asked (TeamsInfo.get_member),
        never the client-chosen ``from.id``.
        """
        activity = turn_context.activity
        problem = door_problem(activity, tenant_id=self.tenant_id, emulator=self.emulator_emails)
        if problem is None and self.tenant_id and tenant_of(activity) not in (None, self.tenant_id):
            problem = f"another tenant ({str(tenant_of(activity))[:60]})"
        if problem is not None:
            log.warning("teams: %s activity refused: %s", activity.type, problem)
            return None
        key = user_key(activity)
        if key:
            person = await self.repos.people.person_by_teams_id(key)
            if person is not None:
                return person if person.active else None
        member_key, email = await self._member(turn_context)
        if not key:
            key = member_key  # the roster's object id for this conversation member
        if not key:
            log.warning("teams: no Entra object id for %s; not identified", activity.from_property.id)
            return None
        if member_key and member_key != key:
            log.warning("teams: the roster gives another object id for this sender; not identified")
            return None
        person = await self.repos.people.person_by_teams_id(key)
        if person is not None:
            return person if person.active else None
        if not email and self.emulator_emails and activity.channel_id == "emulator" and "@" in key:
            email = key  # local trial: the Emulator's "user ID" setting is a roster email
        if not email:
            return None
        person = await self.repos.people.person_by_email(email)
        if person is None or person.id is None or not person.active:
            log.info("teams: %s is not on the roster", email)
            return None
        if person.teams_user_id and person.teams_user_id != key:
            log.warning("teams: %s already has another Teams id on the roster; not linking %s", email, key)
            return None
        await self.repos.people.link_platform_id(person.id, CHANNEL, key)
        log.info("teams: linked %s to person %s", key, person.id)
        return await self.repos.people.person(person.id)

    async def _member(self, turn_context: TurnContext) -> tuple[str, str]:
        """(Entra object id, email) of the sender as the Teams roster of this conversation has them."""
        sender = turn_context.activity.from_property
        try:
            member = await TeamsInfo.get_member(turn_context, sender.id)
        except Exception as error:  # noqa: BLE001 - any failure means "we don't know who this is"
            log.warning("teams: could not look up member %s: %s", sender.id, error)
            return "", ""
        email = getattr(member, "email", None) or getattr(member, "user_principal_name", None) or ""
        return (getattr(member, "aad_object_id", None) or "").strip(), email.strip()

    async def remember_conversation(self, turn_context: TurnContext, person: Person) -> None:
        assert person.id is not None
        reference = reference_of(turn_context.activity)
        if await self.repos.conversations.conversation_reference(person.id, CHANNEL) != reference:
            await self.repos.conversations.save_conversation_reference(person.id, CHANNEL, reference)

    # --- activities -------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        person = await self.person_for(turn_context)
        if person is None:
            await self.send(turn_context, [unknown_person_reply(Channel.TEAMS)])
            return
        await self.remember_conversation(turn_context, person)
        inbound = to_inbound(turn_context.activity, person.teams_user_id)
        fresh = await self._fresh(inbound, person)
        replies = await self.app.engine.handle(inbound, self._first_delivery(turn_context.activity))
        if fresh:
            await self._mark_answered(turn_context)
        await self.send(turn_context, replies, person)

    def _first_delivery(self, activity: Activity) -> FirstDelivery | None:
        """Claims the activity's id in the database (store/repos/inbound.py) once the sender is known,
        right before the turn: False when any worker on this database has taken it already (the Bot
        Framework delivered it twice). An activity id is unique within its conversation, so the claim
        is on both. The engine asks inside the turn's unit of work: the claim commits with the turn's writes,
        or is undone with them when the turn fails."""
        if not activity.id:
            return None
        event_id = f"{activity.conversation.id if activity.conversation else ''}|{activity.id}"

        async def claim() -> bool:
            if await self.repos.inbound.claim_inbound(CHANNEL, event_id):
                return True
            log.info("teams: activity %s was delivered again; it was already taken", activity.id[:80])
            return False

        return claim

    async def _fresh(self, inbound: Inbound, person: Person) -> bool:
        """Will this click be applied (not stale)? Then its card is marked answered afterwards. The card's
        data names a session; it counts only when that session is the sender's own (by aadObjectId)."""
        action = inbound.action
        if action is None or action.session_id is None:
            return False
        session = await self.repos.conversations.dialog_session(action.session_id)
        return (session is not None and session.person_id == person.id and session.status == "active"
                and session.revision == action.revision)

    async def _mark_answered(self, turn_context: TurnContext) -> None:
        """Update the clicked card: its buttons give way to the answer chosen (like Slack's chat.update)."""
        activity = turn_context.activity
        shown = answered_card_text(activity)
        if shown is None or not activity.reply_to_id:
            return
        update = Activity().deserialize(cards.answered_message(*shown))
        update.id = activity.reply_to_id
        try:
            await turn_context.update_activity(update)
        except Exception as error:  # noqa: BLE001 - the answer is saved either way; an old card is harmless
            log.info("teams: could not update the answered card %s: %s", activity.reply_to_id, error)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        added = turn_context.activity.members_added or []
        recipient = turn_context.activity.recipient
        if any(recipient is not None and m.id == recipient.id for m in added):
            await self._greet(turn_context, refuse_unknown=True)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._greet(turn_context, refuse_unknown=False)  # conversationUpdate already said it

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """The person removed the app: stop sending there, so the dispatcher uses another channel."""
        key = user_key(turn_context.activity)
        person = await self.repos.people.person_by_teams_id(key) if key else None
        if person is not None and person.id is not None:
            await self.repos.conversations.delete_conversation_reference(person.id, CHANNEL)
            log.info("teams: person %s removed the app; their conversation is forgotten", person.id)

    async def on_members_added_activity(self, members_added: list[ChannelAccount],
                                        turn_context: TurnContext) -> None:
        return None

    async def _greet(self, turn_context: TurnContext, *, refuse_unknown: bool) -> None:
        """On install: remember where to reach the person and say what the bot does."""
        if turn_context.activity.from_property is None:
            return
        person = await self.person_for(turn_context)
        if person is None:
            if refuse_unknown:
                await self.send(turn_context, [unknown_person_reply(Channel.TEAMS)])
            return
        already = await self.repos.conversations.conversation_reference(person.id, CHANNEL)  # type: ignore[arg-type]
        await self.remember_conversation(turn_context, person)
        if already is not None:
            return  # conversationUpdate and installationUpdate both arrive on install: greet once
        context = await self.repos.people.context(person.id)  # type: ignore[arg-type]
        first = person.name.split(" ")[0]
        help_reply = self.app.engine.registry.router.help_reply(context) if context else None
        greeting = Reply(f"Hi {first}, I'm Cadence. I'll help you with your performance review and check-ins, "
                         "and remind you when something is due. Everything you tell me stays confidential "
                         "(Policy 10.1).")
        await self.send(turn_context, [greeting, *([help_reply] if help_reply else [])])

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        """Invokes Cadence does not handle (message extensions, task modules, ...) get an empty 200: the
        SDK's 501 looks like our failure to Teams and to monitoring; nothing is done or stored."""
        response = await super().on_invoke_activity(turn_context)
        if response is not None and response.status == HTTPStatus.NOT_IMPLEMENTED:
            log.info("teams: invoke %r is not one Cadence handles; answered with an empty 200",
                     str(turn_context.activity.name)[:80])
            return InvokeResponse(status=HTTPStatus.OK)
        return response

    # --- files ------------------------------------------------------------------------------

    async def on_teams_file_consent_accept(self, turn_context: TurnContext,
                                           file_consent_card_response: FileConsentCardResponse) -> None:
        person = await self.person_for(turn_context)
        await files.accept(self.repos, turn_context, file_consent_card_response, person,
                           self.app.settings.teams_upload_hosts, self._first_delivery(turn_context.activity))

    async def on_teams_file_consent_decline(self, turn_context: TurnContext,
                                            file_consent_card_response: FileConsentCardResponse) -> None:
        person = await self.person_for(turn_context)
        await files.decline(self.repos, turn_context, file_consent_card_response, person,
                            self._first_delivery(turn_context.activity))

    # --- sending ----------------------------------------------------------------------------

    async def send(self, turn_context: TurnContext, replies: list[Reply], person: Person | None = None) -> None:
        activities = await render_for(self.repos, turn_context.activity, replies, person)
        await send_all(turn_context, activities, sleep=self.sleep)


async def render_for(repos: Repositories, activity: Activity, replies: list[Reply], person: Person | None) -> list[dict]:
    """Every reply as Teams activities; attached files become a file offer (see files.py)."""
    out: list[dict] = []
    for reply in replies:
        out += cards.render(reply)
        for attachment in reply.attachments:
            out.append(await files.offer(repos, activity, attachment, person))
    return out

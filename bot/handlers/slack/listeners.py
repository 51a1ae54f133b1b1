"""Bolt listeners: every one acknowledges first (Slack's 3-second rule) and hands the work on.

Each listener acks, reads the payload and gives the answer to bot.handlers.ack_first (one
person's answers in order, after the burst of acks); it never waits on the database or the Web
API itself. So Bolt runs it before answering (``process_before_response=True``) and Slack has
its 200 as soon as the listener returns.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.dialogs.engine import FirstDelivery, unknown_person_reply
from bot.dialogs.status import home_summary
from bot.handlers.slack import blocks, translate
from bot.handlers.slack.identity import SlackUnreachable
from bot.messages import Channel, Inbound, Reply

if TYPE_CHECKING:
    from bot.handlers.slack.runtime import SlackRuntime

log = logging.getLogger(__name__)

SORRY = Reply("Sorry, something went wrong on my side. Nothing you had saved is lost; please try again in a "
              "minute, or say help.")


OTHER_WORKSPACE = ("Sorry, Cadence works only in the trust's own Slack workspace, so I can't show or record "
                   "anything here. Please use Cadence in your school's workspace.")


class PinnedWorkspace(AsyncMiddleware):
    """Take requests from the trust's workspace only (HTTP and Socket Mode alike).

    Slack signs every installation's requests with the app's one signing secret, so a valid signature
    does not say which workspace: the app installed in another (or a workspace of another Grid org)
    would otherwise link whoever there has a roster email to that person. Allowed: CADENCE_SLACK_TEAM_IDS,
    else the team (and org) auth.test reports for the bot token. Others get a polite 200 (Slack neither
    retries it nor counts it a failure); nothing is read or stored.

    A middleware class, not a function: Bolt calls a class directly, where a function middleware costs
    an argument-injection pass on every request (about a sixth of an ack's dispatch, bench section 1).
    """

    def __init__(self, runtime: SlackRuntime) -> None:
        self.runtime = runtime

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse | None:  # noqa: A002 - Bolt's name
        runtime = self.runtime
        allowed = runtime.workspaces
        if allowed is None and await runtime.reachable():
            allowed = runtime.workspaces
        foreign = translate.foreign_workspace(req.body, allowed) if allowed is not None else None
        if foreign is None:
            return await next()
        log.warning("Refused a signed Slack request from outside the trust's workspace: %s", foreign)
        if "command" in req.body:
            return BoltResponse(status=200, body=json.dumps({"response_type": "ephemeral", "text": OTHER_WORKSPACE}),
                                headers={"content-type": "application/json;charset=utf-8"})
        return BoltResponse(status=200, body="")


def pin_workspace(bolt: AsyncApp, runtime: SlackRuntime) -> None:
    """Refuse, before any listener, requests from outside the trust's workspace (PinnedWorkspace)."""
    bolt.use(PinnedWorkspace(runtime))


def register(bolt: AsyncApp, runtime: SlackRuntime) -> None:
    engine = runtime.app.engine
    channel = runtime.channel
    pin_workspace(bolt, runtime)

    async def answer(inbound: Inbound, first: FirstDelivery | None = None) -> list[Reply]:
        """engine.handle, asking Slack who this is (identity.resolve: users.info, then link by email) only
        when the Slack id isn't on the roster yet, so a known person's turn costs no extra query.
        Mentions in typed text (``export <@U0JO>``) become the person's email first."""
        mentioned = translate.mentioned_users(inbound.text)
        if mentioned and inbound.text is not None:
            emails = {user: email for user in mentioned[:5] if (email := await runtime.identity.email_of(user))}
            inbound = replace(inbound, text=translate.with_mentions(inbound.text, emails))
        replies = await engine.handle_known(inbound, first)
        if replies is None:
            await runtime.identity.resolve(inbound.address.user_id, inbound.address.team_id)
            replies = await engine.handle(inbound, first)
        return replies

    def guarded(user_id: str, where: Callable[[], Awaitable[str | None]],
                work: Callable[[], Awaitable[None]]) -> None:
        """Hand one person's work to bot.handlers.ack_first (their order, acks first) and return, so
        Bolt's listener and its request are done with while the answer waits; on our own error, say
        sorry rather than go quiet."""

        async def run() -> None:
            try:
                await work()
            except Exception as error:
                if isinstance(error, SlackUnreachable):
                    log.warning("Could not identify Slack user %s: Slack unreachable", user_id)
                else:
                    log.exception("Slack work for %s failed", user_id)
                try:
                    target = await where()
                    if target:
                        await channel.send(target, [SORRY])
                except Exception:
                    log.exception("could not tell %s about the failure", user_id)

        runtime.work.after_ack(user_id, run)

    def first_delivery(body: dict[str, Any], request: AsyncBoltRequest) -> FirstDelivery | None:
        """Claims the event's id in the database (store/repos/inbound.py) once the sender is known, right
        before the turn: False when any worker on this database has taken it already, so a retry
        (``X-Slack-Retry-Num``) is applied once. The engine asks inside the turn's unit of work, so the
        claim commits with the turn's writes, or is undone with them when the turn fails."""
        event_id = body.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            return None

        async def claim() -> bool:
            if await runtime.app.repos.inbound.claim_inbound("slack", event_id):
                return True
            log.info("Slack delivered event %s again (retry %s, %s); it was already taken", event_id,
                     (request.headers.get("x-slack-retry-num") or ["-"])[0],
                     (request.headers.get("x-slack-retry-reason") or ["-"])[0])
            return False

        return claim

    # Bolt tries listeners in the order they are registered, running each one's matchers, so the
    # commonest request (a button tapped) is matched first
    @bolt.action(re.compile(r"^cadence_"))
    async def on_action(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        user = translate.clicked_by(body)
        if user is None:
            return
        click: translate.Click | None = None  # the payload is read after the ack, in work()

        async def where() -> str | None:
            return (click.channel_id if click is not None else None) or await channel.dm_channel(user)

        async def work() -> None:
            nonlocal click
            click = translate.from_block_action(body)
            if click is None:
                return
            target = await where()
            assert target is not None
            inbound = click.inbound if click.channel_id else _with_conversation(click.inbound, target)
            if click.action_id == translate.OPEN_FORM_ACTION:
                await runtime.identity.resolve(user, inbound.address.team_id)
                replies = await engine.current(inbound)
                form = next((r for r in replies if r.form is not None), None)
                if form is not None and click.trigger_id and await channel.open_form(click.trigger_id, form, target):
                    replies = [r for r in replies if r is not form]
                await channel.send(target, replies)
                return
            action = inbound.action
            fresh = False
            if action is not None and action.session_id is not None and click.message_ts:
                # the clicker's own open dialog (one query, as the old lookup of the button's session was):
                # a button naming anyone else's session is stale for them, whatever its value says
                _, session = await runtime.app.repos.people.context_and_session(Channel.SLACK.value, user)
                fresh = session is not None and session.id == action.session_id and session.revision == action.revision
            replies = await answer(inbound)
            if fresh and click.message_ts and click.message_blocks:  # applied: mark the old question answered
                message = body.get("message")
                message_text = str(message.get("text", "")) if isinstance(message, dict) else ""
                await channel.mark_answered(target, click.message_ts, click.message_blocks, click.label,
                                            message_text)
            await channel.send(target, replies, trigger_id=click.trigger_id)

        guarded(user, where, work)

    @bolt.event("message")
    async def on_message(ack: Any, body: dict[str, Any], event: dict[str, Any], request: AsyncBoltRequest) -> None:
        await ack()
        inbound = translate.from_message_event(event, body.get("team_id"))
        if inbound is None:
            return
        dm = inbound.address.conversation_id
        assert dm is not None

        first = first_delivery(body, request)

        async def work() -> None:
            await channel.send(dm, await answer(inbound, first))

        async def where() -> str | None:
            return dm

        guarded(inbound.address.user_id, where, work)

    @bolt.command(translate.COMMAND)
    async def on_command(ack: Any, body: dict[str, Any]) -> None:
        in_dm = str(body.get("channel_id", "")).startswith("D")
        await ack() if in_dm else await ack("I've answered in your direct messages with Cadence.")
        inbound = translate.from_command(body)
        if inbound is None:
            return
        user = inbound.address.user_id

        async def where() -> str | None:
            return await channel.dm_channel(user)

        async def work() -> None:
            replies = await answer(inbound)
            await channel.send(await channel.dm_channel(user), replies, trigger_id=body.get("trigger_id"))

        guarded(user, where, work)

    @bolt.view(translate.FORM_CALLBACK)
    async def on_submission(ack: Any, body: dict[str, Any]) -> None:
        await ack()  # closes the modal; what was valid is saved, anything else is asked again in the DM
        submission = translate.from_view_submission(body, runtime.app.settings.timezone)
        if submission is None:
            return
        user = submission.inbound.address.user_id

        async def where() -> str | None:
            # the submitter's own DM, by the signed payload's user id: never a channel private_metadata
            # names (a stale or forged form could name any), so nobody else ever reads the answer
            return await channel.dm_channel(user)

        async def work() -> None:
            dm = await channel.dm_channel(user)
            inbound = _with_conversation(submission.inbound, dm)
            await channel.send(dm, await answer(inbound), trigger_id=submission.trigger_id)

        guarded(user, where, work)

    @bolt.event("app_home_opened")
    async def on_home(ack: Any, event: dict[str, Any]) -> None:
        await ack()
        user = event.get("user")
        if event.get("tab") != "home" or not isinstance(user, str):
            return

        async def where() -> str | None:
            return None

        async def work() -> None:
            await publish_home(runtime, user)

        guarded(user, where, work)

    acknowledge_the_rest(bolt)


def acknowledge_the_rest(bolt: AsyncApp) -> None:
    """Anything signed and well formed that Cadence does not act on gets a 200, after every listener above.

    Bolt's default is 404 "unhandled request": Slack retries a failed event three times and turns
    an app's event subscription off when most deliveries fail, so an event the app was subscribed to
    by hand (an edited manifest) or a shortcut added in the app's settings must not look like a fault.
    """
    anything = re.compile(".*")

    async def noted(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        event = body.get("event")
        kind = event.get("type") if isinstance(event, dict) else body.get("type") or body.get("command")
        log.info("Slack sent %s; Cadence does not act on it (acknowledged)", kind)

    async def no_options(ack: Any) -> None:
        await ack(options=[])

    bolt.event(anything)(noted)
    bolt.action(anything)(noted)
    bolt.view(anything)(noted)  # submissions of a view that is not ours
    bolt.view_closed(anything)(noted)
    bolt.shortcut(anything)(noted)
    bolt.command(anything)(noted)
    bolt.options(anything)(no_options)


async def publish_home(runtime: SlackRuntime, user_id: str) -> None:
    """views.publish the person's cycle; a stranger sees the polite refusal and no data."""
    app = runtime.app
    person_id = await runtime.identity.resolve(user_id)
    person = await app.repos.people.context(person_id) if person_id is not None else None
    if person is None:
        await runtime.channel.publish_home(user_id, blocks.refusal_home_view(unknown_person_reply(Channel.SLACK).text))
        return
    summary = await home_summary(app.engine, person, Channel.SLACK.value)
    documents = app.services.documents
    overview = await documents.home_overview(person, channel=Channel.SLACK.value,
                                             identity=f"slack:{user_id}") if documents is not None else []
    await runtime.channel.publish_home(user_id, blocks.home_view(summary, overview))


def _with_conversation(inbound: Inbound, conversation_id: str) -> Inbound:
    return replace(inbound, address=replace(inbound.address, conversation_id=conversation_id))

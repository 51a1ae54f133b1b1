"""The engine: turns an Inbound into Replies by running the person's dialog one step at a time.

State is ``{"answers": {...}, "history": [...], "data": {...}}`` in the dialog session row,
saved after every answer with a revision check, so a double click or a second worker cannot apply
one answer twice and a button from an old message is recognised as stale.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.dialogs.answers import Parsed, default_choices, parse_answer, show, yes_or_no
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.errors import Refusal
from bot.dialogs.registry import Registry
from bot.dialogs.router import small_talk
from bot.messages import Address, Capabilities, Channel, Choice, Form, FormField, Inbound, PromptKind, Reply
from bot.services import Services
from store.models import DialogSession
from store.repos.values import PersonContext, StaleRevision

log = logging.getLogger(__name__)

CONTROL_WORDS = {"back", "skip", "pause", "cancel", "help", "stop", "quit", "exit", "resume"}
SUBJECT_STEP = "_subject"
CONTROLS_HINT = "Say back, skip (if optional), pause or cancel at any time."
WAY_OUT = "pause or cancel any time"  # on every question, so nobody is left guessing how to stop
FREE_TEXT = (PromptKind.SHORT_TEXT, PromptKind.LONG_TEXT)
SHORT_REQUEST = 3  # words; longer text starting with a command word at a free-text question is an answer
QUICK_COMMANDS = {"status", "help", "export"}  # answered mid-dialog, then back to the open question
PENDING = "_pending"  # state["data"]: an answer read back for confirmation ("Tuesday 24 November at 14:00?")
SWITCH = "_switch"  # state["data"]: another command typed mid-dialog, waiting for "pause it and start that?"


FirstDelivery = Callable[[], Awaitable[bool]]
"""Claims an inbound's platform id (Slack event_id, Teams activity id); False when already taken."""


class Engine:
    def __init__(self, services: Services, registry: Registry) -> None:
        self.services = services
        self.registry = registry
        self.repos = services.repos

    # --- identity ---------------------------------------------------------------------------

    async def identify(self, address: Address) -> PersonContext | None:
        person = await self.repos.people.context_by_platform_id(_lookup_channel(address), address.user_id)
        if person is None or person.person.id is None or not person.person.active:
            return None
        return person

    # --- entry point ------------------------------------------------------------------------

    async def handle(self, inbound: Inbound, first: FirstDelivery | None = None) -> list[Reply]:
        replies = await self.handle_known(inbound, first)
        return [unknown_person_reply(inbound.address.channel)] if replies is None else replies

    async def handle_known(self, inbound: Inbound, first: FirstDelivery | None = None) -> list[Reply] | None:
        """handle, or None, having changed nothing, when no active person on the roster has this address
        (a channel that can look the person up another way, e.g. Slack by email, then tries again).

        ``first``: asked once the sender is known, right before the turn; False means the platform
        delivered this inbound again (a retry) and it was already applied: nothing is done, no reply.

        The whole turn is one unit of work (store/unit.py): claiming the inbound id (``first``),
        applying the answer, the completion with its audit rows and outbox notices, and the dialog
        state all commit together, or, when anything raises, none of it does: the claim is undone
        with the rest, so the platform's retry (or the same answer sent again) is applied once.
        """
        async with self.repos.unit(actor_identity=identity_of(inbound)):
            # who is writing and their open dialog, in one query (identify + repos.conversations.active_session)
            person, session = await self.repos.people.context_and_session(_lookup_channel(inbound.address),
                                                                  inbound.address.user_id)
            if person is None or person.person.id is None or not person.person.active:
                return None
            if first is not None and not await first():
                return []
            try:
                return await self._handle(person, session, inbound)
            except Refusal as refusal:
                return [Reply(refusal.message, clause=refusal.clause)]

    async def _handle(self, person: PersonContext, session: DialogSession | None, inbound: Inbound) -> list[Reply]:
        channel = inbound.address.channel
        action = inbound.action
        if action is not None and action.session_id is not None:
            if session is None or session.id != action.session_id or session.revision != action.revision:
                return await self._stale(person, session, channel, form=inbound.form is not None)
        text = (action.value if action is not None else inbound.text or "").strip()
        if session is not None and SWITCH in session.state.get("data", {}):
            offered = await self._offered_switch(person, session, text, inbound)
            if offered is not None:
                return offered
        if action is not None and action.session_id is not None and inbound.form is None:
            return await self._answer(person, session, action.value, inbound)  # type: ignore[arg-type]
        if inbound.form is not None:
            if session is None:
                return await self._stale(person, None, channel, form=True)
            return await self._answer_form(person, session, inbound)
        if session is not None:
            if text.lower() in CONTROL_WORDS:
                return await self._control(person, session, text.lower(), inbound)
            word = await self._interruption(person, session, text, inbound)
            if word in QUICK_COMMANDS:
                return await self._quick(person, session, text, inbound)
            if word is not None:
                return await self._offer_switch(person, session, text, word, inbound)
            return await self._answer(person, session, text, inbound)
        return await self.registry.router.route(self, person, text, inbound)

    async def _interruption(self, person: PersonContext, session: DialogSession, text: str,
                            inbound: Inbound) -> str | None:
        """The command word typed mid-dialog that asks for something else, or None when the text is an answer.

        A command counts when it can't be an answer: it came as an explicit command (slash command, start
        button), it is a lone main command word (“status”, even at a free-text question), or, at a question
        that is not free text (a choice, yes/no, a date, a confirmation), it does not read as an answer
        (“export pdf” at a sign-off). “Help the new starters settle in” is an answer, not help; so is
        “Support” at a free-text question."""
        router = self.registry.router
        word = router.command_word(text)
        if word is None:
            # a slash command is never an answer: one Cadence doesn't know gets help (or "did you mean")
            # and the open question again, and the conversation stays open
            return "help" if inbound.command else None
        if inbound.command or text.startswith("/"):
            return word
        lone = len(text.split()) == 1
        if lone and (router.is_answer_like(text.lower())):
            return None
        if lone and router.is_primary_word(text):
            return word
        dialog = self.registry.get(session.dialog_id)
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        ctx = self._ctx(person, subject, session.state, inbound.address.channel)
        step = self._current(dialog, ctx, session.state)
        if step is None:
            return None
        if step.kind in FREE_TEXT:  # "export pdf", "status Sam": a main word and a word or two is a request
            return word if len(text.split()) <= SHORT_REQUEST and router.is_primary_word(text.split()[0]) else None
        parsed = parse_answer(step.kind, text, _choices(step, ctx), max_length=step.max_length, today=ctx.today)
        return None if parsed.ok else word

    async def _quick(self, person: PersonContext, session: DialogSession, text: str,
                     inbound: Inbound) -> list[Reply]:
        """Status, help or an export asked for mid-dialog: answered at once, then back to the open question
        (also when the answer is a refusal, “status Nobody”)."""
        try:
            replies = await self.registry.router.route(self, person, text, inbound)
        except Refusal as refusal:
            replies = [Reply(refusal.message, clause=refusal.clause)]
        fresh = await self.repos.conversations.dialog_session(session.id)  # type: ignore[arg-type]
        if fresh is None:
            return replies
        if fresh.status != "active":  # "export" alone runs as its own (instant) dialog, which paused this one
            if await self.repos.conversations.active_session(person.id) is not None:
                return replies
            await self.repos.conversations.set_session_status(session.id, "active")  # type: ignore[arg-type]
            fresh = await self.repos.conversations.dialog_session(session.id)  # type: ignore[arg-type]
            assert fresh is not None
        dialog = self.registry.get(fresh.dialog_id)
        subject = await self.repos.people.context(fresh.subject_person_id) if fresh.subject_person_id else None
        back = await self._next(person, subject, dialog, fresh, fresh.state, inbound, save=False)
        return [*replies, Reply(f"Back to “{dialog.title}”, where you left off:"), *back]

    async def _offer_switch(self, person: PersonContext, session: DialogSession, text: str, word: str,
                            inbound: Inbound) -> list[Reply]:
        """Another conversation asked for mid-dialog: ask before pausing this one (an explicit command,
        a slash command or a start button, is taken at its word)."""
        dialog = self.registry.get(session.dialog_id)
        if inbound.command or text.startswith("/"):
            await self.repos.conversations.set_session_status(session.id, "paused")  # type: ignore[arg-type]
            replies = await self.registry.router.route(self, person, text, inbound)
            note = Reply(f"I've paused “{dialog.title}”; say resume to carry on where you left off.")
            return [note, *replies]
        command = self.registry.router.commands[word]
        if command.dialog_id == session.dialog_id and not text.split()[1:]:  # "appeal" while in the appeal
            subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
            return [Reply(f"You're already in “{dialog.title}”; here's where you left off.")] + await self._next(
                person, subject, dialog, session, session.state, inbound, save=False)
        state = _copy(session.state)
        state["data"][SWITCH] = text
        if not await self._save(session, state, inbound.address.channel):
            return await self._stale(person, await self.repos.conversations.dialog_session(session.id), inbound.address.channel)  # type: ignore[arg-type]
        other = (f"“{self.registry.get(command.dialog_id).title}”"
                 if command.dialog_id and self.registry.has(command.dialog_id) else f"“{word}”")
        return [Reply(f"You're in the middle of “{dialog.title}” (your answers are saved). Pause it and start "
                      f"{other}? Or say cancel to drop “{dialog.title}”.",
                      prompt=PromptKind.YES_NO,
                      choices=(Choice("yes", f"Pause and start {other}", "primary"),
                               Choice("no", f"Carry on with {dialog.title}")),
                      session_id=session.id, revision=session.revision, step=SWITCH,
                      meta={"dialog": dialog.id, "title": dialog.title})]

    async def _offered_switch(self, person: PersonContext, session: DialogSession, text: str,
                              inbound: Inbound) -> list[Reply] | None:
        """The answer to “Pause it and start Y?”: yes starts Y, no carries on; anything else lets the offer
        lapse and is handled as usual (None)."""
        state = _copy(session.state)
        asked = str(state["data"].pop(SWITCH))
        if not await self._save(session, state, inbound.address.channel):
            return await self._stale(person, await self.repos.conversations.dialog_session(session.id), inbound.address.channel)  # type: ignore[arg-type]
        session.state = state
        answer = yes_or_no(text)
        if answer is None:
            return None
        dialog = self.registry.get(session.dialog_id)
        if answer:
            await self.repos.conversations.set_session_status(session.id, "paused")  # type: ignore[arg-type]
            replies = await self.registry.router.route(self, person, asked, dataclasses.replace(inbound, action=None))
            return [Reply(f"I've paused “{dialog.title}”; say resume to carry on where you left off."), *replies]
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        step = self._current(dialog, self._ctx(person, subject, state, inbound.address.channel), state)
        if step is not None and step.kind in FREE_TEXT and len(asked.split()) > 1:
            # "Schedule changes unsettled me" was an answer after all: keep it as one
            return [Reply(f"Carrying on with “{dialog.title}”: I've taken “{asked}” as your answer (say back "
                          "to change it).")] + await self._answer(person, session, asked, inbound)
        return [Reply(f"Carrying on with “{dialog.title}”.")] + await self._next(
            person, subject, dialog, session, state, inbound, save=False)

    async def _save(self, session: DialogSession, state: dict[str, Any], channel: Channel) -> bool:
        try:
            session.revision = await self.repos.conversations.save_session(session.id, session.revision, state, "active",  # type: ignore[arg-type]
                                                            channel.value)
        except StaleRevision:
            return False
        session.state = state
        return True

    async def current(self, inbound: Inbound) -> list[Reply]:
        """The open dialog's current question (or form) again, changing nothing.

        For channels that must re-show a prompt on request, e.g. Slack opening a modal from a
        button, since a modal needs the trigger id of a fresh click. An action from an old
        message is recognised as stale.
        """
        async with self.repos.unit(actor_identity=identity_of(inbound)):
            return await self._current_prompt(inbound)

    async def _current_prompt(self, inbound: Inbound) -> list[Reply]:
        person = await self.identify(inbound.address)
        if person is None:
            return [unknown_person_reply(inbound.address.channel)]
        session = await self.repos.conversations.active_session(person.id)
        channel = inbound.address.channel
        action = inbound.action
        if session is None or (action is not None and action.session_id is not None
                               and (session.id != action.session_id or session.revision != action.revision)):
            return await self._stale(person, session, channel)
        if SWITCH in session.state.get("data", {}):  # the question shown again is the one to answer, not the offer
            state = _copy(session.state)
            state["data"].pop(SWITCH)
            if not await self._save(session, state, channel):
                return await self._stale(person, await self.repos.conversations.dialog_session(session.id), channel)  # type: ignore[arg-type]
        dialog = self.registry.get(session.dialog_id)
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        ctx = self._ctx(person, subject, session.state, channel)
        if self._current(dialog, ctx, session.state) is None:
            return []
        return await self._next(person, subject, dialog, session, session.state, inbound, save=False)

    # --- starting, resuming -----------------------------------------------------------------

    async def start(self, person: PersonContext, dialog_id: str, inbound: Inbound,
                    subject_id: int | None = None) -> list[Reply]:
        dialog = self.registry.get(dialog_id)
        channel = inbound.address.channel
        subject: PersonContext | None = person if dialog.subject in (Subject.SELF, Subject.EITHER) else None
        state: dict[str, Any] = {"answers": {}, "history": [], "data": {}}
        about_other = dialog.subject == Subject.EITHER and subject_id is not None and subject_id != person.id
        if dialog.subject == Subject.REPORT or about_other:
            candidates = await self.registry.access.subjects_for(self.repos, person)
            if subject_id is not None:
                if subject_id not in {p.id for p in candidates} and not await self.registry.access.may_manage(
                        self.repos, person, subject_id):
                    raise Refusal("You can only do that for colleagues you review or manage (Policy 10.1).",
                                  "10.1")
                subject = await self.repos.people.context(subject_id)
            elif len(candidates) == 1:
                subject = await self.repos.people.context(candidates[0].id)  # type: ignore[arg-type]
            elif not candidates:
                raise Refusal(f"{dialog.title} is for reviewers and line managers, and you have no colleagues to "
                              "review. If that's wrong, please ask HR to check the roster.", "4.1")
            else:
                state["data"]["_candidates"] = [[p.id, p.name, p.job_title] for p in candidates]
        elif subject_id is not None:
            state["data"]["_asked_subject_id"] = subject_id  # e.g. "plan Sam" passed on by a menu dialog
        if subject is not None:
            refusal = await self._prepare(dialog, person, subject, state)
            if refusal:
                return [Reply(refusal)]
        session = await self.repos.conversations.start_session(person.id, dialog.id, dialog.version, state,
                                                subject.id if subject else None, channel.value)
        intro = _text(dialog.intro, self._ctx(person, subject, state, channel)) if dialog.intro else ""
        replies = [Reply(intro)] if intro else []
        return replies + await self._next(person, subject, dialog, session, state, inbound)

    async def resume(self, person: PersonContext, inbound: Inbound) -> list[Reply]:
        paused = await self.repos.conversations.paused_sessions(person.id)
        if not paused:
            return [Reply("There's nothing paused to resume. Say help to see what you can do.")]
        session = paused[0]
        await self.repos.conversations.set_session_status(session.id, "active")  # type: ignore[arg-type]
        session = await self.repos.conversations.dialog_session(session.id)  # type: ignore[arg-type,assignment]
        assert session is not None
        dialog = self.registry.get(session.dialog_id)
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        return [Reply(f"Welcome back to “{dialog.title}”.")] + await self._next(
            person, subject, dialog, session, session.state, inbound, save=False)

    async def _prepare(self, dialog: Dialog, person: PersonContext, subject: PersonContext,
                       state: dict[str, Any]) -> str | None:
        if dialog.prepare is None:
            return None
        data = await dialog.prepare(self.services, person, subject)
        if isinstance(data, str):
            return data
        state["data"].update(data)
        return None

    # --- answering --------------------------------------------------------------------------

    async def _answer(self, person: PersonContext, session: DialogSession, raw: str, inbound: Inbound) -> list[Reply]:
        dialog = self.registry.get(session.dialog_id)
        state = _copy(session.state)
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        ctx = self._ctx(person, subject, state, inbound.address.channel)
        step = self._current(dialog, ctx, state)
        if step is None:
            return await self._finish(person, subject, dialog, session, state, inbound)
        choices = _choices(step, ctx)
        pending = state["data"].pop(PENDING, None)
        confirmed = yes_or_no(raw) if pending and pending.get("step") == step.key else None
        if confirmed is False:  # "no, that's not what I meant": ask the question again
            if not await self._save(session, state, inbound.address.channel):
                return await self._stale(person, await self.repos.conversations.dialog_session(session.id), inbound.address.channel)  # type: ignore[arg-type]
            again = self._render(dialog, ctx, step, session, inbound.address.channel)
            return [Reply("No problem: please type it again (the example in the question always works)."), again]
        if confirmed:
            parsed = Parsed(True, pending["value"])  # type: ignore[index]
        else:
            parsed = parse_answer(step.kind, raw, choices, max_length=step.max_length, today=ctx.today)
        if parsed.ok and step.validate is not None:
            problem = step.validate(parsed.value, ctx)
            if problem:
                parsed = parsed.__class__(False, error=problem)
        if not parsed.ok:
            again = self._render(dialog, ctx, step, session, inbound.address.channel)
            if small_talk(raw, person.person.name.split(" ")[0]) is not None:  # "thanks", "hi", 👋 mid-dialog
                return [Reply(f"🙂 We're in the middle of “{dialog.title}”; here's where we were."), again]
            meant = self.registry.router.did_you_mean(raw.strip().split(" ", 1)[0].lower()) if raw.strip() else None
            hint = f" (If you meant {meant}, say {meant}.)" if meant and step.kind not in FREE_TEXT else ""
            return [Reply(parsed.error + hint, clause=step.clause), again]
        if parsed.confirm:  # read back what was understood before keeping it
            state["data"][PENDING] = {"step": step.key, "value": parsed.value, "echo": parsed.echo}
            if not await self._save(session, state, inbound.address.channel):
                return await self._stale(person, await self.repos.conversations.dialog_session(session.id), inbound.address.channel)  # type: ignore[arg-type]
            return [self._render(dialog, self._ctx(person, subject, state, inbound.address.channel), step, session,
                                 inbound.address.channel)]
        noted = [Reply(f"Taken as “{parsed.echo}” (say back to change it).")] if parsed.echo else []
        if step.key == SUBJECT_STEP:
            subject = await self.repos.people.context(int(parsed.value))
            assert subject is not None
            refusal = await self._prepare(dialog, person, subject, state)
            if refusal:
                await self.repos.conversations.set_session_status(session.id, "cancelled")  # type: ignore[arg-type]
                return [Reply(refusal)]
            await self._set_subject(session, subject.id)
        if step.kind == PromptKind.CONFIRM and parsed.value is False:
            return await self._control(person, session, "back", inbound)
        state["answers"][step.key] = parsed.value
        state["history"].append(step.key)
        return noted + await self._next(person, subject, dialog, session, state, inbound)

    async def _answer_form(self, person: PersonContext, session: DialogSession, inbound: Inbound) -> list[Reply]:
        dialog = self.registry.get(session.dialog_id)
        state = _copy(session.state)
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        channel = inbound.address.channel
        ctx = self._ctx(person, subject, state, channel)
        group = self._group(dialog, ctx, state)
        if not group:
            return await self._stale(person, session, channel, form=True)
        problems: list[str] = []
        understood: list[str] = []
        form = inbound.form or {}
        for step in group:
            raw = str(form.get(step.key, "") or "").strip()
            if not raw:
                if step.optional:
                    state["answers"][step.key] = None
                    state["history"].append(step.key)
                    continue
                problems.append(f"• {step.label or _text(step.prompt, ctx)}: this one is needed.")
                continue
            parsed = parse_answer(step.kind, raw, _choices(step, ctx), max_length=step.max_length, today=ctx.today)
            if parsed.ok and step.validate is not None:
                problem = step.validate(parsed.value, ctx)
                if problem:
                    parsed = parsed.__class__(False, error=problem)
            if parsed.ok:
                state["answers"][step.key] = parsed.value
                state["history"].append(step.key)
                if parsed.echo:  # a form is answered at once: what was read in other words is said after
                    understood.append(f"• {step.label or _text(step.prompt, ctx)}: {parsed.echo}")
            else:
                problems.append(f"• {step.label or _text(step.prompt, ctx)}: {parsed.error}")
        replies = [Reply("I read these as:\n" + "\n".join(understood) + "\nSay back if one is wrong.")] \
            if understood else []
        if problems:
            # what was valid is kept; the rest is asked again
            replies.append(Reply("A few answers need another look:\n" + "\n".join(problems)))
        return replies + await self._next(person, subject, dialog, session, state, inbound)

    async def _control(self, person: PersonContext, session: DialogSession, word: str,
                       inbound: Inbound) -> list[Reply]:
        dialog = self.registry.get(session.dialog_id)
        state = _copy(session.state)
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        channel = inbound.address.channel
        ctx = self._ctx(person, subject, state, channel)
        step = self._current(dialog, ctx, state)
        if word in ("cancel", "stop", "quit", "exit"):
            await self.repos.conversations.set_session_status(session.id, "cancelled")  # type: ignore[arg-type]
            return [Reply(f"Cancelled “{dialog.title}”. Nothing you had already saved has changed.")]
        if word == "resume":  # already active (e.g. started on another channel): show where it stands
            return [Reply(f"Carrying on with “{dialog.title}”.")] + await self._next(
                person, subject, dialog, session, state, inbound, save=False)
        if word == "pause":
            await self.repos.conversations.set_session_status(session.id, "paused")  # type: ignore[arg-type]
            return [Reply(f"Paused “{dialog.title}”. Your answers are saved; say resume when you're ready "
                          "to carry on.")]
        if word == "help":
            lines = [f"You're in: {dialog.title}."]
            if dialog.description:
                lines.append(dialog.description)
            if step is not None and step.help:
                lines.append(step.help)
            lines.append(CONTROLS_HINT)
            current = [self._render(dialog, ctx, step, session, channel)] if step else []
            return [Reply("\n".join(lines), clause=dialog.clause or None), *current]
        state["data"].pop(PENDING, None)
        if word == "skip":
            if step is None:
                return await self._next(person, subject, dialog, session, state, inbound, save=False)
            if not step.optional:
                return [Reply("This one can't be skipped; it's needed for the record. "
                              "Say pause to come back to it later."),
                        self._render(dialog, ctx, step, session, channel)]
            state["answers"][step.key] = None
            state["history"].append(step.key)
            return await self._next(person, subject, dialog, session, state, inbound)
        # back
        history: list[str] = state["history"]
        if not history or history[-1] == SUBJECT_STEP:
            return [Reply("You're at the first question already."),
                    *([self._render(dialog, ctx, step, session, channel)] if step else [])]
        last = history.pop()
        state["answers"].pop(last, None)
        return await self._next(person, subject, dialog, session, state, inbound)

    async def _next(self, person: PersonContext, subject: PersonContext | None, dialog: Dialog,
                    session: DialogSession, state: dict[str, Any], inbound: Inbound, *, save: bool = True) -> list[Reply]:
        channel = inbound.address.channel
        if save:
            try:
                session.revision = await self.repos.conversations.save_session(session.id, session.revision, state, "active",  # type: ignore[arg-type]
                                                                channel.value)
            except StaleRevision:
                return await self._stale(person, await self.repos.conversations.dialog_session(session.id), channel)  # type: ignore[arg-type]
            session.state = state
        ctx = self._ctx(person, subject, state, channel)
        step = self._current(dialog, ctx, state)
        if step is None:
            return await self._finish(person, subject, dialog, session, state, inbound)
        caps = Capabilities.for_channel(channel)
        if caps.forms and step.group:
            group = self._group(dialog, ctx, state)
            if len(group) > 1:
                return [self._render_form(dialog, ctx, group, session)]
        return [self._render(dialog, ctx, step, session, channel)]

    async def _finish(self, person: PersonContext, subject: PersonContext | None, dialog: Dialog,
                      session: DialogSession, state: dict[str, Any], inbound: Inbound) -> list[Reply]:
        run = Run(self.services, person, subject, state["answers"], state["data"], inbound.address.channel,
                  identity_of(inbound), session.id)  # type: ignore[arg-type]
        try:
            replies = await dialog.complete(run)
        except Refusal as refusal:
            if refusal.back_to and refusal.back_to in state["answers"]:
                keep = state["history"][: state["history"].index(refusal.back_to)] if refusal.back_to in state[
                    "history"] else state["history"]
                state["answers"] = {k: v for k, v in state["answers"].items() if k in keep}
                state["history"] = keep
                return [Reply(refusal.message, clause=refusal.clause)] + await self._next(
                    person, subject, dialog, session, state, inbound)
            await self.repos.conversations.set_session_status(session.id, "paused")  # type: ignore[arg-type]
            return [Reply(refusal.message + " Your answers are kept: say resume to try again.", clause=refusal.clause)]
        await self.repos.conversations.set_session_status(session.id, "done")  # type: ignore[arg-type]
        if run.then is not None:  # a menu dialog hands over to the dialog the person chose
            dialog_id, subject_id = run.then
            return replies + await self.start(person, dialog_id, inbound, subject_id=subject_id)
        return replies

    async def _stale(self, person: PersonContext, session: DialogSession | None, channel: Channel, *,
                     form: bool = False) -> list[Reply]:
        what = "form" if form else "button"
        note = Reply(f"That {what} belongs to an earlier message, so I've ignored it. Nothing has changed.")
        if session is None or session.status != "active":
            return [note]
        dialog = self.registry.get(session.dialog_id)
        subject = await self.repos.people.context(session.subject_person_id) if session.subject_person_id else None
        ctx = self._ctx(person, subject, session.state, channel)
        step = self._current(dialog, ctx, session.state)
        return [note, self._render(dialog, ctx, step, session, channel)] if step else [note]

    async def _set_subject(self, session: DialogSession, subject_id: int | None) -> None:
        await self.repos.conversations.set_session_subject(session.id, subject_id)  # type: ignore[arg-type]
        session.subject_person_id = subject_id

    # --- steps ------------------------------------------------------------------------------

    def _ctx(self, person: PersonContext, subject: PersonContext | None, state: dict[str, Any],
             channel: Channel) -> Ctx:
        clock = self.services.clock
        return Ctx(state.get("answers", {}), state.get("data", {}), person, subject, clock.today(), clock.now(), channel,
                   self.services.zone)

    def _visible(self, dialog: Dialog, ctx: Ctx) -> list[Step]:
        steps: list[Step] = []
        candidates = ctx.data.get("_candidates")
        if candidates:
            steps.append(Step(SUBJECT_STEP, "Who is this for?", PromptKind.CHOICE,
                              tuple(Choice(str(pid), f"{name} ({title})" if title else name)
                                    for pid, name, title in candidates)))
            if SUBJECT_STEP not in ctx.answers:
                return steps
        steps.extend(s for s in dialog.steps_for(ctx) if s.when is None or s.when(ctx))
        return steps

    def _current(self, dialog: Dialog, ctx: Ctx, state: dict[str, Any]) -> Step | None:
        answers = state["answers"]
        return next((s for s in self._visible(dialog, ctx) if s.key not in answers), None)

    def _group(self, dialog: Dialog, ctx: Ctx, state: dict[str, Any]) -> list[Step]:
        answers = state["answers"]
        group: list[Step] = []
        for s in self._visible(dialog, ctx):
            if s.key in answers:
                if group:
                    break
                continue
            if not group:
                if not s.group:
                    return []
                group.append(s)
            elif s.group == group[0].group:
                group.append(s)
            else:
                break
        return group

    def _render(self, dialog: Dialog, ctx: Ctx, step: Step, session: DialogSession, channel: Channel) -> Reply:
        meta = {"dialog": dialog.id, "title": dialog.title}
        pending = ctx.data.get(PENDING)
        if pending and pending.get("step") == step.key:
            return Reply(f"I read that as {pending['echo']}. Is that right? (Say no to type it again, or pause "
                         "or cancel.)", prompt=PromptKind.YES_NO,
                         choices=(Choice("yes", "Yes, that's right", "primary"), Choice("no", "No, retype it")),
                         session_id=session.id, revision=session.revision, step=step.key, clause=step.clause,
                         meta=meta)
        text = _text(step.prompt, ctx)
        if step.optional:
            text += " (optional: say skip)"
        text += f"\n({self._progress(dialog, ctx, step)})"
        return Reply(text, prompt=step.kind, choices=_choices(step, ctx), session_id=session.id,
                     revision=session.revision, step=step.key, clause=step.clause, meta=meta)

    def _progress(self, dialog: Dialog, ctx: Ctx, step: Step) -> str:
        """“question 4 of 23 · pause or cancel any time”: where the person is, in words that mean something
        to them (a dialog may say it its own way: “objective 2 of 3, success criteria”), and the way out."""
        where = dialog.progress(ctx, step) if dialog.progress is not None else ""
        if not where:
            visible = self._visible(dialog, ctx)
            if step.kind == PromptKind.CONFIRM and visible and visible[-1].key == step.key:
                return f"last step · {WAY_OUT}"
            position, total = _position(visible, step, ctx)
            if total > 1:
                where = f"question {position} of {total}"
        return f"{where} · {WAY_OUT}" if where else WAY_OUT.capitalize()

    def _render_form(self, dialog: Dialog, ctx: Ctx, group: Sequence[Step], session: DialogSession) -> Reply:
        fields = tuple(FormField(s.key, s.label or _text(s.prompt, ctx), s.kind, s.optional, _choices(s, ctx),
                                 max_length=s.max_length) for s in group)
        form = Form(f"{dialog.id}:{group[0].group}", dialog.title, fields)
        first = _text(group[0].prompt, ctx)
        return Reply(f"{dialog.title}: {first}\n({self._progress(dialog, ctx, group[0])})", form=form, prompt=group[0].kind, choices=_choices(group[0], ctx),
                     session_id=session.id, revision=session.revision, step=group[0].key,
                     clause=group[0].clause, meta={"dialog": dialog.id, "title": dialog.title})


def _lookup_channel(address: Address) -> str:
    """Slack and Teams find a person by their platform id; the console and email by their email."""
    return address.channel.value if address.channel in (Channel.SLACK, Channel.TEAMS) else "email"


def unknown_person_reply(channel: Channel) -> Reply:
    account = {Channel.SLACK: "Slack account", Channel.TEAMS: "Teams account"}.get(channel, "email address")
    return Reply(f"Sorry, I don't recognise your {account}, so I can't show or record anything for you. "
                 "Please ask your HR admin to add it to the Cadence roster.")


class _Watched(dict):  # type: ignore[type-arg]
    """The answers, noting which keys a step's condition looks at."""

    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__(answers)
        self.looked: set[str] = set()

    def get(self, key: Any, default: Any = None) -> Any:
        self.looked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.looked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.looked.add(key)  # type: ignore[arg-type]
        return super().__contains__(key)


def _settled(step: Step, ctx: Ctx) -> bool:
    """Is it already known whether this later step applies? Not while its condition looks at an answer
    still to come (the SMART check before the objective is written, “is it essential?” before any
    training is named): such a step is counted once its answers are in."""
    if step.when is None:
        return True
    watched = _Watched(ctx.answers)
    try:
        step.when(dataclasses.replace(ctx, answers=watched))
    except Exception:  # noqa: BLE001 - a condition that cannot be judged yet is not counted yet
        return False
    return all(key in ctx.answers for key in watched.looked)


def _position(visible: Sequence[Step], step: Step, ctx: Ctx) -> tuple[int, int]:
    """“question 3 of 12”: this step's place among the questions that apply to this run, and how many apply
    (who it is for and the final confirmation are not questions, so prep's 23 questions count as 23).

    Only steps shown or known to be shown are counted, so the numbers go 1, 2, 3 without gaps and the
    total does not shrink when a condition turns out false; it grows only when an answer brings in steps
    (a second objective, a training need to mark essential)."""
    final = visible[-1].key if visible and visible[-1].kind == PromptKind.CONFIRM else None
    counted = [s for s in visible if s.key not in (SUBJECT_STEP, final)]
    keys = [s.key for s in counted]
    index = keys.index(step.key) if step.key in keys else sum(1 for s in counted if s.key in ctx.answers)
    later = [s for s in counted[index + 1:] if s.key not in ctx.answers and _settled(s, ctx)]
    return index + 1, index + 1 + len(later)


def _text(value: Any, ctx: Ctx) -> str:
    return value(ctx) if callable(value) else str(value)


def _choices(step: Step, ctx: Ctx) -> tuple[Choice, ...]:
    choices = step.choices(ctx) if callable(step.choices) else step.choices
    return tuple(choices) or default_choices(step.kind)


def _copy(state: dict[str, Any]) -> dict[str, Any]:
    return {"answers": dict(state.get("answers", {})), "history": list(state.get("history", [])),
            "data": dict(state.get("data", {}))}


def summary(steps: Sequence[Step], answers: dict[str, Any], ctx: Ctx) -> str:
    """The answers given so far, as a person reads them back before confirming."""
    lines = []
    for s in steps:
        if s.key in answers and s.kind != PromptKind.CONFIRM and not s.key.startswith("_"):
            lines.append(f"• {s.label or _text(s.prompt, ctx)}: {_shown(s, answers[s.key], ctx)}")
    return "\n".join(lines)


def _shown(step: Step, value: Any, ctx: Ctx) -> str:
    """A chosen option read back by its label (“Partially Met”), never its stored value (“partially_met”)."""
    if step.kind == PromptKind.CHOICE and isinstance(value, str):
        options = step.choices(ctx) if callable(step.choices) else step.choices
        label = next((c.label for c in options if c.value == value), None)
        if label:
            return label
    return show(value)


def identity_of(inbound: Inbound) -> str:
    """The account a turn came from, as the audit log and signatures record it (Policy 10.1)."""
    return inbound.platform_identity or f"{inbound.address.channel.value}:{inbound.address.user_id}"

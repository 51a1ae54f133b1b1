"""The command words of DESIGN.md, help, and a useful reply to any free text outside a dialog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.dialogs.errors import Refusal
from bot.messages import Choice, Inbound, Reply, echo
from store.models import Person
from store.repos.values import PersonContext

if TYPE_CHECKING:
    from bot.dialogs.engine import Engine

CommandHandler = Callable[["Engine", PersonContext, str, Inbound], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Command:
    word: str
    summary: str
    dialog_id: str | None = None  # start this dialog (argument: a colleague's name or email)
    handler: CommandHandler | None = None  # or answer directly
    aliases: tuple[str, ...] = ()
    managers_only: bool = False
    report_dialog_id: str | None = None  # with a colleague's name, start this dialog instead ("prep NAME")
    roles: tuple[str, ...] = ()  # listed in help only for holders of one of these roles (anyone may still ask)


TYPO_CUTOFF = 70
GREETINGS = {"hi", "hello", "hey", "hiya", "heya", "yo", "morning", "good morning", "good afternoon",
             "good evening", "afternoon", "hi there", "hello there", "hey there", "howdy"}
THANKS = {"thanks", "thank you", "thankyou", "ta", "cheers", "thx", "ty", "many thanks", "thanks a lot",
          "thank you so much", "thanks so much", "brilliant thanks", "great thanks", "lovely thanks"}
BYES = {"bye", "goodbye", "see you", "see ya", "night", "good night", "later", "cya"}
ACKS = {"ok", "okay", "k", "cool", "great", "lovely", "nice", "brilliant", "fine", "got it", "perfect", "ace"}
WHAT_NEXT = "Say status to see where your review stands, or help for everything I can do."
SMALL_TALK_CHOICES = (Choice("status", "My status", "primary"), Choice("help", "Help"))


def small_talk(text: str, first_name: str) -> Reply | None:
    """A brief, friendly answer to a greeting, thanks, goodbye or an emoji; None for anything else."""
    low = " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())
    if not low:  # only emoji or punctuation: 👋 is a hello, 👍 a nod
        if not text.strip():
            return None
        if "👋" in text:
            return Reply(f"Hi {first_name}! 👋 {WHAT_NEXT}", choices=SMALL_TALK_CHOICES)
        return Reply(f"👍 {WHAT_NEXT}", choices=SMALL_TALK_CHOICES)
    if low in GREETINGS or low.removesuffix(" cadence") in GREETINGS:
        return Reply(f"Hi {first_name}! {WHAT_NEXT}", choices=SMALL_TALK_CHOICES)
    if low in THANKS or low.removesuffix(" cadence") in THANKS:
        return Reply(f"You're welcome, {first_name}. Say status any time to see what's next.",
                     choices=SMALL_TALK_CHOICES)
    if low in BYES:
        return Reply(f"Bye for now, {first_name}. Everything you've answered is saved.")
    if low in ACKS:
        return Reply(f"Righto. {WHAT_NEXT}", choices=SMALL_TALK_CHOICES)
    return None


class Router:
    def __init__(self) -> None:
        from bot.dialogs import catalogue

        self.commands: dict[str, Command] = {}
        for command in catalogue.COMMANDS:
            for word in (command.word, *command.aliases):
                self.commands[word] = command

    def is_command(self, text: str) -> bool:
        return self.command_word(text) is not None

    def command_word(self, text: str) -> str | None:
        """The main word of the command the text starts with (“book Sam” -> “schedule”), or None."""
        first = text.strip().lower().split(" ", 1)[0].lstrip("/") if text.strip() else ""
        command = self.commands.get(first)
        return command.word if command is not None else None

    def did_you_mean(self, word: str) -> str | None:
        """The command a typo was most likely meant to be (“stauts” -> “status”), by fuzzy matching
        (rapidfuzz's normalised Indel similarity, at least 70 of 100), or None."""
        if len(word) < 3 or not word.isalpha():
            return None
        from rapidfuzz import fuzz, process  # on the first word Cadence does not know, not at start-up

        found = process.extractOne(word, list(self.commands), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return self.commands[found[0]].word if found else None

    def is_primary_word(self, text: str) -> bool:
        word = text.strip().lower().lstrip("/")
        command = self.commands.get(word)
        return command is not None and command.word == word

    def is_answer_like(self, word: str) -> bool:
        """Words that could be an answer to a question are not treated as commands mid-dialog."""
        return word in {"yes", "no", "ok", "skip", "back"}

    async def route(self, engine: Engine, person: PersonContext, text: str, inbound: Inbound) -> list[Reply]:
        words = text.strip().split(" ", 1)
        word = words[0].lower().lstrip("/") if words and words[0] else ""
        argument = words[1].strip() if len(words) > 1 else ""
        if not word:
            return [self.help_reply(person)]
        if word in ("cancel", "stop", "quit", "exit", "back", "skip", "pause") and not argument:
            return [Reply(f"There's nothing open to {word} just now, so nothing has changed. Say help to see "
                          "what you can do.", choices=(Choice("status", "My status"), Choice("help", "Help")))]
        if word == "resume":
            return await engine.resume(person, inbound)
        command = self.commands.get(word)
        if command is None:
            chat = small_talk(text, person.person.name.split(" ")[0])
            if chat is not None:
                return await self._paused_hint(engine, person) + [chat]
            meant = self.did_you_mean(word)
            if meant is not None:
                again = f"{meant} {argument}".strip()
                return [Reply(f"Did you mean {meant}? ({self.commands[meant].summary})",
                              choices=(Choice(again, f"Yes, {meant}", "primary"), Choice("help", "Show help")))]
            return await self._paused_hint(engine, person) + [self.free_text_reply(person, text)]
        if command.handler is not None:
            return await command.handler(engine, person, argument, inbound)
        assert command.dialog_id is not None
        if not engine.registry.has(command.dialog_id):
            return [Reply(f"“{command.word}” isn't ready yet in this version of Cadence. Say help for what is.")]
        subject_id = await self.find_subject(engine, person, argument, word) if argument else None
        dialog_id = command.report_dialog_id if subject_id is not None and command.report_dialog_id else command.dialog_id
        return await engine.start(person, dialog_id, inbound, subject_id=subject_id)

    async def find_subject(self, engine: Engine, person: PersonContext, argument: str, command: str = "") -> int:
        """A colleague named in a command (“status Sam”, “prep sam.patel@…”), for the dialog or reply to
        check access on (Policy 10.1).

        A name is matched among everyone whose record the person may read (their reviewees and reports,
        and, for a headteacher, HR admin or executive leader, everyone in their organisations), so nobody
        learns who works where. A full name beats a first name or surname, which beats part of a name.
        """
        needle = argument.lower().removeprefix("for ").strip()
        exact = await engine.repos.people.person_by_email(needle) if "@" in needle else None
        if exact is not None and exact.id is not None:
            return exact.id
        access = engine.registry.access
        candidates = await access.readable_subjects(engine.repos, person)
        matches = match_names(candidates, needle)
        if len(matches) == 1 and matches[0].id is not None:
            return matches[0].id
        say = f"{command} " if command else ""
        if not matches:
            if "@" in needle:
                raise Refusal(f"I couldn't find anyone with the email {echo(argument)}. Please check the address "
                              "(Policy 10.1).", "10.1")
            wide = len(candidates) > len(await access.subjects_for(engine.repos, person))
            where = "among the colleagues whose records you can see" if wide else "among the colleagues you review or manage"
            raise Refusal(f"I couldn't find a colleague of yours called “{echo(argument)}” ({where}, Policy 10.1). "
                          f"Try their full name or email address, for example “{say}name@school.org”, or say "
                          f"{command or 'status'} on its own to see your team.", "10.1")
        listed = "\n".join(f"• {p.name} ({p.email})" for p in matches[:8])
        more = f"\n…and {len(matches) - 8} more." if len(matches) > 8 else ""
        raise Refusal(f"More than one colleague matches “{echo(argument)}”:\n{listed}{more}\nPlease say it again with "
                      f"their email address, for example “{say}{matches[0].email}” (Policy 10.1).", "10.1")

    async def _paused_hint(self, engine: Engine, person: PersonContext) -> list[Reply]:
        """Free text after a pause (or a restart) is most likely an answer to the paused question:
        say so first, so nobody is left reading the whole help list wondering where their answers went."""
        paused = await engine.repos.conversations.paused_sessions(person.id)
        if not paused or not engine.registry.has(paused[0].dialog_id):
            return []
        title = engine.registry.get(paused[0].dialog_id).title
        return [Reply(f"“{title}” is paused, with your answers saved. Say resume to carry on where you "
                      "left off.", choices=(Choice("resume", "Carry on"),))]

    def help_reply(self, person: PersonContext, lead: str = "") -> Reply:
        seen: set[str] = set()
        lines = [lead] if lead else [f"Hi {person.person.name.split(' ')[0]}, here's what I can do:"]
        for command in self.commands.values():
            if command.word in seen or (command.roles and not set(command.roles) & set(person.roles)):
                continue
            seen.add(command.word)
            lines.append(f"• {command.word} — {command.summary}")
        lines.append("In a conversation you can say back, skip, pause or cancel; resume picks up where you left off.")
        choices = tuple(Choice(w, w) for w in ("status", "prep", "checkin", "help"))
        return Reply("\n".join(lines), choices=choices)

    def free_text_reply(self, person: PersonContext, text: str) -> Reply:
        low = text.lower()
        hints = [("prepar", "prep"), ("check", "checkin"), ("wellbeing", "checkin"), ("objective", "objectives"),
                 ("meeting", "schedule"), ("book", "schedule"), ("appeal", "appeal"), ("unfair", "appeal"),
                 ("form", "export"), ("plan", "plan"), ("where", "status"), ("next", "status")]
        for needle, word in hints:
            if needle in low and word in self.commands:
                return self.help_reply(person, lead=f"I think you might want “{word}”: "
                                                    f"{self.commands[word].summary}. Here's everything I can do:")
        return self.help_reply(person, lead="I only understand a few words, but I'm happy to help. "
                                            "Here's what I can do:")


def match_names(people: list[Person], needle: str) -> list[Person]:
    """People whose name or email matches: the full name or email first, then a whole first name or
    surname, then the start of a name, then any part of it (so “Jo” finds Jo Brown, not also John)."""
    low = needle.lower().strip()
    if not low:
        return []
    tiers: tuple[Callable[[Person], bool], ...] = (
        lambda p: low in (p.name.lower(), p.email.lower()),
        lambda p: low in p.name.lower().split(),
        lambda p: any(w.startswith(low) for w in p.name.lower().split()) or p.name.lower().startswith(low),
        lambda p: low in p.name.lower(),
    )
    for tier in tiers:
        found = [p for p in people if tier(p)]
        if found:
            return found
    return []

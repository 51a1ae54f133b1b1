"""The neutral types every layer speaks.

A handler turns a platform event into an :class:`Inbound`, the dialog engine answers with
:class:`Reply` objects, and each channel renders a Reply with its own pure renderer, degrading
by its :class:`Capabilities` (buttons become a numbered list in the console, a form becomes
one question at a time where the channel has no cards).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"
    CONSOLE = "console"
    EMAIL = "email"


@dataclass(frozen=True)
class Address:
    """Where a message comes from or goes to.

    ``user_id`` is the platform's id for the person (Slack user id, Teams AAD object id, an email
    for the console and email channels). ``conversation_id`` is the DM / conversation when known.
    """

    channel: Channel
    user_id: str
    conversation_id: str | None = None
    team_id: str | None = None


@dataclass(frozen=True)
class Action:
    """A button press or card submission, tied to the dialog state it was rendered from.

    ``session_id`` and ``revision`` let the engine recognise a click on an old message as stale
    instead of applying it to a later step.
    """

    value: str
    session_id: int | None = None
    revision: int | None = None
    step: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One thing a person said or did, platform-neutral."""

    address: Address
    text: str = ""
    action: Action | None = None
    form: dict[str, str] | None = None  # submitted values of a long form (modal / card)
    platform_identity: str = ""  # e.g. "slack:U123@T9" — recorded on signatures and audit
    command: bool = False  # an explicit command (slash command, a "start" button): never a dialog answer


class PromptKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    RATING = "rating"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    style: str | None = None  # "primary" | "danger" | None


@dataclass(frozen=True)
class FormField:
    """One input of a long form (Slack modal, Teams card with inputs)."""

    key: str
    label: str
    kind: PromptKind = PromptKind.SHORT_TEXT
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    initial: str = ""
    max_length: int = 3000


@dataclass(frozen=True)
class Form:
    """A long form shown at once where the channel can (modal / card), else one field at a time."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Save"


@dataclass(frozen=True)
class Card:
    """A read-only summary: a title, facts as label/value pairs, and free sections."""

    title: str
    facts: tuple[tuple[str, str], ...] = ()
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str
    title: str = ""


@dataclass(frozen=True)
class Reply:
    """What the bot says. ``text`` is always a complete message on its own.

    ``prompt`` says what kind of answer is expected next; ``choices`` are the buttons for choice,
    yes/no, rating and confirm prompts; ``session_id``/``revision`` are echoed back in an
    :class:`Action` so a stale click can be recognised.
    """

    text: str
    prompt: PromptKind | None = None
    choices: tuple[Choice, ...] = ()
    card: Card | None = None
    form: Form | None = None
    attachments: tuple[Attachment, ...] = ()
    session_id: int | None = None
    revision: int | None = None
    step: str | None = None
    clause: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outbound:
    """A Reply addressed to someone who did not just speak (reminders, notices, copies)."""

    to_person_id: int
    reply: Reply


@dataclass(frozen=True)
class Capabilities:
    buttons: bool
    cards: bool
    files: bool
    message_updates: bool
    forms: bool

    @classmethod
    def for_channel(cls, channel: Channel) -> Capabilities:
        return _CAPABILITIES[channel]


_CAPABILITIES = {
    Channel.SLACK: Capabilities(buttons=True, cards=True, files=True, message_updates=True, forms=True),
    Channel.TEAMS: Capabilities(buttons=True, cards=True, files=True, message_updates=True, forms=True),
    Channel.CONSOLE: Capabilities(buttons=False, cards=False, files=True, message_updates=False, forms=False),
    Channel.EMAIL: Capabilities(buttons=False, cards=False, files=True, message_updates=False, forms=False),
}


ECHO_LIMIT = 80


def echo(typed: str, limit: int = ECHO_LIMIT) -> str:
    """What a reply may quote back of what someone typed: a name or email is short, so a longer text is
    cut (a 900 KB message echoed whole came back as some 130 chat messages)."""
    typed = " ".join(typed.split())
    return typed if len(typed) <= limit else typed[:limit - 1].rstrip() + "…"

"""The dialog engine's vocabulary: a dialog is data (steps) plus a small completion hook.

A :class:`Dialog` declares its :class:`Step` list; each step has a prompt kind, an optional
condition (``when``) and an optional validator. The engine (``engine.py``) asks the first visible
step that has no answer yet, so state is simply the answers so far (plain JSON), and resuming
after a restart, on another worker or on another channel lands on the same step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.messages import Channel, Choice, PromptKind, Reply
from bot.services import DEFAULT_ZONE, Notifier, Services

if TYPE_CHECKING:
    from store.repos.values import PersonContext

__all__ = ["Completion", "Ctx", "Dialog", "Notifier", "Preparer", "Run", "Services", "Step", "Subject"]


@dataclass
class Ctx:
    """What prompts, conditions and validators see."""

    answers: dict[str, Any]
    data: dict[str, Any]
    person: PersonContext
    subject: PersonContext | None
    today: date
    now: datetime
    channel: Channel
    zone: ZoneInfo = DEFAULT_ZONE  # the trust's time zone (Settings.timezone)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.answers.get(key, default)
        return default if value is None else value


Text = str | Callable[[Ctx], str]
Choices = tuple[Choice, ...] | Callable[[Ctx], tuple[Choice, ...]]
Validator = Callable[[Any, Ctx], str | None]


@dataclass(frozen=True)
class Step:
    key: str
    prompt: Text
    kind: PromptKind = PromptKind.LONG_TEXT
    choices: Choices = ()
    optional: bool = False
    when: Callable[[Ctx], bool] | None = None
    validate: Validator | None = None
    help: str = ""
    clause: str | None = None
    max_length: int = 3000
    group: str | None = None  # consecutive steps of one group are shown as one form where possible
    label: str = ""  # short label for a form field; defaults to the prompt


@dataclass
class Run:
    """A finished dialog handed to its completion hook."""

    services: Services
    person: PersonContext
    subject: PersonContext | None
    answers: dict[str, Any]
    data: dict[str, Any]
    channel: Channel
    platform_identity: str
    session_id: int
    # set by a completion hook to hand over to another dialog: (dialog id, subject person id)
    then: tuple[str, int | None] | None = None

    def get(self, key: str, default: Any = None) -> Any:
        value = self.answers.get(key, default)
        return default if value is None else value


Completion = Callable[[Run], Awaitable[list[Reply]]]
Preparer = Callable[[Services, "PersonContext", "PersonContext | None"], Awaitable[dict[str, Any] | str]]


class Subject:
    """Whom a dialog is about."""

    SELF = "self"  # the speaker (preparation, check-in, appeal)
    REPORT = "report"  # a colleague the speaker reviews or manages (objectives, schedule, plans)
    EITHER = "either"  # the speaker, or with a colleague's name one they review (agenda, signoff)


@dataclass(frozen=True)
class Dialog:
    id: str
    version: int
    title: str
    steps: Sequence[Step] | Callable[[Ctx], Sequence[Step]]
    complete: Completion
    subject: str = Subject.SELF
    prepare: Preparer | None = None  # loads what the steps need; a str return is a refusal
    intro: Text = ""
    clause: str = ""
    description: str = ""  # one line for help
    # where the person is, in the dialog's own words (“objective 2 of 3, success criteria”); "" for the
    # engine's “question 4 of 23”
    progress: Callable[[Ctx, Step], str] | None = None

    def steps_for(self, ctx: Ctx) -> Sequence[Step]:
        return self.steps(ctx) if callable(self.steps) else self.steps

"""Reading an answer for each prompt kind, with a message that says what is expected."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.messages import Choice, PromptKind

YES = {"yes", "y", "yeah", "yep", "true", "ok", "okay", "agree", "agreed", "sure"}
NO = {"no", "n", "nope", "false", "disagree"}
CONFIRM_YES = YES | {"confirm", "confirmed", "save", "sign", "done", "submit", "send"}
CONFIRM_NO = NO | {"change", "edit"}

YES_NO_CHOICES = (Choice("yes", "Yes", "primary"), Choice("no", "No"))
CONFIRM_CHOICES = (Choice("confirm", "Confirm", "primary"), Choice("change", "Go back"))
RATING_CHOICES = tuple(Choice(str(i), label) for i, label in
                       enumerate(["1 Low", "2", "3 OK", "4", "5 Great"], start=1))

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%A %d %B %Y",
                 "%a %d %b %Y", "%d %B", "%d %b")
_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.I)


def whole_number(text: str, max_digits: int = 9) -> int | None:
    """A plain ASCII whole number, or None: “²” is a digit to str.isdigit() but not to int(), and
    int() refuses strings of thousands of digits."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= max_digits else None


@dataclass(frozen=True)
class Parsed:
    ok: bool
    value: Any = None
    error: str = ""


def parse_answer(kind: PromptKind, raw: str, choices: tuple[Choice, ...] = (), *, max_length: int = 3000,
                 today: date | None = None) -> Parsed:
    text = (raw or "").strip()
    if not text:
        return Parsed(False, error="I didn't get an answer. Please type a reply, or say skip if it's optional.")
    match kind:
        case PromptKind.SHORT_TEXT | PromptKind.LONG_TEXT:
            limit = min(max_length, 300) if kind == PromptKind.SHORT_TEXT else max_length
            if len(text) > limit:
                return Parsed(False, error=f"That's {len(text):,} characters; the limit here is {limit:,}. "
                                           "Please shorten it and send it again.")
            return Parsed(True, text)
        case PromptKind.YES_NO:
            low = text.lower().rstrip("!.")
            if low in YES:
                return Parsed(True, True)
            if low in NO:
                return Parsed(True, False)
            return Parsed(False, error="Please answer yes or no.")
        case PromptKind.CONFIRM:
            low = text.lower().rstrip("!.")
            if low in CONFIRM_YES:
                return Parsed(True, True)
            if low in CONFIRM_NO:
                return Parsed(True, False)
            return Parsed(False, error="Please say confirm to go ahead, or back to change an answer.")
        case PromptKind.RATING:
            rating = whole_number(text)
            if rating is not None and 1 <= rating <= 5:
                return Parsed(True, rating)
            return Parsed(False, error="Please pick a number from 1 (low) to 5 (great).")
        case PromptKind.NUMBER:
            cleaned = text.lower().removesuffix("minutes").removesuffix("mins").removesuffix("min").strip()
            number = whole_number(cleaned)
            if number is not None:
                return Parsed(True, number)
            return Parsed(False, error="Please give a whole number, for example 60.")
        case PromptKind.CHOICE:
            return _choice(text, choices)
        case PromptKind.DATE:
            d = parse_date(text, today)
            if d is None:
                return Parsed(False, error="I couldn't read that as a date. Please write it like 14/12/2026.")
            return Parsed(True, d.isoformat())
        case PromptKind.DATETIME:
            dt = parse_datetime(text, today)
            if dt is None:
                return Parsed(False, error="I couldn't read that as a date and time. "
                                           "Please write it like 14/12/2026 15:30.")
            return Parsed(True, dt.isoformat())
    return Parsed(False, error="I couldn't read that answer.")


def _choice(text: str, choices: tuple[Choice, ...]) -> Parsed:
    low = text.lower().strip()
    index = whole_number(low)
    if index is not None and 1 <= index <= len(choices):
        return Parsed(True, choices[index - 1].value)
    for c in choices:
        if low in (c.value.lower(), c.label.lower()):
            return Parsed(True, c.value)
    starts = [c for c in choices if c.label.lower().startswith(low) or c.value.lower().startswith(low)]
    if len(starts) == 1:
        return Parsed(True, starts[0].value)
    options = ", ".join(f"{i}. {c.label}" for i, c in enumerate(choices, 1))
    return Parsed(False, error=f"Please pick one of: {options}.")


def parse_date(text: str, today: date | None = None) -> date | None:
    t = " ".join(text.strip().replace(",", " ").split())
    low = t.lower()
    if today is not None:
        if low == "today":
            return today
        if low == "tomorrow":
            return date.fromordinal(today.toordinal() + 1)
    t = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", t)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(t, fmt).date()
        except ValueError:
            continue
        if "%Y" not in fmt and "%y" not in fmt:
            base = today or date.today()
            parsed = parsed.replace(year=base.year)
            if parsed < base:
                parsed = parsed.replace(year=base.year + 1)
        return parsed
    return None


def parse_datetime(text: str, today: date | None = None) -> datetime | None:
    t = " ".join(re.sub(r"(\d)T(\d)", r"\1 \2", text.strip().replace(",", " ")).split())  # ISO 2026-12-01T10:00
    parts = t.split(" ")
    for split in range(len(parts) - 1, 0, -1):
        d = parse_date(" ".join(parts[:split]), today)
        if d is None:
            continue
        m = _TIME_RE.match("".join(parts[split:]))
        if not m:
            return None
        hour, minute, ampm = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            return None
        return datetime(d.year, d.month, d.day, hour, minute)
    return None


def default_choices(kind: PromptKind) -> tuple[Choice, ...]:
    return {PromptKind.YES_NO: YES_NO_CHOICES, PromptKind.CONFIRM: CONFIRM_CHOICES,
            PromptKind.RATING: RATING_CHOICES}.get(kind, ())


def show(value: Any) -> str:
    """An answer as a person reads it back."""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None:
        return "(skipped)"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value).strftime("%a %d %b %Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", value):
        return datetime.fromisoformat(value).strftime("%a %d %b %Y, %H:%M")
    return str(value)

"""Reading an answer for each prompt kind, with a message that says what is expected.

People answer in their own words: "four", "an hour", "90 mins", "yes pls", "next Tuesday at 2".
The canonical forms (digits, yes/no, 14/12/2026 15:30) are read as before; anything read another
way carries ``echo``, the value as understood, which the engine reads back for confirmation (dates,
times, lengths and numbers in words) or notes in its reply (yes/no in other words). Natural dates are
read day-first (UK) and relative to the injected clock's today, never the wall clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytimeparse
from text_to_num import alpha2digit, text2num

from bot.messages import Choice, PromptKind

YES = {"yes", "y", "yeah", "yep", "true", "ok", "okay", "agree", "agreed", "sure"}
NO = {"no", "n", "nope", "false", "disagree"}
# other ways of saying yes or no: the first word decides, so "yes pls" and "nah not yet" are read
YES_WORDS = YES | {"yup", "yea", "ya", "yeh", "aye", "absolutely", "definitely", "certainly", "course", "please",
                   "pls", "correct", "right", "👍", "✅", "✔", "✔️"}
NO_WORDS = NO | {"nah", "nay", "not", "never", "👎", "❌", "✖"}
CANONICAL_YES_NO = {"yes", "no", "y", "n", "true", "false"}
CONFIRM_YES = YES | {"confirm", "confirmed", "save", "sign", "done", "submit", "send"}
CONFIRM_NO = NO | {"change", "edit"}

YES_NO_CHOICES = (Choice("yes", "Yes", "primary"), Choice("no", "No"))
CONFIRM_CHOICES = (Choice("confirm", "Confirm", "primary"), Choice("change", "Go back"))
RATING_CHOICES = tuple(Choice(str(i), label) for i, label in
                       enumerate(["1 Low", "2", "3 OK", "4", "5 Great"], start=1))

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%A %d %B %Y",
                 "%a %d %b %Y", "%d %B", "%d %b")
_YEAR_GIVEN = re.compile(r"\d{4}|\d{1,2}/\d{1,2}/\d{2}\b")
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
    echo: str = ""  # the value as understood, when it was not typed in the canonical form
    confirm: bool = False  # ask "is that right?" before keeping it (dates, times, lengths, numbers in words)


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
            answer = yes_or_no(text)
            if answer is None:
                return Parsed(False, error="Please answer yes or no.")
            return Parsed(True, answer, echo=_yes_no_echo(text, answer))
        case PromptKind.CONFIRM:
            low = text.lower().rstrip("!.")
            if low in CONFIRM_YES:
                return Parsed(True, True)
            if low in CONFIRM_NO:
                return Parsed(True, False)
            answer = yes_or_no(text)
            if answer is not None:
                return Parsed(True, answer, echo="confirm" if answer else "go back")
            return Parsed(False, error="Please say confirm to go ahead, or back to change an answer.")
        case PromptKind.RATING:
            rating = whole_number(text)
            if rating is not None and 1 <= rating <= 5:
                return Parsed(True, rating)
            rating = number_in_words(text)
            if rating is not None and 1 <= rating <= 5:
                return Parsed(True, rating, echo=f"{rating} out of 5", confirm=True)
            return Parsed(False, error="Please pick a number from 1 (low) to 5 (great).")
        case PromptKind.NUMBER:
            cleaned = text.lower().removesuffix("minutes").removesuffix("mins").removesuffix("min").strip()
            number = whole_number(cleaned)
            if number is not None:
                return Parsed(True, number)
            minutes = duration_minutes(text)
            if minutes is not None:
                return Parsed(True, minutes, echo=f"{minutes} minutes", confirm=True)
            number = number_in_words(text)
            if number is not None:
                return Parsed(True, number, echo=str(number), confirm=True)
            return Parsed(False, error="Please give a whole number, for example 60 (or a length like “1h” or "
                                       "“90 mins”).")
        case PromptKind.CHOICE:
            parsed = _choice(text, choices)
            index = number_in_words(text) if not parsed.ok else None
            if index is not None and 1 <= index <= len(choices):
                return Parsed(True, choices[index - 1].value, echo=choices[index - 1].label)
            return parsed
        case PromptKind.DATE:
            return _moment(text, lambda t: parse_date(t, today), lambda t: natural_date(t, today), "%A %d %B %Y",
                           "a date. Please write it like 14/12/2026 (or “next Tuesday”, “tomorrow”).")
        case PromptKind.DATETIME:
            return _moment(text, lambda t: parse_datetime(t, today), lambda t: natural_datetime(t, today),
                           "%A %d %B %Y at %H:%M", "a date and time. Please write it like 14/12/2026 15:30 "
                           "(or “next Tuesday at 2pm”, “tomorrow 9am”).")
    return Parsed(False, error="I couldn't read that answer.")


def _moment(text: str, strict: Any, natural: Any, shown: str, expected: str) -> Parsed:
    """A date (or date and time): the usual forms as they are, read back only when the year was left
    to be guessed (“tomorrow”, “3 Dec”); anything else through the natural-language reader, always
    read back for confirmation."""
    found = strict(text)
    if found is not None:
        guessed = not _YEAR_GIVEN.search(text)
        return Parsed(True, found.isoformat(), echo=f"{found:{shown}}" if guessed else "", confirm=guessed)
    found = natural(text)
    if isinstance(found, str):
        return Parsed(False, error=found)
    if found is None:
        return Parsed(False, error=f"I couldn't read that as {expected}")
    return Parsed(True, found.isoformat(), echo=f"{found:{shown}}", confirm=True)


def yes_or_no(text: str) -> bool | None:
    """Yes (True), no (False) or neither (None): “yes pls”, “yep”, “nah, not yet”, 👍."""
    low = text.lower().strip()
    if low.rstrip("!.") in YES:
        return True
    if low.rstrip("!.") in NO:
        return False
    words = re.findall(r"[a-z']+|[^\sa-z0-9'.,!?]+", low)
    if not words or len(words) > 6:
        return None
    first = words[0]
    if first in NO_WORDS or "not" in words or "don't" in words:
        return False
    if first in YES_WORDS or (first in {"of", "go"} and len(words) > 1):  # "of course", "go ahead"
        return True
    return None


def _yes_no_echo(text: str, answer: bool) -> str:
    return "" if text.lower().strip().rstrip("!.") in CANONICAL_YES_NO else ("yes" if answer else "no")


def number_in_words(text: str) -> int | None:
    """A whole number written in words (“four”, “twenty five”), or None."""
    words = text.lower().strip().rstrip("!.").replace("-", " ")
    if not words or not words.replace(" ", "").isalpha() or len(words) > 60:
        return None
    try:
        number = text2num(words, "en")
    except ValueError:
        return None
    return number if 0 <= number < 10**9 else None


_HALF_HOUR = re.compile(r"^(?:half an? hour|half hour|30 ?m)$")
_HOUR_AND_HALF = re.compile(r"^(?:an?|one|1) hour and a half$|^(?:an?|one|1) and a half hours?$")


def duration_minutes(text: str) -> int | None:
    """A length of time in whole minutes: “an hour”, “1h”, “90 mins”, “1.5 hours”, “an hour and a half”."""
    low = " ".join(text.lower().strip().rstrip("!.").split())
    if len(low) > 60:
        return None
    if _HALF_HOUR.match(low):
        return 30
    if _HOUR_AND_HALF.match(low):
        return 90
    low = re.sub(r"^(?:an?|one)\b", "1", low)
    low = alpha2digit(low, "en")
    low = re.sub(r"\b(\d+)\s*(?:hrs?|hours?)\s*(?:and\s*)?(\d+)$", r"\1h\2m", low)  # "1 hour 30"
    seconds = pytimeparse.parse(low)
    if seconds is None or seconds <= 0 or seconds % 60:
        return None
    return int(seconds // 60)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATE_SIGNAL = re.compile(r"\d|\b(?:today|tomorrow|tonight|next|this|week|month|mon|tue|wed|thu|fri|sat|sun|"
                          r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)


def natural_date(text: str, today: date | None) -> date | str | None:
    """A date in people's words, read day-first relative to ``today`` (“next Tuesday”, “Sat 12/12/2026”,
    “3 Dec”); a str when it names a weekday the date is not on; None when it isn't a date."""
    t = " ".join(text.strip().replace(",", " ").split())
    if today is None or not t or len(t) > 60 or not _DATE_SIGNAL.search(t) or number_in_words(t) is not None:
        return None
    base = datetime(today.year, today.month, today.day, 12, 0)
    low = t.lower()
    named = next((d for d in _WEEKDAYS if re.search(rf"\b{d[:3]}", low)), None)
    match = re.fullmatch(r"(?:next|this|on)?\s*([a-z]+)", low)
    if match and match.group(1) in _WEEKDAYS or (match and any(match.group(1) == d[:3] for d in _WEEKDAYS)):
        # "Tuesday", "next Tuesday": the coming one (if today is Tuesday, a week today)
        ahead = (_WEEKDAYS.index(named) - today.weekday()) % 7 or 7  # type: ignore[arg-type]
        return today + timedelta(days=ahead)
    import dateparser  # here, not at the top: ~160 ms and ~19 MiB that a restart of cadence serve needn't pay

    found = dateparser.parse(t, languages=["en"], settings={
        "DATE_ORDER": "DMY", "RELATIVE_BASE": base, "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False})
    if found is None:
        return None
    day = found.date()
    if named is not None and _WEEKDAYS[day.weekday()] != named and re.search(r"\d", low):
        return (f"{day:%d/%m/%Y} is a {day:%A}, not a {named.capitalize()}. Please check the date and send it "
                "again.")
    return day


_AT_TIME = re.compile(r"^(?P<date>.*?)\s*(?:\bat\s+|@\s*)?(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ap>am|pm)?$", re.I)
_NAMED_TIME = {"noon": (12, 0), "midday": (12, 0), "lunchtime": (12, 0)}


def natural_datetime(text: str, today: date | None) -> datetime | str | None:
    """A date and time in people's words: “next Tuesday at 2”, “tomorrow 9am”, “Sat 12/12/2026 10:00”.
    A bare hour from 1 to 6 is the afternoon (a school day: “at 2” is 14:00); the reply reads it back."""
    t = " ".join(text.strip().replace(",", " ").split())
    if not t or len(t) > 80:
        return None
    low = t.lower()
    named = next((w for w in _NAMED_TIME if low.endswith(w)), None)
    if named:
        day_text, (hour, minute) = re.sub(rf"\s*(?:at\s+)?{named}$", "", t, flags=re.I), _NAMED_TIME[named]
    else:
        m = _AT_TIME.match(t)
        if not m or not m.group("date").strip():
            return None
        day_text = m.group("date").strip()
        hour, minute, ampm = int(m.group("h")), int(m.group("m") or 0), (m.group("ap") or "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        elif not ampm and m.group("m") is None and 1 <= hour <= 6:
            hour += 12
        if hour > 23 or minute > 59:
            return None
    day = parse_date(day_text, today) if re.search(r"\d", day_text) else None
    if day is None:
        found = natural_date(day_text, today)
        if found is None or isinstance(found, str):
            return found
        day = found
    return datetime(day.year, day.month, day.day, hour, minute)


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

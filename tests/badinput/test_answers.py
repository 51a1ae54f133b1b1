"""Every prompt kind reads any reply without crashing, and a reply it can't read says what to do.

Found by these properties and fixed in bot/dialogs/answers.py: digits that are not ASCII (“²”)
and numbers of thousands of digits made int() raise; a capital T anywhere (“Tue 1 Dec 2026 10:00”)
was taken for an ISO date-time separator, so weekday names broke date-times.
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.dialogs.answers import default_choices, parse_answer
from bot.messages import Choice, PromptKind
from tests.badinput.conftest import BOUNDED
from tests.badinput.strategies import answers

TODAY = date(2026, 11, 23)
CHOICES = (Choice("nothing", "Nothing"), Choice("mood", "Just my mood"), Choice("everything", "Everything"))


def choices_for(kind: PromptKind) -> tuple[Choice, ...]:
    return CHOICES if kind == PromptKind.CHOICE else default_choices(kind)


@BOUNDED
@given(kind=st.sampled_from(list(PromptKind)), raw=answers)
def test_any_reply_to_any_prompt_is_read_or_gets_a_clear_next_step(kind: PromptKind, raw: str) -> None:
    parsed = parse_answer(kind, raw, choices_for(kind), max_length=3000, today=TODAY)
    if not parsed.ok:
        assert parsed.error and "please" in parsed.error.lower(), parsed.error
        return
    value = parsed.value
    match kind:
        case PromptKind.SHORT_TEXT | PromptKind.LONG_TEXT:
            assert isinstance(value, str) and value.strip() and len(value) <= 3000
        case PromptKind.YES_NO | PromptKind.CONFIRM:
            assert isinstance(value, bool)
        case PromptKind.RATING:
            assert value in (1, 2, 3, 4, 5)
        case PromptKind.NUMBER:
            assert isinstance(value, int) and value >= 0
        case PromptKind.CHOICE:
            assert value in {c.value for c in CHOICES}
        case PromptKind.DATE:
            date.fromisoformat(value)
        case PromptKind.DATETIME:
            datetime.fromisoformat(value)


@BOUNDED
@given(raw=st.text(max_size=40))
def test_a_short_answer_never_comes_back_longer_than_its_limit(raw: str) -> None:
    parsed = parse_answer(PromptKind.SHORT_TEXT, raw, max_length=3000)
    assert not parsed.ok or len(parsed.value) <= 300


def test_a_weekday_name_does_not_break_a_date_and_time() -> None:
    parsed = parse_answer(PromptKind.DATETIME, "Tue 1 Dec 2026 10:00", today=TODAY)
    assert parsed.ok and parsed.value == "2026-12-01T10:00:00"
    assert parse_answer(PromptKind.DATETIME, "2026-12-01T10:00", today=TODAY).value == "2026-12-01T10:00:00"


def test_a_superscript_or_a_huge_number_is_refused_politely() -> None:
    for kind in (PromptKind.RATING, PromptKind.NUMBER, PromptKind.CHOICE):
        for raw in ("²", "9" * 5000):
            parsed = parse_answer(kind, raw, CHOICES)
            assert not parsed.ok and "please" in parsed.error.lower()

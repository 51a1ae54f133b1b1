"""The review dialogs through the console chat, scripted on standard input as a person would type."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from bot.app import App
from bot.handlers.console.chat import run_console
from bot.policy.questions import COLLEAGUE_QUESTIONS
from tests.dialogs.review.conftest import CHRIS, MARK, SAM, person_id


async def chat(app: App, email: str, lines: list[str]) -> str:
    out = io.StringIO()
    await run_console(app, email, io.StringIO("\n".join(lines) + "\n"), Console(file=out, width=200))
    return out.getvalue()


async def test_mark_books_chriss_meeting_in_the_console_and_gets_the_invite_file(
        demo_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    output = await chat(demo_app, MARK, ["schedule chris", "1", "30", "60", "Business manager's office",
                                         "24/11/2026 09:00", "30/11/2026 09:00", "quit"])
    assert "at least one hour" in output
    assert "The earliest you can book is Monday 30 November at 08:00" in output
    assert "booked for Mon 30 Nov 2026, 09:00" in output
    [ics] = list((tmp_path / "exports").glob("*.ics"))
    assert b"DTSTART;TZID=Europe/London:20261130T090000" in ics.read_bytes()


async def test_sam_prepares_in_two_console_sessions(demo_app: App) -> None:
    first = await chat(demo_app, SAM, ["prep", "Mostly, yes", "skip", "quit"])
    assert "Have you achieved the objectives set?" in first and COLLEAGUE_QUESTIONS[2].text in first
    rest = ["skip"] * (len(COLLEAGUE_QUESTIONS) - 2)
    second = await chat(demo_app, SAM, ["resume", *rest, "2", "status", "quit"])
    assert "where you left off" in second and "1 of 23 questions answered" in second
    review = await demo_app.repos.reviews.current_review(await person_id(demo_app, SAM))
    [answer] = await demo_app.repos.forms.preparation_answers(review.id, "colleague")  # type: ignore[union-attr]
    assert answer.answer == "Mostly, yes"


async def test_chris_cannot_set_objectives_for_anyone(demo_app: App) -> None:
    output = await chat(demo_app, CHRIS, ["objectives", "quit"])
    assert "your reviewer records them" in output and "what is the objective" not in output

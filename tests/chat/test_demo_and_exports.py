"""Point 6 of issue 17: the demo's first screen says who is who (by academy and team, reviewers with
their reviewees, what to try as each), and documents from the chat go where the person chose, or to
./exports/ of the current directory, never inside the installed package."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from bot.app import App
from bot.handlers.console.chat import PACKAGE_DIR, export_folder, run_console
from bot.messages import Channel
from tests.chat.conftest import JO, Chat


async def test_the_first_screen_groups_people_and_says_what_to_try(demo_app: App) -> None:
    out = io.StringIO()
    await run_console(demo_app, None, io.StringIO("quit\n"), Console(file=out, width=200))
    screen = out.getvalue()
    hillside, riverside = screen.index("Co-op Academy Hillside"), screen.index("Co-op Academy Riverside")
    priya = screen.index("Priya Shah, Inclusion Lead ★ reviews Dana, Jo, Sam — try as Priya: status, schedule Dana")
    sam = screen.index("Sam Patel, Teaching Assistant — try as Sam: prep")
    assert hillside < priya < sam < riverside  # Sam is listed in Priya's team, under her
    assert "Lucy Moss, Office Manager ★ reviews" in screen and "Trust Central Team" in screen
    line = next(row for row in screen.splitlines() if "Sam Patel" in row)
    assert line.index("Sam Patel") > next(row for row in screen.splitlines()
                                          if "Priya Shah" in row).index("Priya Shah")  # indented below


async def test_jo_exports_her_form_from_the_chat(chat: Chat, tmp_path: Path) -> None:
    reply = await chat.say(JO, "export pdf")
    assert "Here's your Planning & Review Form 2026-27 as a PDF" in reply
    saved = list((tmp_path / "exports").glob("*.pdf"))  # the test runs in tmp_path, its current directory
    if chat.channel == Channel.CONSOLE:
        assert len(saved) == 1 and f"saved {saved[0]}" in reply.replace("\n", "")
    else:  # Slack and Teams upload it to the chat; nothing is written on the server
        assert saved == []
    assert not list(PACKAGE_DIR.rglob("*.pdf"))


def test_the_folder_is_the_chosen_one_or_exports_of_the_current_directory(tmp_path: Path) -> None:
    assert export_folder("", cwd=tmp_path) == tmp_path / "exports"
    assert export_folder(str(tmp_path / "mine"), cwd=tmp_path) == tmp_path / "mine"
    assert export_folder("relative", cwd=tmp_path) == tmp_path / "relative"
    inside = export_folder("", cwd=PACKAGE_DIR)  # run from inside the installed package
    assert not inside.resolve().is_relative_to(PACKAGE_DIR) and inside.name == "cadence-exports"


async def test_the_console_says_where_documents_go_and_takes_a_new_folder(demo_app: App, tmp_path: Path) -> None:
    out = io.StringIO()
    lines = f":folder {tmp_path / 'reviews'}\nexport md\nquit\n"
    await run_console(demo_app, JO, io.StringIO(lines), Console(file=out, width=300))
    text = out.getvalue()
    assert f"Documents from this chat will be saved in {tmp_path / 'reviews'}" in text
    assert len(list((tmp_path / "reviews").glob("*.md"))) == 1

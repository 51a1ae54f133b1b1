"""A colleague uses the console chat with piped input, exactly as a script would."""

from __future__ import annotations

import io

from rich.console import Console

from bot.app import App
from bot.demo import who_is_who
from bot.handlers.console.chat import run_console
from store.models import CheckIn


async def chat(app: App, email: str | None, lines: list[str]) -> str:
    out = io.StringIO()
    await run_console(app, email, io.StringIO("\n".join(lines) + "\n"), Console(file=out, width=120))
    return out.getvalue()


async def test_sam_checks_in_by_number_from_the_console(demo_app: App) -> None:
    output = await chat(demo_app, "sam.patel@hillside.example", ["checkin", "4", "skip", "1", "2", "quit"])
    assert "How are you feeling" in output and "Thanks, that's saved" in output
    sam = await demo_app.repos.people.person_by_email("sam.patel@hillside.example")
    [checkin] = [c for c in await demo_app.repos.records.checkins(sam.id) if c.note == ""]
    assert isinstance(checkin, CheckIn)
    assert (checkin.mood, checkin.wants_one_to_one, checkin.share_with_manager) == (4, True, "mood")


async def test_demo_picker_accepts_a_number_or_an_email(demo_app: App) -> None:
    output = await chat(demo_app, None, ["nobody@example.com", "sam.patel@hillside.example", "status", "quit"])
    assert "couldn't find" in output and "chatting as Sam Patel" in output
    assert "Stage" in output


async def test_free_text_outside_a_dialog_gets_help_not_silence(demo_app: App) -> None:
    output = await chat(demo_app, "sam.patel@hillside.example", ["I want to book a meeting", "quit"])
    assert "schedule" in output


async def test_an_unknown_email_is_told_what_to_do(demo_app: App) -> None:
    output = await chat(demo_app, "stranger@example.com", [])
    assert "isn't on the roster" in output


async def test_a_new_user_can_switch_person_by_the_email_or_number_the_picker_shows(demo_app: App) -> None:
    """The first screen says “:as EMAIL”, and HR commands want `--as EMAIL`: the picker must show them.

    A teaching assistant trying the demo types `:as jo`; she gets told how to find the address rather
    than a dead end, and the number from the list works too.
    """
    jo = next(i for i, p in enumerate(await who_is_who(demo_app), 1) if p.name == "Jo Brown")
    output = await chat(demo_app, None, ["1", ":as jo", f":as {jo}", "quit"])
    assert "harriet.ward@central.example" in output  # the HR admin's address is on the first screen
    assert "No one with that email" not in output
    assert "Jo Brown" in output and "chatting as Jo Brown" in output

"""The console chat: the same engine and Reply model as Slack and Teams, in a terminal.

Works with piped standard input (one input per line, no TTY), so it can be scripted:
``printf 'checkin\n4\n...' | cadence chat --as sam.patel@hillside.example``.
Documents asked for in chat are saved in the folder the person chose (``:folder DIR`` in the chat, or
the ``CADENCE_EXPORT_DIR`` setting), else ./exports/ of the current directory, and their path is
printed. Never inside the installed package: run from there, they go to ~/cadence-exports/.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape

from bot.app import App
from bot.demo import who_is_who
from bot.handlers.console.render import render
from bot.messages import Address, Channel, Inbound, Reply

QUIT_WORDS = {":quit", ":q", "quit", "exit", "bye"}
EXPORT_DIR = Path("exports")
PACKAGE_DIR = Path(__file__).resolve().parents[2]  # bot/


def export_folder(chosen: str = "", cwd: Path | None = None) -> Path:
    """The folder for documents from the chat: the one chosen, else ./exports/ of the current directory;
    a folder inside the installed package (an upgrade or uninstall would lose it) becomes ~/cadence-exports/."""
    folder = Path(chosen).expanduser() if chosen else (cwd or Path.cwd()) / EXPORT_DIR
    folder = folder if folder.is_absolute() else (cwd or Path.cwd()) / folder
    if folder.resolve().is_relative_to(PACKAGE_DIR):
        return Path.home() / "cadence-exports"
    return folder


async def _readline(stream: TextIO, out: Console, prompt: str) -> str | None:
    if stream.isatty():
        out.print(prompt, end="")
    line = await asyncio.to_thread(stream.readline)
    if line == "":
        return None
    return line.rstrip("\r\n")


def show(out: Console, replies: list[Reply], folder: Path | None = None) -> None:
    for reply in replies:
        out.print(f"[bold cyan]cadence:[/bold cyan] {escape(render(reply))}")
        for attachment in reply.attachments:
            target = folder or export_folder()
            target.mkdir(parents=True, exist_ok=True)
            path = target / attachment.filename
            path.write_bytes(attachment.content)
            out.print(f"  [green]saved {escape(str(path))}[/green] (say :folder DIR to save elsewhere)")


async def _roster(app: App) -> list[Any]:
    """Who the picker lists, in the order its numbers refer to (also what ``:as NUMBER`` means)."""
    return list(await who_is_who(app))


async def _pick(app: App, people: list[Any], text: str) -> Any:  # a store Person (handlers may not import store)
    """A number from the picker's list, or an email address on the roster."""
    if text.isdigit() and 1 <= int(text) <= len(people):
        return await app.repos.people.person_by_email(people[int(text) - 1].email)
    return await app.repos.people.person_by_email(text)


async def choose_person(app: App, stream: TextIO, out: Console) -> str | None:
    """Who is who, by academy and team (line managers above the people they manage, ★ for reviewers with
    their reviewees), each with what to try as them; pick by number or email."""
    people = await _roster(app)
    out.print("Who are you? Pick a number or type an email address. ★ marks a reviewer, with the colleagues "
              "they review; the people they manage are indented below them.")
    organisation = ""
    for i, p in enumerate(people, 1):
        if p.organisation != organisation:
            organisation = p.organisation
            out.print(f"\n[bold]{escape(organisation)}[/bold]")
        reviews = f" ★ reviews {', '.join(p.reviewees)}" if p.reviewees else ""
        indent = "   " * p.depth
        out.print(f"  {i:2}. {indent}{escape(p.name)}, {escape(p.job_title)}{escape(reviews)} "
                  f"[dim]— try as {escape(p.name.split(' ')[0])}: {escape(p.try_saying)}[/dim]")
        # the address too: `:as EMAIL` here and every `--as EMAIL` of the records commands want it
        out.print(f"      {indent}[dim]{escape(p.email)}[/dim]")
    while True:
        line = await _readline(stream, out, "you are> ")
        if line is None or line.strip().lower() in QUIT_WORDS:
            return None
        text = line.strip()
        if not text:
            continue
        person = await _pick(app, people, text)
        if person is not None:
            return person.email
        out.print(f"I couldn't find “{escape(text)}”. Please type a number from 1 to {len(people)} or an email.")


async def run_console(app: App, email: str | None, stream: TextIO, out: Console) -> None:
    if email is None:
        email = await choose_person(app, stream, out)
        if email is None:
            return
    person = await app.repos.people.person_by_email(email)
    if person is None:
        out.print(f"[red]{escape(email)} isn't on the roster.[/red] Import it with cadence import-roster, "
                  "or pick someone from cadence demo.")
        return
    address = Address(Channel.CONSOLE, person.email)
    folder = export_folder(app.settings.export_dir)
    out.print(f"You're chatting as [bold]{escape(person.name)}[/bold]. Type help for what I can do, "
              ":as EMAIL (or the number from the list) to switch person, :folder DIR for where documents "
              "are saved, or quit to leave.")
    last: list[Reply] = []
    if await app.repos.conversations.active_session(person.id) is not None:
        # Left mid-conversation (quit, a closed terminal, another channel): pick up at the same question
        # rather than pausing it behind a status page, so the next line typed is the answer it looks like.
        out.print("You were in the middle of something; here's where you left off (say pause to stop, or "
                  "status to see your review):")
        last = await app.engine.current(Inbound(address, "", platform_identity=f"console:{person.email}"))
        show(out, last, folder)
    else:
        show(out, await app.engine.handle(Inbound(address, "status", platform_identity=f"console:{person.email}",
                                                         command=True)), folder)  # never an answer to an open question
    while True:
        line = await _readline(stream, out, "you> ")
        if line is None:
            return
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT_WORDS:
            out.print("Bye for now. Everything you've answered is saved.")
            return
        if text.startswith(":folder"):
            chosen = text.removeprefix(":folder").strip()
            folder = export_folder(chosen)
            out.print(f"Documents from this chat will be saved in {escape(str(folder))}."
                      if chosen else f"Documents are saved in {escape(str(folder))}; say :folder DIR to change it.")
            continue
        if text.startswith(":as "):
            people = await _roster(app)
            other = await _pick(app, people, text[4:].strip())
            if other is None:
                out.print(f"I couldn't find “{escape(text[4:].strip())}”. Type :as and a number from 1 to "
                          f"{len(people)} (the list at the start) or an email address, e.g. "
                          f":as {escape(people[0].email) if people else 'name@school.example'}")
                continue
            person, address = other, Address(Channel.CONSOLE, other.email)
            out.print(f"You're now chatting as [bold]{escape(person.name)}[/bold].")
            continue
        choices = last[-1].choices if last else ()
        if text.isdigit() and choices and 1 <= int(text) <= len(choices):
            text = choices[int(text) - 1].value
        last = await app.engine.handle(Inbound(address, text, platform_identity=f"console:{person.email}"))
        show(out, last, folder)

"""The ``cadence`` command (DESIGN.md's interface): the typer app, the run commands (demo, chat,
import-roster, serve, db upgrade) and the groups registered from the sibling modules.
Coroutines run with asyncio.run."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from bot.cli import records, reminders, teams
from bot.cli.common import run_with_app, settings
from bot.settings import Settings

app = typer.Typer(help="Cadence: support-staff performance management in chat.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="Database administration.")
app.add_typer(db_app, name="db")
console = Console()
err = Console(stderr=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision")) -> None:
    """Run the database migrations (Alembic) to head."""
    from store.db import upgrade

    upgrade(settings().database_url, revision)
    console.print(f"[green]Database is at {revision}.[/green]")


@app.command()
def demo(reset: bool = typer.Option(False, help="Start again from a fresh demo trust")) -> None:
    """Create the demo trust in the default SQLite file and open the console chat."""
    from bot.demo import seed_demo
    from bot.handlers.console.chat import run_console

    async def work(application: Any) -> None:
        created = await seed_demo(application, reset=reset)
        if created:
            from bot.scheduler.demo_state import add_reminder_scenarios

            await add_reminder_scenarios(application, appeal=True)  # Omar's written appeal: every reminder kind
            console.print(f"[green]Demo trust ready:[/green] {created}")
        await run_console(application, None, sys.stdin, console)

    run_with_app(work)


@app.command()
def chat(as_: str = typer.Option(..., "--as", help="Email of the person you are")) -> None:
    """Open the console chat as one person."""
    from bot.handlers.console.chat import run_console

    async def work(application: Any) -> None:
        await run_console(application, as_, sys.stdin, console)

    run_with_app(work)


@app.command("import-roster")
def import_roster(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True)) -> None:
    """Validate the whole roster CSV first; import nothing if any row is bad."""
    from bot.roster import RosterError, import_roster_file

    async def work(application: Any) -> Any:
        return await import_roster_file(application, file, console)

    try:
        result = run_with_app(work)
    except RosterError as error:
        err.print(f"[red]Nothing was imported: {len(error.problems)} problem(s) in {file.name}.[/red]")
        for problem in error.problems:
            err.print(f"  line {problem.line}: {problem.message}")
        err.print("Fix these rows and run the import again.")
        raise typer.Exit(1) from None
    console.print(f"[green]{result}[/green]")


def platforms_configured(settings: Settings) -> list[str]:
    """What the operator needs to know at start: which chat platforms will answer, and how to turn one on."""
    slack = bool(settings.slack_bot_token and settings.slack_signing_secret)
    lines = ["  Slack: " + ("on" + (" (and Socket Mode)" if settings.slack_app_token else "") if slack else
                          "off, /slack/events answers 404: set CADENCE_SLACK_BOT_TOKEN and CADENCE_SLACK_SIGNING_SECRET")]
    if settings.teams_app_id.strip():
        lines.append("  Teams: on")
    elif settings.teams_emulator:
        lines.append("  Teams: Bot Framework Emulator mode, unauthenticated, requests from this machine only")
    else:
        lines.append("  Teams: off, /api/messages answers 404: set CADENCE_TEAMS_APP_ID and CADENCE_TEAMS_APP_PASSWORD")
    return lines


def freeze_start_up_heap() -> None:
    """Hide what start-up built from the garbage collector; it lives as long as the process.

    Modules, SQLAlchemy's mappers, Bolt and botbuilder are a large heap that never becomes garbage,
    yet every full collection walked all of it: a 0.2-0.4 s stall of every request in flight, every
    few seconds under load (bench section 1's p99). ``gc.freeze`` moves it to the permanent
    generation, so collections scan only what requests create.
    """
    gc.collect()
    gc.freeze()
    gc.enable()  # serve turned it off while start-up imported and built that heap


@app.command()
def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(3000),
          no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Do not run reminders here")) -> None:
    """Serve Slack (/slack/events), Teams (/api/messages) and /healthz; run the scheduler."""
    gc.disable()  # start-up only builds what lives as long as the process: nothing to collect (see below)
    from aiohttp import web

    from bot.app import build_app
    from bot.handlers import ack_first
    from bot.handlers.ack_first import collect_garbage_between_bursts
    from bot.handlers.web import build_web_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def go() -> None:
        application = build_app(settings())
        await application.ensure_schema()
        web_app = build_web_app(application)
        # aiohttp's default access log unless CADENCE_ACCESS_LOG is off (the default: see Settings)
        runner = web.AppRunner(web_app, **({} if application.settings.access_log else {"access_log": None}))
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        # Reminders start once Slack and Teams can be answered: the scheduler is not needed for that,
        # and loading it first kept /healthz waiting (Issue 18, a lighter start)
        from bot.scheduler.jobs import start_scheduler, stop_scheduler

        scheduler = None if no_scheduler else start_scheduler(application)
        freeze_start_up_heap()
        collector = asyncio.create_task(collect_garbage_between_bursts(ack_first.of(application)))
        console.print(f"Cadence is listening on http://{host}:{port} (healthz, /slack/events, /api/messages)",
                      soft_wrap=True)  # one line each in a log, whatever its width
        for line in platforms_configured(application.settings):
            console.print(line, soft_wrap=True)
        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):  # SIGTERM (docker stop, kill) stops as Ctrl-C does:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)  # acknowledged work finishes
        try:
            await stop.wait()
        finally:
            collector.cancel()
            if scheduler is not None:
                await stop_scheduler(scheduler)  # a delivery in flight finishes; nothing waits on its lease
            await runner.cleanup()
            await application.close()

    try:
        asyncio.run(go())
    except KeyboardInterrupt:
        pass


reminders.register(app)
records.register(app)
teams.register(app)


def main() -> None:
    app()

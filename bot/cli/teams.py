"""CLI commands of the Teams work, registered on the main typer app by bot.cli.run."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("teams-package")
    def teams_package(
        output: Path = typer.Option(Path("cadence-teams.zip"), "-o", "--output", help="Where to write the zip"),
        version: str = typer.Option("1.0.0", help="App version; raise it for each upload that changes something"),
        developer: str = typer.Option("Cadence for schools", help="Publisher name shown in Teams"),
        website: str = typer.Option("https://cadence.example.org/", help="Your trust's page about Cadence (https)"),
        privacy: str = typer.Option("https://cadence.example.org/privacy", help="Privacy notice URL (https)"),
        terms: str = typer.Option("https://cadence.example.org/terms", help="Terms of use URL (https)"),
    ) -> None:
        """Write the Teams app package (manifest + icons) for Teams admin centre, with the app id from
        CADENCE_TEAMS_APP_ID."""
        from bot.handlers.teams.package import write_package
        from bot.settings import Settings

        app_id = Settings().teams_app_id.strip()
        if not app_id:
            typer.echo("CADENCE_TEAMS_APP_ID is not set. Put your Azure Bot's Microsoft App ID in it (Azure portal > "
                       "your Azure Bot > Configuration) and run this again.", err=True)
            raise typer.Exit(2)
        bad_urls = [u for u in (website, privacy, terms) if not u.startswith("https://")]
        if bad_urls:
            typer.echo(f"Teams needs https addresses; please fix: {', '.join(bad_urls)}", err=True)
            raise typer.Exit(2)
        try:
            path = write_package(output, app_id, version=version, developer=developer, website=website,
                                 privacy=privacy, terms=terms)
        except ValueError as problem:
            typer.echo(str(problem), err=True)
            raise typer.Exit(2) from None
        typer.echo(f"Wrote {path} for app {app_id}. Upload it in Teams admin centre > Teams apps > Manage apps > "
                   "Upload new app, then allow it for your staff (see README, Microsoft Teams).")

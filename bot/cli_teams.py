"""CLI commands of the teams work, registered on the main typer app by bot.cli."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

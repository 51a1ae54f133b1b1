"""The ``cadence`` command, one module per group: ``run`` (the typer app, demo, chat, serve,
import-roster, db), ``records``, ``reminders``, ``teams``; ``common`` holds what they share."""

from bot.cli.run import app, main, platforms_configured

__all__ = ["app", "main", "platforms_configured"]

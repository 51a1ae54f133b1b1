"""Dialogs for concerns and appeals (Policy section 9).

`appeal` (the `appeal` command) is a menu whose first step hands over to the dialog the person
chose; no new command words are needed.
"""

from __future__ import annotations

from bot.dialogs.appeals import appeal, concerns, hearing, outcome, settle, written
from bot.dialogs.base import Dialog

DIALOGS: tuple[Dialog, ...] = (
    appeal.DIALOG,
    concerns.DIALOG,
    written.DIALOG,
    hearing.DIALOG,
    outcome.DIALOG,
    settle.DIALOG,
)

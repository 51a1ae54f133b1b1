"""Dialogs for support plans and improvement action plans (Annex 4, seed 000).

`plan` (dialog id ``support_plan``, the `plan` command) is a menu whose first step hands over to
the dialog the person chose; no new command words are needed.
"""

from __future__ import annotations

from bot.dialogs.base import Dialog
from bot.dialogs.plans import acknowledge, close, improvement, plan, review, support, view

DIALOGS: tuple[Dialog, ...] = (
    plan.DIALOG,
    support.DIALOG,
    improvement.DIALOG,
    review.DIALOG,
    close.DIALOG,
    acknowledge.DIALOG,
    view.DIALOG,
)

"""Dialogs for support plans, improvement action plans and appeals (Annex 4, seed 000, section 9).

`support_plan` (the `plan` command) and `appeal` (the `appeal` command) are menus whose first
step hands over to the dialog the person chose; no new command words are needed.
"""

from __future__ import annotations

from bot.dialogs import (
    appeal,
    appeal_concerns,
    appeal_hearing,
    appeal_outcome,
    appeal_settle,
    appeal_written,
    plan_acknowledge,
    plan_close,
    plan_improvement,
    plan_review,
    plan_support,
    plan_view,
    support_plan,
)
from bot.dialogs.base import Dialog

SUPPORT_DIALOGS: tuple[Dialog, ...] = (
    support_plan.DIALOG,
    plan_support.DIALOG,
    plan_improvement.DIALOG,
    plan_review.DIALOG,
    plan_close.DIALOG,
    plan_acknowledge.DIALOG,
    plan_view.DIALOG,
    appeal.DIALOG,
    appeal_concerns.DIALOG,
    appeal_written.DIALOG,
    appeal_hearing.DIALOG,
    appeal_outcome.DIALOG,
    appeal_settle.DIALOG,
)

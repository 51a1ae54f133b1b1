"""Dialogs for support plans, improvement action plans and appeals (Annex 4, seed 000, section 9)."""

from __future__ import annotations

from bot.dialogs import (
    plan_acknowledge,
    plan_close,
    plan_improvement,
    plan_review,
    plan_support,
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
)

"""Dialogs for support plans, improvement action plans and appeals (Annex 4, seed 000, section 9)."""

from __future__ import annotations

from bot.dialogs.base import Dialog

SUPPORT_DIALOGS: tuple[Dialog, ...] = ()

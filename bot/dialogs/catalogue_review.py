"""Dialogs of the review cycle (preparation, meetings, objectives, sign-off, mid-year, end of year)."""

from __future__ import annotations

from bot.dialogs.base import Dialog

REVIEW_DIALOGS: tuple[Dialog, ...] = ()

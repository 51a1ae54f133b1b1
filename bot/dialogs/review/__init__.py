"""Dialogs of the review cycle (preparation, meetings, objectives, sign-off, mid-year, end of year)."""

from __future__ import annotations

from bot.dialogs.base import Dialog
from bot.dialogs.review import (
    agenda,
    colleague_prep,
    end_of_year_review,
    exception,
    midyear_review,
    moderation,
    objectives,
    reviewer_prep,
    schedule_meeting,
    signoff,
)

DIALOGS: tuple[Dialog, ...] = (
    colleague_prep.DIALOG,
    reviewer_prep.DIALOG,
    agenda.DIALOG,
    schedule_meeting.DIALOG,
    objectives.DIALOG,
    signoff.DIALOG,
    midyear_review.DIALOG,
    moderation.DIALOG,
    end_of_year_review.DIALOG,
    exception.DIALOG,
)

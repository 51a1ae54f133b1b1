"""Every dialog and command word, listed explicitly (DESIGN.md: command names others rely on)."""

from __future__ import annotations

from bot.dialogs import appeals, checkin, export, plans, review, status
from bot.dialogs.router import Command

DIALOGS = (checkin.DIALOG, export.DIALOG, *review.DIALOGS, *plans.DIALOGS, *appeals.DIALOGS)

COMMANDS = (
    Command("status", "where your review stands and what's next", handler=status.status_command,
            aliases=("home", "where")),
    Command("prep", "prepare for your review meeting (Annex 2); “prep NAME” for a reviewer",
            dialog_id="colleague_prep", aliases=("prepare", "preparation"), report_dialog_id="reviewer_prep"),
    Command("checkin", "a 30-second wellbeing check-in (3.3)", dialog_id="checkin", aliases=("check-in", "wellbeing")),
    Command("objectives", "set or see objectives (6.1–6.8)", dialog_id="objectives", aliases=("objective",),
            handler=status.objectives_command),
    Command("schedule", "book a review meeting with 5 days' notice (5.3)", dialog_id="schedule_meeting",
            aliases=("meeting", "book")),
    Command("agenda", "the agenda for your next meeting (5.5, 5.6)", dialog_id="agenda"),
    Command("signoff", "sign the agreed form (Annex 1)", dialog_id="signoff", aliases=("sign",)),
    Command("midyear", "record the mid-year review (3.2)", dialog_id="midyear_review", aliases=("mid-year",)),
    Command("endyear", "record the end-of-year review (7.1)", dialog_id="end_of_year_review",
            aliases=("end-of-year", "eoy")),
    Command("exception", "headteacher or HR: let a review step happen out of the usual order, with a reason (3.2, 3.8)",
            handler=review.exception.exception_command, roles=("headteacher", "executive_leader", "hr_admin")),
    Command("moderation", "headteacher: read the sampled planning statements and record the check (4.4)",
            dialog_id="moderation", roles=("headteacher", "executive_leader")),
    Command("appeal", "raise a concern or appeal about your review (9.1–9.5)", dialog_id="appeal"),
    Command("plan", "a support plan or improvement action plan (Annex 4)", dialog_id="support_plan",
            aliases=("support",)),
    Command("export", "your Planning & Review Form as a document (10.2)", dialog_id="export",
            handler=export.export_command),
    Command("help", "this list", handler=status.help_command, aliases=("hi", "hello", "hey", "menu", "?")),
)

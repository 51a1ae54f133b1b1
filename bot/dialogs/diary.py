"""The other Cadence meetings of the people about to meet (review meetings, appeal hearings), as
bot.policy.meetings.Busy intervals, so that neither is double-booked. Labels say only the kind of
meeting, never with whom (10.1: another colleague's review is confidential)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.policy.meetings import Busy, meeting_kind_label
from bot.services import Services
from store.repos.diary import HEARING_MINUTES

SEARCH_DAYS = 120  # the earliest free slot is searched this far ahead of the requested day


async def busy_for(services: Services, people: Mapping[int, str], start: datetime, *,
                   skip_meeting: int | None = None, skip_appeal: int | None = None) -> list[Busy]:
    """``people``: person id -> how to name them ("You", "Sam"). Everything from the day before ``start``."""
    ids = [i for i in people if i]
    meetings, hearings = await services.repos.lifecycle.diary(ids, start, start + timedelta(days=SEARCH_DAYS))
    out: list[Busy] = []
    for meeting, review in meetings:
        if meeting.id == skip_meeting:
            continue
        who = next((people[i] for i in (review.reviewer_id, review.colleague_id) if i in people), "Someone")
        label = meeting_kind_label(meeting.kind).lower() if meeting.kind else "review meeting"
        out.append(Busy(meeting.starts_at, meeting.starts_at + timedelta(minutes=meeting.minutes),
                        f"{who} {'have' if who == 'You' else 'has'} another Cadence meeting (a {label})"))
    for appeal in hearings:
        if appeal.id == skip_appeal or appeal.hearing_at is None:
            continue
        who = next((people[i] for i in (appeal.hearing_by_id, appeal.handler_id, appeal.colleague_id)
                    if i in people), "Someone")
        out.append(Busy(appeal.hearing_at, appeal.hearing_at + timedelta(minutes=HEARING_MINUTES),
                        f"{who} {'have' if who == 'You' else 'has'} an appeal hearing"))
    return out

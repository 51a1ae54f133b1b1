"""Planning & review meetings: notice, length, working hours (Policy 5.3, 5.4, 3.4).

Decisions where the policy is silent:

* "At least 5 days' notice" (5.3) counts calendar days, measured moment to moment: a meeting
  may start no earlier than exactly 5 x 24 hours of wall-clock time after it is booked.
* ``earliest_valid`` is truly the earliest start that passes every check: from the later of the
  opening of the requested day and ``now`` + 5 days, every working day is searched in 15-minute
  steps for the first start from which the meeting, at least 60 minutes, ends by the close of
  working hours and overlaps no other Cadence meeting of either person (``busy``: reviews, appeal
  hearings, plan reviews). When the booking is valid, ``earliest_valid`` is the requested start.
* A clash with another Cadence meeting of either person is refused citing 5.3 (a meeting is
  *planned*, so that both can attend and prepare); our reading, as the policy does not say.
* A meeting must start and finish inside working hours on one working day (3.4, 5.4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.policy.text import day_label, moment_label
from bot.policy.workdays import WorkingDays, WorkingHours

MIN_NOTICE_DAYS = 5  # Policy 5.3 (calendar days)
MIN_MEETING_MINUTES = 60  # Policy 5.4 ("at least one hour")
NOTICE_CLAUSE = "5.3"
LENGTH_CLAUSE = "5.4"
HOURS_CLAUSE = "3.4"  # Policy 3.4 with 5.4: within normal working hours
SUGGESTION_STEP_MINUTES = 15
_SEARCH_DAYS = 366

MEETING_KINDS = ("planning", "mid_year", "end_of_year", "one_to_one", "split_second_half")
MEETING_KIND_LABELS: dict[str, str] = {
    "planning": "Planning & review meeting",  # Policy 3.2 Meeting 1, 5.5-5.6
    "mid_year": "Mid-year review",  # Policy 3.2 Meeting 2
    "end_of_year": "End-of-year review",  # Policy 3.2, 7.1-7.2
    "one_to_one": "One-to-one check-in",  # Policy 3.3
    "split_second_half": "Planning meeting (second part)",  # Policy 5.7
}
MEETING_KIND_CLAUSES: dict[str, str] = {
    "planning": "3.2",
    "mid_year": "3.2",
    "end_of_year": "7.1",
    "one_to_one": "3.3",
    "split_second_half": "5.7",
}


def meeting_kind_label(kind: str) -> str:
    try:
        return MEETING_KIND_LABELS[kind]
    except KeyError:
        raise ValueError(f"Unknown meeting kind {kind!r}; use one of {', '.join(MEETING_KINDS)}.") from None


@dataclass(frozen=True)
class MeetingProblem:
    clause: str
    message: str


@dataclass(frozen=True)
class Busy:
    """Another Cadence meeting of one of the two people (a review, an appeal hearing, a plan review)."""

    start: datetime
    end: datetime
    label: str  # "Priya Shah has Sam Patel's planning meeting"

    def overlaps(self, start: datetime, minutes: int) -> bool:
        return start < self.end and self.start < start + timedelta(minutes=minutes)


CLASH_CLAUSE = "5.3"


@dataclass(frozen=True)
class MeetingCheck:
    ok: bool
    problems: tuple[MeetingProblem, ...]
    earliest_valid: datetime


def _round_up(dt: datetime, step_minutes: int) -> datetime:
    dt = dt.replace(second=0, microsecond=0) + (timedelta(minutes=1) if (dt.second or dt.microsecond) else timedelta())
    extra = (-(dt.hour * 60 + dt.minute)) % step_minutes
    return dt + timedelta(minutes=extra)


def earliest_valid_start(
    not_before: datetime,
    preferred: datetime,
    minutes: int,
    workdays: WorkingDays,
    hours: WorkingHours = WorkingHours(),
    busy: Sequence[Busy] = (),
) -> datetime:
    """The first start at or after ``not_before`` and the opening of ``preferred``'s day, on a working
    day, in 15-minute steps, fitting ``minutes`` inside working hours and clashing with nothing ``busy``."""
    length = max(minutes, MIN_MEETING_MINUTES)
    if length > hours.minutes_per_day:
        length = MIN_MEETING_MINUTES  # cannot fit anyway; the length problem is reported separately
    lower = max(hours.local(not_before), hours.opening(hours.local(preferred).date()))
    day = lower.date()
    step = timedelta(minutes=SUGGESTION_STEP_MINUTES)
    for _ in range(_SEARCH_DAYS):
        if workdays.is_working_day(day):
            candidate = _round_up(max(lower, hours.opening(day)), SUGGESTION_STEP_MINUTES)
            while candidate + timedelta(minutes=length) <= hours.closing(day):
                if not any(b.overlaps(candidate, length) for b in busy):
                    return candidate
                candidate += step
        day += timedelta(days=1)
    raise ValueError("No working day with room for the meeting in the next year; check the closure days.")


def check_meeting(
    now: datetime,
    start: datetime,
    minutes: int,
    workdays: WorkingDays,
    hours: WorkingHours = WorkingHours(),
    busy: Sequence[Busy] = (),
) -> MeetingCheck:
    """Check a proposed meeting against Policy 5.3 (notice), 5.4 (length), 3.4 (working hours) and the
    other Cadence meetings of either person (``busy``)."""
    local_now = hours.local(now)
    local_start = hours.local(start)
    notice_from = local_now + timedelta(days=MIN_NOTICE_DAYS)
    earliest = earliest_valid_start(notice_from, local_start, minutes, workdays, hours, busy)
    suggestion = moment_label(earliest, local_now.date())
    problems: list[MeetingProblem] = []

    if local_start <= local_now:
        problems.append(
            MeetingProblem(
                NOTICE_CLAUSE,
                f"That time has already passed. Policy 5.3 asks for at least {MIN_NOTICE_DAYS} days' notice: "
                f"the earliest you can book is {suggestion}.",
            )
        )
    elif local_start < notice_from:
        problems.append(
            MeetingProblem(
                NOTICE_CLAUSE,
                f"Policy 5.3 asks for at least {MIN_NOTICE_DAYS} days' notice so that you both have time "
                f"to prepare. The earliest you can book is {suggestion}.",
            )
        )

    if minutes < MIN_MEETING_MINUTES:
        problems.append(
            MeetingProblem(
                LENGTH_CLAUSE,
                f"Policy 5.4 asks for at least one hour. Set aside {MIN_MEETING_MINUTES} minutes or more "
                f"(you asked for {minutes}).",
            )
        )

    day = local_start.date()
    why_not = workdays.why_not_working(day)
    open_label = f"{hours.start:%H:%M}-{hours.end:%H:%M}"
    if why_not is not None:
        problems.append(
            MeetingProblem(
                HOURS_CLAUSE,
                f"{day_label(day, local_now.date())} is {why_not}. Policy 3.4 asks for review meetings in "
                f"normal working hours; try {suggestion}.",
            )
        )
    elif minutes > hours.minutes_per_day:
        problems.append(
            MeetingProblem(
                HOURS_CLAUSE,
                f"A meeting of {minutes} minutes does not fit in one working day ({open_label}); "
                "split it in two (Policy 5.7).",
            )
        )
    elif local_start.time() < hours.start or local_start + timedelta(minutes=minutes) > hours.closing(day):
        problems.append(
            MeetingProblem(
                HOURS_CLAUSE,
                f"The meeting must start and finish within working hours ({open_label}), Policy 3.4. "
                f"Try {suggestion}.",
            )
        )

    clash = next((b for b in busy if b.overlaps(local_start, max(minutes, 1))), None)
    if clash is not None:
        problems.append(
            MeetingProblem(
                CLASH_CLAUSE,
                f"{clash.label} from {hours.local(clash.start):%H:%M} to {hours.local(clash.end):%H:%M} that day. "
                f"The earliest time you are both free is {suggestion} (Policy 5.3).",
            )
        )

    ok = not problems
    return MeetingCheck(ok=ok, problems=tuple(problems), earliest_valid=start if ok else earliest)

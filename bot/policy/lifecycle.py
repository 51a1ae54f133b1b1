"""The review cycle as one state machine: what may happen next, by whom, by when, and why not yet.

Pure: the caller hands in a :class:`ReviewState` (plain facts read from the store) and a moment;
nothing here reads a clock or the database. Every dialog that changes a review, ``status``, the
App Home, the agenda and the reminder rules ask this module; nothing encodes "what's next" twice.

The order is Policy 3.2's, step by step (each guard below cites its clause):

1. ``planning_meeting`` (3.2 Meeting 1, in its window; a joiner within 3 months of starting, 3.5)
2. ``objectives`` recorded after that meeting is held (3.2 Administration, 6.3)
3. ``sign_planning``: both sign the planning part (Annex 1)
4. ``mid_year`` held and recorded in the Spring term (3.2 Meeting 2), once objectives are agreed
5. ``sign_mid_year`` (Annex 1)
6. ``end_of_year`` held and recorded in its window (3.2, 7.1), once the mid-year is signed (or
   its Spring term passed, or the colleague joined after it began: 3.5)
7. ``sign_end_of_year``: the report is delivered (Annex 1, 9.1)
8. ``informal_resolution``: 10 days to raise a disagreement with the reviewer (9.1)
9. ``appeal_hearing``: a written appeal is heard within 15 working days (9.2-9.5)

Exceptions (decisions where the policy is silent): the headteacher or HR may record an exception
for one step with a reason (e.g. an end-of-year review held early because the colleague leaves,
3.8). An exception lifts that step's timing and order guards only; what is already done stays
done, and a meeting must still have been held before it is recorded. Reviewer changes (4.2-4.3)
do not restart the cycle: nothing here depends on who the reviewer is. A transfer (3.6) keeps the
same review; its end-of-year covers both posts. An extended absence (3.7) pauses the colleague's
steps (reminders wait); a leaver (3.8) has their objectives reviewed before the last day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.policy import deadlines, windows
from bot.policy.calendar import CalendarError, SchoolCalendar
from bot.policy.workdays import DEFAULT_TIMEZONE, WorkingDays

EXCEPTION_CLAUSE = "3.8"  # the policy's own example of a review out of its order; our reading
EXCEPTION_ROLES = ("headteacher", "executive_leader", "hr_admin")


class StepName(StrEnum):
    PLANNING_MEETING = "planning_meeting"
    OBJECTIVES = "objectives"
    SIGN_PLANNING = "sign_planning"
    MID_YEAR = "mid_year"
    SIGN_MID_YEAR = "sign_mid_year"
    END_OF_YEAR = "end_of_year"
    SIGN_END_OF_YEAR = "sign_end_of_year"
    INFORMAL_RESOLUTION = "informal_resolution"
    APPEAL_HEARING = "appeal_hearing"
    LEAVER_REVIEW = "leaver_review"


ORDER: tuple[StepName, ...] = tuple(StepName)
CLAUSES: dict[StepName, str] = {
    StepName.PLANNING_MEETING: "3.2", StepName.OBJECTIVES: "3.2", StepName.SIGN_PLANNING: "Annex 1",
    StepName.MID_YEAR: "3.2", StepName.SIGN_MID_YEAR: "Annex 1", StepName.END_OF_YEAR: "7.1",
    StepName.SIGN_END_OF_YEAR: "Annex 1", StepName.INFORMAL_RESOLUTION: "9.1", StepName.APPEAL_HEARING: "9.5",
    StepName.LEAVER_REVIEW: "3.8",
}
LABELS: dict[StepName, str] = {
    StepName.PLANNING_MEETING: "the planning meeting", StepName.OBJECTIVES: "recording the objectives",
    StepName.SIGN_PLANNING: "signing the objectives", StepName.MID_YEAR: "the mid-year review",
    StepName.SIGN_MID_YEAR: "signing the mid-year review", StepName.END_OF_YEAR: "the end of year review",
    StepName.SIGN_END_OF_YEAR: "signing the end of year review",
    StepName.INFORMAL_RESOLUTION: "settling a disagreement with the reviewer",
    StepName.APPEAL_HEARING: "the appeal hearing",
    StepName.LEAVER_REVIEW: "reviewing the objectives before the colleague leaves",
}
# steps the headteacher or HR may make an exception for (the others follow from these)
EXCEPTABLE: tuple[StepName, ...] = (StepName.OBJECTIVES, StepName.MID_YEAR, StepName.END_OF_YEAR)
# the meeting kind each recorded step is held at (3.2; 5.7: a split planning meeting counts)
MEETING_OF: dict[StepName, tuple[str, ...]] = {
    StepName.PLANNING_MEETING: ("planning", "split_second_half"),
    StepName.MID_YEAR: ("mid_year",), StepName.END_OF_YEAR: ("end_of_year",),
}
STEP_OF_MEETING: dict[str, StepName] = {"planning": StepName.PLANNING_MEETING,
                                        "split_second_half": StepName.PLANNING_MEETING,
                                        "mid_year": StepName.MID_YEAR, "end_of_year": StepName.END_OF_YEAR}
STEP_OF_RECORD: dict[str, StepName] = {"planning": StepName.OBJECTIVES, "mid_year": StepName.MID_YEAR,
                                       "end_of_year": StepName.END_OF_YEAR}
SIGN_OF: dict[str, StepName] = {"planning": StepName.SIGN_PLANNING, "mid_year": StepName.SIGN_MID_YEAR,
                                "end_of_year": StepName.SIGN_END_OF_YEAR}


# a recorded part may be revised until this later step is done
REVISED_UNTIL: dict[StepName, StepName] = {StepName.OBJECTIVES: StepName.END_OF_YEAR,
                                           StepName.MID_YEAR: StepName.END_OF_YEAR,
                                           StepName.END_OF_YEAR: StepName.SIGN_END_OF_YEAR}


class Status(StrEnum):
    DONE = "done"
    OPEN = "open"  # may happen now
    NOT_YET = "not_yet"  # its window has not opened
    BLOCKED = "blocked"  # an earlier step must happen first
    MISSED = "missed"  # its window closed without it (an exception may still allow it)
    SKIPPED = "skipped"  # does not apply to this review (a joiner after the Spring term began, 3.5)
    PAUSED = "paused"  # the colleague is on extended absence (3.7)


@dataclass(frozen=True)
class MeetingFact:
    kind: str
    starts_at: datetime
    status: str = "scheduled"  # scheduled | held | cancelled


@dataclass(frozen=True)
class AppealFact:
    stage: str  # informal | written | hearing_scheduled | decided | withdrawn
    written_received_on: date | None = None
    hearing_at: datetime | None = None


@dataclass(frozen=True)
class ReviewState:
    """What the lifecycle needs to know about one review (read by the caller, passed in)."""

    cycle_year: int
    calendar: SchoolCalendar
    workdays: WorkingDays = field(default_factory=WorkingDays)
    start_date: date | None = None
    last_day: date | None = None
    leave_start: date | None = None
    absent_from: date | None = None
    absent_until: date | None = None
    meetings: tuple[MeetingFact, ...] = ()
    planning_submitted: datetime | None = None
    midyear_submitted: datetime | None = None
    eoy_submitted: datetime | None = None
    signatures: frozenset[tuple[str, str]] = frozenset()  # (part, "reviewer" | "reviewee")
    report_delivered_on: date | None = None
    appeals: tuple[AppealFact, ...] = ()
    exceptions: frozenset[str] = frozenset()  # step names the head or HR excepted
    timezone: str = DEFAULT_TIMEZONE  # the trust's zone (Settings.timezone): which day a meeting falls on


@dataclass(frozen=True)
class StepState:
    """One step of the cycle on one date: its status, who acts, from when, by when, and why not yet."""

    step: StepName
    status: Status
    who: str  # reviewer | colleague | both | handler
    clause: str
    opens: date | None = None
    due: date | None = None
    why: str = ""  # why not (yet), in words for the person asking
    first: StepName | None = None  # what must happen first, when blocked
    meeting: MeetingFact | None = None  # the meeting it is held at, booked or held
    excepted: bool = False

    @property
    def allowed(self) -> bool:
        return self.status == Status.OPEN


@dataclass(frozen=True)
class Verdict:
    """The answer to "may this happen now?": ok, or why not, what must happen first, by whom, when."""

    ok: bool
    clause: str
    message: str = ""
    first: StepName | None = None
    who: str = ""
    by: date | None = None
    book_first: bool = False  # the step to do first (or this one) is held at a meeting not yet booked
    booked_for: date | None = None  # ... or at a meeting booked for this day, still to be held


def _fmt(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _local_day(dt: datetime, zone: str) -> date:
    return dt.astimezone(ZoneInfo(zone)).date() if dt.tzinfo else dt.date()


_WINDOWS: dict[tuple[str, int, int], tuple[SchoolCalendar, windows.Window | None]] = {}


def _window(fn, cal: SchoolCalendar, year: int) -> windows.Window | None:  # noqa: ANN001
    """``fn(cal, year)`` or None without the dates; remembered per calendar object (the planner asks
    the same question for every colleague of an organisation). The entry keeps its calendar alive,
    so an id is never reused while it stands."""
    key = (fn.__name__, id(cal), year)
    hit = _WINDOWS.get(key)
    if hit is not None and hit[0] is cal:
        return hit[1]
    try:
        found: windows.Window | None = fn(cal, year)
    except (CalendarError, KeyError, ValueError, LookupError):
        found = None
    if len(_WINDOWS) > 4096:
        _WINDOWS.clear()
    _WINDOWS[key] = (cal, found)
    return found


def planning_window(state: ReviewState) -> windows.Window | None:
    """3.2 Meeting 1 (2nd half of Summer term to the Autumn half term); 3.5 for a joiner."""
    w = _window(windows.meeting1_window, state.calendar, state.cycle_year)
    if is_joiner(state) and state.start_date is not None:
        return windows.Window(state.start_date, deadlines.joiner_planning_deadline(state.start_date).due, "3.5")
    return w


def midyear_window(state: ReviewState) -> windows.Window | None:
    """3.2 Meeting 2: the Spring term of the cycle's year."""
    return _window(windows.midyear_window, state.calendar, state.cycle_year)


def end_of_year_window(state: ReviewState) -> windows.Window | None:
    """3.2 / 7.1: the next Meeting 1 window (2nd half of the Summer term to the Autumn half term);
    without next year's dates, from the Summer half term to 31 October (our reading)."""
    w = _window(windows.meeting1_window, state.calendar, state.cycle_year + 1)
    if w is not None:
        return windows.Window(w.start, w.end, "7.1")
    if not state.calendar.has_year(state.cycle_year):
        return None
    return windows.Window(state.calendar.year(state.cycle_year).summer.second_half_start,
                          date(state.cycle_year + 1, 10, 31), "7.1")


def is_joiner(state: ReviewState) -> bool:
    """3.5 (2nd): a colleague who started after this cycle's Meeting 1 window opened."""
    w = _window(windows.meeting1_window, state.calendar, state.cycle_year)
    return state.start_date is not None and w is not None and state.start_date > w.start


def _held(state: ReviewState, kinds: tuple[str, ...], now: datetime) -> MeetingFact | None:
    found = [m for m in state.meetings if m.kind in kinds and m.status != "cancelled" and
             (m.status == "held" or m.starts_at <= now)]
    return max(found, key=lambda m: m.starts_at) if found else None


def _booked(state: ReviewState, kinds: tuple[str, ...], now: datetime) -> MeetingFact | None:
    found = [m for m in state.meetings if m.kind in kinds and m.status == "scheduled" and m.starts_at > now]
    return min(found, key=lambda m: m.starts_at) if found else None


def _both_signed(state: ReviewState, part: str) -> bool:
    return {(part, "reviewer"), (part, "reviewee")} <= state.signatures


def _unsigned(state: ReviewState, part: str) -> str:
    missing = [r for r in ("reviewer", "reviewee") if (part, r) not in state.signatures]
    return "both" if len(missing) == 2 else ("reviewer" if missing == ["reviewer"] else "colleague")


def absent(state: ReviewState, on: date) -> bool:
    """3.7: on extended absence (maternity, long-term sickness) on ``on``."""
    return (state.absent_from is not None and state.absent_from <= on
            and (state.absent_until is None or on <= state.absent_until))


def _timed(step: StepName, w: windows.Window | None, today: date, state: ReviewState,
           meeting: MeetingFact | None = None) -> StepState:
    """OPEN inside the window; NOT_YET before it; MISSED after it (3.2): lifted by an exception."""
    clause = w.clause if w is not None and step != StepName.END_OF_YEAR else CLAUSES[step]
    excepted = step.value in state.exceptions
    base = StepState(step, Status.OPEN, "reviewer", clause, w.start if w else None, w.end if w else None,
                     meeting=meeting, excepted=excepted)
    if w is None or excepted:
        return base
    if today < w.start:
        return replace(base, status=Status.NOT_YET,
                       why=f"{LABELS[step].capitalize()} opens on {_fmt(w.start)} (Policy {clause})")
    if today > w.end and step != StepName.PLANNING_MEETING:
        return replace(base, status=Status.MISSED,
                       why=f"The window for {LABELS[step]} closed on {_fmt(w.end)} (Policy {clause}); the "
                           "headteacher or HR may record an exception with the reason")
    return base


def assess(state: ReviewState, now: datetime) -> tuple[StepState, ...]:
    """Every step of the cycle as it stands at ``now``, in the policy's order."""
    today = _local_day(now, state.timezone)
    out: list[StepState] = []
    S = StepName

    # 1. Meeting 1 (3.2; 3.5 for a joiner). Late is not refused: it still has to happen, and is escalated.
    pw = planning_window(state)
    held = _held(state, MEETING_OF[S.PLANNING_MEETING], now)
    if held is not None or state.planning_submitted is not None:
        out.append(StepState(S.PLANNING_MEETING, Status.DONE, "reviewer", pw.clause if pw else "3.2",
                             pw.start if pw else None, pw.end if pw else None, meeting=held))
    else:
        out.append(_timed(S.PLANNING_MEETING, pw, today, state, _booked(state, MEETING_OF[S.PLANNING_MEETING], now)))
    planning = out[-1]

    # 2. Objectives are agreed at the planning meeting and recorded after it (3.2 Administration, 6.3).
    due = (deadlines.form_completion_escalation(_local_day(held.starts_at, state.timezone), state.workdays).due
           if held is not None else None)
    if state.planning_submitted is not None:
        out.append(StepState(S.OBJECTIVES, Status.DONE, "reviewer", "3.2", due=due, meeting=held))
    elif planning.status != Status.DONE and S.OBJECTIVES.value not in state.exceptions:
        out.append(StepState(S.OBJECTIVES, Status.BLOCKED, "reviewer", "3.2", first=S.PLANNING_MEETING,
                             why=_meeting_first(planning, "objectives are agreed at it", state.timezone),
                             meeting=planning.meeting))
    else:
        out.append(StepState(S.OBJECTIVES, Status.OPEN, "reviewer", "3.2", due=due, meeting=held,
                             excepted=S.OBJECTIVES.value in state.exceptions))

    # 3.-7. the form parts: each signed by both before the next part opens (Annex 1)
    out.append(_sign(S.SIGN_PLANNING, "planning", state.planning_submitted, state, S.OBJECTIVES))
    signed_planning = out[-1].status == Status.DONE

    mw = midyear_window(state)
    mid_meeting = _held(state, MEETING_OF[S.MID_YEAR], now) or _booked(state, MEETING_OF[S.MID_YEAR], now)
    if state.midyear_submitted is not None:
        out.append(StepState(S.MID_YEAR, Status.DONE, "reviewer", "3.2", mw.start if mw else None,
                             mw.end if mw else None, meeting=mid_meeting))
    elif (is_joiner(state) and mw is not None and state.start_date is not None and state.start_date >= mw.start
          and S.MID_YEAR.value not in state.exceptions):
        out.append(StepState(S.MID_YEAR, Status.SKIPPED, "reviewer", "3.5",
                             why="Joined after the Spring term began: the next review is the annual one (Policy 3.5)"))
    elif not signed_planning and S.MID_YEAR.value not in state.exceptions:
        first = S.OBJECTIVES if state.planning_submitted is None else S.SIGN_PLANNING
        out.append(StepState(S.MID_YEAR, Status.BLOCKED, "reviewer", "3.2", mw.start if mw else None,
                             mw.end if mw else None, first=first, meeting=mid_meeting,
                             why="The objectives must be agreed and signed by you both first (Policy 3.2, "
                                 "Annex 1)"))
    else:
        out.append(_timed(S.MID_YEAR, mw, today, state, mid_meeting))
    mid = out[-1]
    out.append(_sign(S.SIGN_MID_YEAR, "mid_year", state.midyear_submitted, state, S.MID_YEAR))
    mid_settled = (out[-1].status == Status.DONE or mid.status in (Status.SKIPPED, Status.MISSED))

    ew = end_of_year_window(state)
    eoy_meeting = _held(state, MEETING_OF[S.END_OF_YEAR], now) or _booked(state, MEETING_OF[S.END_OF_YEAR], now)
    if state.eoy_submitted is not None:
        out.append(StepState(S.END_OF_YEAR, Status.DONE, "reviewer", "7.1", ew.start if ew else None,
                             ew.end if ew else None, meeting=eoy_meeting))
    elif not mid_settled and S.END_OF_YEAR.value not in state.exceptions:
        first = mid.first or (S.MID_YEAR if mid.status != Status.DONE else S.SIGN_MID_YEAR)
        if mid.status == Status.BLOCKED and mid.first is not None:
            first = mid.first
        out.append(StepState(S.END_OF_YEAR, Status.BLOCKED, "reviewer", "3.2", ew.start if ew else None,
                             ew.end if ew else None, first=first, meeting=eoy_meeting,
                             why="The end of year review comes after the mid-year review, signed by you both "
                               "(Policy 3.2)"))
    else:
        out.append(_timed(S.END_OF_YEAR, ew, today, state, eoy_meeting))
    out.append(_sign(S.SIGN_END_OF_YEAR, "end_of_year", state.eoy_submitted, state, S.END_OF_YEAR))

    if state.report_delivered_on is not None:  # the report is delivered once both sign the end of year (9.1)
        out = [s if s.status in (Status.DONE, Status.SKIPPED) else replace(s, status=Status.DONE) for s in out]

    # 8. 9.1: ten days from the report to settle a disagreement with the reviewer
    if state.report_delivered_on is None:
        out.append(StepState(S.INFORMAL_RESOLUTION, Status.BLOCKED, "colleague", "9.1",
                             first=S.SIGN_END_OF_YEAR, why="The report is delivered when you both sign the end "
                                                           "of year review (Policy 9.1)"))
    else:
        dl = deadlines.informal_resolution_deadline(state.report_delivered_on).due
        settled = any(a.stage != "informal" for a in state.appeals)
        status = Status.DONE if settled or today > dl else Status.OPEN
        out.append(StepState(S.INFORMAL_RESOLUTION, status, "colleague", "9.1", state.report_delivered_on, dl))

    # 9. 9.5: a written appeal is heard within 15 working days
    written = [a for a in state.appeals if a.written_received_on is not None]
    if not written:
        out.append(StepState(S.APPEAL_HEARING, Status.SKIPPED, "handler", "9.5", why="No written appeal"))
    else:
        a = written[-1]
        assert a.written_received_on is not None
        dl = deadlines.appeal_hearing_deadline(a.written_received_on, state.workdays).due
        status = Status.OPEN if a.stage == "written" else Status.DONE
        out.append(StepState(S.APPEAL_HEARING, status, "handler", "9.5", a.written_received_on, dl))

    # 3.8: maternity leave or leaving: the objectives are reviewed before that day
    leaving = min((d for d in (state.leave_start, state.last_day) if d is not None and d >= today), default=None)
    eoy_done = step_of(out, S.END_OF_YEAR).status == Status.DONE
    if leaving is not None and not eoy_done:
        due = deadlines.leaver_review_date(leaving, state.workdays).due
        out.append(StepState(S.LEAVER_REVIEW, Status.OPEN, "reviewer", "3.8", opens=None, due=due,
                             why=f"Leaves on {_fmt(leaving)}"))
    else:
        out.append(StepState(S.LEAVER_REVIEW, Status.SKIPPED, "reviewer", "3.8"))

    if absent(state, today):  # 3.7: the colleague's own steps wait while they are away
        out = [replace(s, status=Status.PAUSED, why="Paused during extended absence (Policy 3.7)")
               if s.status == Status.OPEN and s.who == "colleague" else s for s in out]
    return tuple(out)


def _meeting_first(planning: StepState, reason: str, zone: str) -> str:
    if planning.meeting is not None:
        return (f"The planning meeting comes first ({reason}): it is booked for "
                f"{_fmt(_local_day(planning.meeting.starts_at, zone))} (Policy 3.2)")
    return f"The planning meeting comes first ({reason}); it isn't booked yet (Policy 3.2, 5.3)"


def _sign(step: StepName, part: str, submitted: datetime | None, state: ReviewState, first: StepName) -> StepState:
    """Annex 1: a submitted part is signed by reviewer and colleague."""
    if submitted is None:
        return StepState(step, Status.BLOCKED, "both", "Annex 1", first=first,
                         why=f"There is nothing to sign until {LABELS[first]} is done (Annex 1)")
    if _both_signed(state, part):
        return StepState(step, Status.DONE, "both", "Annex 1")
    return StepState(step, Status.OPEN, _unsigned(state, part), "Annex 1", opens=_local_day(submitted, state.timezone))


def step_of(states: Iterable[StepState], name: StepName) -> StepState:
    return next(s for s in states if s.step == name)


def next_step(state: ReviewState, now: datetime) -> StepState | None:
    """The first step not done (or skipped), in the policy's order: what comes next on this review.

    An open 9.5 hearing comes before everything (it has the hardest deadline); a report still inside
    its 9.1 window is next once the form is complete. None: the cycle is complete."""
    states = assess(state, now)
    hearing = step_of(states, StepName.APPEAL_HEARING)
    if hearing.status == Status.OPEN:
        return hearing
    leaver = step_of(states, StepName.LEAVER_REVIEW)
    if leaver.status == Status.OPEN and leaver.due is not None and _local_day(now, state.timezone) >= leaver.due:
        return leaver  # from 15 working days before the day they leave, it comes first (3.8)
    for s in states:
        if s.step in (StepName.APPEAL_HEARING, StepName.LEAVER_REVIEW):
            continue
        if s.status in (Status.DONE, Status.SKIPPED):
            continue
        if s.status == Status.MISSED and s.step == StepName.MID_YEAR:
            continue  # a missed mid-year does not hold the end of year up
        if s.status == Status.BLOCKED and s.step in (StepName.INFORMAL_RESOLUTION, *SIGN_OF.values()):
            continue  # nothing to sign yet: the part before it is what comes next (or was missed)
        return s
    return None


def may(state: ReviewState, step: StepName, now: datetime, *, record: bool = True) -> Verdict:
    """May ``step`` be recorded (or, with ``record=False``, prepared for) at ``now``? A refusal says
    what must happen first, by whom, when and the clause; a recorded meeting step needs its meeting held."""
    states = assess(state, now)
    s = step_of(states, step)
    if s.status == Status.DONE and step in REVISED_UNTIL:
        # a recorded part may be revised (both signatures are withdrawn, Annex 1) until the next part is
        # recorded: then it has been built on (objectives assessed at the end of year, 7.1)
        later = step_of(states, REVISED_UNTIL[step])
        if later.status != Status.DONE:
            return Verdict(True, s.clause)
        return Verdict(False, later.clause, f"{LABELS[step].capitalize()} can't change now: {LABELS[later.step]} "
                                            f"has been recorded on it (Policy {later.clause}, Annex 1).")
    if s.status == Status.DONE:
        return Verdict(False, s.clause, f"{LABELS[step].capitalize()} is already done (Policy {s.clause}).")
    if s.status in (Status.BLOCKED, Status.NOT_YET, Status.MISSED, Status.SKIPPED, Status.PAUSED):
        first = s.first
        while first is not None and step_of(states, first).status == Status.BLOCKED and step_of(states, first).first:
            first = step_of(states, first).first  # the root of the chain is what can happen now
        before = step_of(states, first) if first else s
        by = before.due if first else s.opens
        today = _local_day(now, state.timezone)
        book = before.step in MEETING_OF and before.meeting is None and before.status != Status.DONE
        booked = (_local_day(before.meeting.starts_at, state.timezone) if first is not None and before.meeting is not None
                  and before.meeting.starts_at > now else None)
        return Verdict(False, s.clause, s.why + ".", first, before.who, by if by and by >= today else None, book,
                       booked)
    if record and step in MEETING_OF and step != StepName.PLANNING_MEETING:
        kinds = MEETING_OF[step]
        if _held(state, kinds, now) is None:
            booked = _booked(state, kinds, now)
            where = (f"it is booked for {_fmt(_local_day(booked.starts_at, state.timezone))}, so record it after that"
                     if booked else "book it first with at least 5 days' notice (Policy 5.3)")
            return Verdict(False, s.clause, f"{LABELS[step].capitalize()} is recorded after its meeting is "
                                            f"held: {where} (Policy {s.clause}).", step, "reviewer",
                           _local_day(booked.starts_at, state.timezone) if booked else s.due)
    return Verdict(True, s.clause)


def may_book(state: ReviewState, kind: str, starts_at: datetime, now: datetime) -> Verdict:
    """May a meeting of ``kind`` be booked for ``starts_at``? The step it serves must be open by then
    (its order at ``now``, its window on the meeting's day): 3.2 and, for the end of year, 7.1."""
    step = STEP_OF_MEETING.get(kind)
    if step is None:
        return Verdict(True, "3.3")
    at_meeting = step_of(assess(state, starts_at), step)
    if at_meeting.status == Status.DONE and step != StepName.PLANNING_MEETING:
        return Verdict(False, at_meeting.clause, f"{LABELS[step].capitalize()} is already recorded "
                                                 f"(Policy {at_meeting.clause}).")
    if step == StepName.PLANNING_MEETING:
        if state.planning_submitted is not None and kind == "planning":
            return Verdict(True, "3.2")  # a follow-up meeting on the plan (5.7) is not refused
        if at_meeting.status == Status.NOT_YET:
            return Verdict(False, at_meeting.clause, at_meeting.why + ".", None, "reviewer", at_meeting.opens)
        return Verdict(True, at_meeting.clause)
    if at_meeting.status == Status.BLOCKED:
        return Verdict(False, at_meeting.clause, at_meeting.why + ".", at_meeting.first, "reviewer")
    if at_meeting.status in (Status.NOT_YET, Status.MISSED, Status.SKIPPED):
        w = at_meeting.opens, at_meeting.due
        span = f" Book it between {_fmt(w[0])} and {_fmt(w[1])}." if w[0] and w[1] else ""
        return Verdict(False, at_meeting.clause, f"{at_meeting.why}.{span}", None, "reviewer", at_meeting.opens)
    return Verdict(True, at_meeting.clause)


def first_open_day(state: ReviewState, kind: str) -> date | None:
    """The first day a meeting of ``kind`` may be held (its window's start), for slot suggestions."""
    step = STEP_OF_MEETING.get(kind)
    w = {StepName.PLANNING_MEETING: planning_window, StepName.MID_YEAR: midyear_window,
         StepName.END_OF_YEAR: end_of_year_window}.get(step) if step else None  # type: ignore[arg-type]
    found = w(state) if w else None
    return found.start if found else None

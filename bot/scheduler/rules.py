"""Reminder rules: the state of a review, person, plan or organisation -> the reminders it needs.

Pure: no I/O, no clock. Every date comes from :mod:`bot.policy`; this module only decides who is
told what, and when a rule applies. The planner feeds it plain facts (below) and upserts what it
returns; ``cadence simulate`` feeds it the same facts over a simulated span.

Each :class:`Planned` reminder has a ``dedupe_key`` that names what it is about and the date it
is due (``plan:<scope>:<kind>:<detail>:<due date>``). The recipient is *not* in the key, so when a
reviewer is reassigned (Policy 4.2) the pending reminders move to the new reviewer; the due date
*is* in the key, so a rescheduled meeting cancels its old reminders and plans new ones.

Decisions where the task and the policy are silent (our reading):

* Reminders are due at the opening of working hours (08:00 local) on their date; the dispatcher
  defers to the recipient's own hours (3.4).
* ``form_completion``: the reviewer is reminded on the 1st and 5th working day after the meeting,
  and the next level up is told on the 10th (3.2 Administration, ``form_completion_escalation``).
* ``signoff_request``: the form dialogs ask for signatures the moment a part is submitted; each party
  who has still not signed is asked again 5 and 10 working days later (Annex 1).
* ``meeting_notice``: the booking dialog tells the colleague at once (its own outbox notice); the
  planner tells the reviewer, and the colleague only when no such notice exists for that slot.
* ``annual_review_due`` / ``midyear_due`` go to the reviewer for every enrolled colleague who has
  no meeting of that kind booked in the cycle; a colleague who started after the Meeting 1 window
  opened is a new joiner (3.5) for that cycle instead.
* ``appeal_hearing_deadline`` goes to whoever handles the appeal (the appeal's handler, else the
  head of the organisation or, for a colleague reporting to the head, the chair: 9.2-9.3) until a
  hearing is scheduled; "when it passes" is the working day after the deadline.
* ``one_to_one_checkin``: occurrences every cadence interval from the last check-in (or the start
  date), moved to the next working day.
* ``support_plan_review``: manager and colleague 2 working days before each review date of an
  open plan that has no review recorded for that date.
* ``policy_review_due``: the review date of 11.1; while it is overdue, at the start of each term
  to the Trust's executive leaders and HR.
* ``moderation_sample``: the working day after the Meeting 1 window closes, to the head, with a
  reproducible sample (seeded by organisation and cycle) of at least 3, or a fifth, of the
  planning statements written by delegated reviewers (4.4). Nothing when no reviewing was delegated.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.policy import checkins, deadlines, lifecycle, routing, windows
from bot.policy.calendar import SchoolCalendar, academic_year_of
from bot.policy.clauses import cite
from bot.policy.questions import COLLEAGUE_QUESTIONS
from bot.policy.workdays import DEFAULT_TIMEZONE, WorkingDays

T = TypeVar("T")

KINDS: tuple[str, ...] = (
    "meeting_notice", "prep_nudge", "reviewer_prep", "form_completion", "signoff_request",
    "annual_review_due", "midyear_due", "new_joiner_planning", "leaver_review", "informal_resolution",
    "appeal_hearing_deadline", "one_to_one_checkin", "support_plan_review", "retention_expiry",
    "moderation_sample", "policy_review_due", "governors_report_due",
)
KEY_PREFIX = "plan:"  # rows whose key starts with this belong to the planner (it may cancel them)
COLLEAGUE_PREP_QUESTIONS = len(COLLEAGUE_QUESTIONS)  # Annex 2, read from the question list (11 back + 12 ahead)
PREP_MEETING_KINDS = ("planning", "mid_year", "end_of_year")
FORM_PARTS = {"planning": "planning", "mid_year": "mid_year", "end_of_year": "end_of_year"}
FORM_FOLLOW_UP_WORKING_DAYS = (1, 5)  # our reading: reminders before the 3.2 escalation
SIGNOFF_FOLLOW_UP_WORKING_DAYS = (5, 10)  # the sign-off dialog asks at once; these follow up
PLAN_REVIEW_LEAD_WORKING_DAYS = 2
RETENTION_NOTICE_DAYS = 30  # the task: HR hears 30 days before retain_until (10.3)
MODERATION_MIN_SAMPLE = 3
MODERATION_FRACTION = 0.2
DUE_TIME = time(8)
LIVE_MEETING = ("scheduled", "held")
CLOSED_APPEAL_STAGES = ("decided", "withdrawn", "hearing_scheduled")
PART_LABELS = {"planning": "planning", "mid_year": "mid-year review", "end_of_year": "end-of-year review"}


# --- facts in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    id: int
    name: str
    org_id: int
    eligible: bool = True  # bot.policy.eligibility (1.1/1.2) and active
    start_date: date | None = None
    last_day: date | None = None
    leave_start: date | None = None
    leadership_role: bool = False
    checkin_cadence: str = ""
    legal_hold: bool = False
    lead_manager_id: int | None = None
    reports_to_head: bool = False


@dataclass(frozen=True)
class OrgFacts:
    id: int
    name: str
    kind: str  # trust | academy | central
    calendar: SchoolCalendar
    workdays: WorkingDays
    holders: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # role -> people (with parent fallback)
    tz: str = DEFAULT_TIMEZONE

    def who(self, role: str) -> tuple[int, ...]:
        return tuple(self.holders.get(role, ()))


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    kind: str
    starts_at: datetime
    status: str = "scheduled"
    scheduled_at: datetime | None = None
    colleague_told: bool = False  # the booking dialog already told the colleague about this slot


@dataclass(frozen=True)
class AppealFacts:
    id: int
    stage: str
    written_received_on: date | None = None
    handler_id: int | None = None
    hearing_at: datetime | None = None
    told: bool = False  # the written-appeal dialog already told the handler (one notice per event)


@dataclass(frozen=True)
class ReviewFacts:
    id: int
    cycle_year: int
    colleague: PersonFacts
    reviewer_id: int | None
    delegated: bool = False
    meetings: tuple[MeetingFacts, ...] = ()
    colleague_answers: int = 0
    planning_submitted_at: datetime | None = None
    midyear_submitted_at: datetime | None = None
    eoy_submitted_at: datetime | None = None
    signatures: frozenset[tuple[str, str]] = frozenset()  # (part, role)
    report_delivered_on: date | None = None
    retain_until: date | None = None
    appeals: tuple[AppealFacts, ...] = ()
    exceptions: frozenset[str] = frozenset()  # lifecycle steps the head or HR excepted

    def submitted(self, part: str) -> datetime | None:
        return {"planning": self.planning_submitted_at, "mid_year": self.midyear_submitted_at,
                "end_of_year": self.eoy_submitted_at}.get(part)


@dataclass(frozen=True)
class CycleStatus:
    """What person-level rules need to know about one cycle of a colleague."""

    year: int
    review_id: int | None = None
    reviewer_id: int | None = None
    booked_kinds: frozenset[str] = frozenset()  # meeting kinds scheduled or held
    planning_submitted: bool = False
    midyear_submitted: bool = False
    eoy_submitted: bool = False
    stage: str = ""  # store.models.ReviewStage: which parts both have signed


@dataclass(frozen=True)
class PlanFacts:
    id: int
    kind: str  # support | improvement
    colleague_id: int
    manager_id: int
    status: str
    review_dates: tuple[date, ...] = ()
    reviewed_dates: frozenset[date] = frozenset()


@dataclass(frozen=True)
class StatementFacts:
    """A planning statement written by a delegated reviewer (4.4)."""

    review_id: int
    colleague_name: str
    reviewer_name: str


@dataclass(frozen=True)
class Span:
    """The dates a planning pass looks at. Series (check-ins, terms) are generated inside it."""

    start: date
    end: date

    def years(self) -> range:
        """Cycle years whose dates may fall in the span (a cycle reaches from June Y to Aug Y+1)."""
        return range(self.start.year - 2, self.end.year + 1)


# --- reminders out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    kind: str
    recipient_id: int
    due: datetime
    deadline: date | None
    clause: str
    subject: str
    body: str
    action: str
    dedupe_key: str
    escalation_level: int = 0
    review_id: int | None = None
    subject_person_id: int | None = None


def due_at(d: date, tz: str) -> datetime:
    return datetime.combine(d, DUE_TIME, tzinfo=ZoneInfo(tz))


@lru_cache(maxsize=8192)
def fmt(d: date | datetime) -> str:
    """'Tue 1 Dec 2026' (and ' 10:00' for a moment)."""
    if isinstance(d, datetime):
        return f"{d:%a} {d.day} {d:%b %Y %H:%M}"
    return f"{d:%a} {d.day} {d:%b %Y}"


def _body(text: str, deadline: date | None, clause: str, next_step: str) -> str:
    parts = [text]
    if deadline is not None:
        parts.append(f"Deadline: {fmt(deadline)}.")
    parts.append(f"{next_step} ({cite(clause)})")
    return " ".join(parts)


def _make(kind: str, recipients: Iterable[int | None], on: date | datetime, *, org: OrgFacts, key: str,
          deadline: date | None, clause: str, subject: str, text: str, next_step: str, action: str,
          level: int = 0, review_id: int | None = None, subject_person_id: int | None = None) -> list[Planned]:
    due = on if isinstance(on, datetime) else due_at(on, org.tz)
    body = _body(text, deadline, clause, next_step)
    date_part = (on.date() if isinstance(on, datetime) else on).isoformat()
    out: list[Planned] = []
    seen: set[int] = set()
    for n, rid in enumerate(recipients):
        if rid is None or rid in seen:
            continue
        seen.add(rid)
        suffix = f":p{rid}" if n else ""
        out.append(Planned(kind=kind, recipient_id=rid, due=due, deadline=deadline, clause=clause,
                           subject=subject, body=body, action=action,
                           dedupe_key=f"{KEY_PREFIX}{key}:{date_part}{suffix}"[:200], escalation_level=level,
                           review_id=review_id, subject_person_id=subject_person_id))
    return out


def escalate_to(role: str, org: OrgFacts, *, skip: Iterable[int | None] = ()) -> tuple[str, tuple[int, ...]]:
    """One level up from ``role`` (bot.policy.routing.next_escalation), skipping people in ``skip``
    (a headteacher who is the reviewer escalates to the chair). Returns (role, people)."""
    skipped = {s for s in skip if s is not None}
    for current, holders in _chain(org, role):
        people = tuple(p for p in holders if p not in skipped)
        if people:
            return (current, people)
    return ("hr_admin", org.who("hr_admin"))


# Planning asks the same questions of every colleague of an organisation (the escalation chain
# above a reviewer, the 3.2 windows of a cycle year): answered once per organisation or calendar
# and year. Keyed by identity (calendars and OrgFacts hold dicts, so they do not hash); each entry
# keeps its object alive, so an id is never reused while its entry stands.
_MEMO: dict[tuple[str, int, object], tuple[object, object]] = {}
_MEMO_MAX = 4096


def _memo(name: str, owner: object, arg: object, compute: Callable[[], T]) -> T:
    key = (name, id(owner), arg)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is owner:
        return hit[1]  # type: ignore[return-value]
    value = compute()
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (owner, value)
    return value


def _chain(org: OrgFacts, role: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(role, holders) of each level above ``role`` in ``org``, nearest first."""
    def walk() -> tuple[tuple[str, tuple[int, ...]], ...]:
        out: list[tuple[str, tuple[int, ...]]] = []
        current: str | None = role
        while (current := routing.next_escalation(current, org.kind) if current else None) is not None:
            out.append((current, org.who(current)))
        return tuple(out)
    return _memo("chain", org, role, walk)


def _meeting1_window(cal: SchoolCalendar, year: int) -> windows.Window:
    return _memo("meeting1", cal, year, lambda: windows.meeting1_window(cal, year))


def _midyear_window(cal: SchoolCalendar, year: int) -> windows.Window:
    return _memo("midyear", cal, year, lambda: windows.midyear_window(cal, year))


def _midyear_escalation_date(cal: SchoolCalendar, year: int) -> date:
    return _memo("midyear_esc", cal, year, lambda: windows.midyear_escalation_date(cal, year))


def _title(role: str, org: OrgFacts) -> str:
    return routing.role_title(role, org.kind)


def _wd_after(org: OrgFacts, d: date, n: int) -> date:
    return org.workdays.add(d, n)


# --- the lifecycle (bot.policy.lifecycle): a reminder only for a step open on its date --------------

FORM_COMMANDS = {"planning": "objectives", "mid_year": "midyear", "end_of_year": "endyear"}
_SIGNED_BY_STAGE = {"objectives_agreed": ("planning",), "mid_year_done": ("planning", "mid_year"),
                    "end_of_year_done": ("planning", "mid_year", "end_of_year"),
                    "closed": ("planning", "mid_year", "end_of_year")}
_RECORDED = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))  # a part recorded at some time before


def review_state(r: ReviewFacts, org: OrgFacts) -> lifecycle.ReviewState:
    """The lifecycle's facts from the planner's facts about one review."""
    c = r.colleague
    return lifecycle.ReviewState(
        cycle_year=r.cycle_year, calendar=org.calendar, workdays=org.workdays, start_date=c.start_date,
        last_day=c.last_day, leave_start=c.leave_start,
        meetings=tuple(lifecycle.MeetingFact(m.kind, m.starts_at, m.status) for m in r.meetings),
        planning_submitted=r.planning_submitted_at, midyear_submitted=r.midyear_submitted_at,
        eoy_submitted=r.eoy_submitted_at, signatures=r.signatures, report_delivered_on=r.report_delivered_on,
        appeals=tuple(lifecycle.AppealFact(a.stage, a.written_received_on, a.hearing_at) for a in r.appeals),
        exceptions=r.exceptions, timezone=org.tz)


def cycle_state(p: PersonFacts, org: OrgFacts, status: CycleStatus) -> lifecycle.ReviewState:
    """The lifecycle's facts from what the person rules know of one cycle (parts recorded, stage signed)."""
    signed = frozenset((part, role) for part in _SIGNED_BY_STAGE.get(status.stage, ())
                       for role in ("reviewer", "reviewee"))
    return lifecycle.ReviewState(
        cycle_year=status.year, calendar=org.calendar, workdays=org.workdays, start_date=p.start_date,
        last_day=p.last_day, leave_start=p.leave_start,
        planning_submitted=_RECORDED if status.planning_submitted else None,
        midyear_submitted=_RECORDED if status.midyear_submitted else None,
        eoy_submitted=_RECORDED if status.eoy_submitted else None, signatures=signed,
        report_delivered_on=_RECORDED.date() if status.stage in ("end_of_year_done", "closed") else None,
        timezone=org.tz)


def _is_open(state: lifecycle.ReviewState, step: lifecycle.StepName, on: datetime) -> bool:
    return lifecycle.step_of(lifecycle.assess(state, on), step).status == lifecycle.Status.OPEN


# --- review rules -------------------------------------------------------------------------------


def review_reminders(r: ReviewFacts, org: OrgFacts) -> list[Planned]:
    """Meeting, preparation, form, sign-off, 9.1/9.5 and 10.3 reminders of one review."""
    c = r.colleague
    out: list[Planned] = []
    if c.legal_hold is False and r.retain_until is not None:
        out += retention_expiry(r, org)
    if not c.eligible:
        return out
    reviewer = r.reviewer_id or c.lead_manager_id
    for m in r.meetings:
        if m.status == "scheduled":
            out += meeting_notice(r, m, reviewer, org)
            if m.kind in PREP_MEETING_KINDS:
                out += prep_nudge(r, m, org)
                out += reviewer_prep(r, m, reviewer, org)
        if m.status in LIVE_MEETING and m.kind in FORM_PARTS:
            out += form_completion(r, m, reviewer, org)
    for part in FORM_PARTS.values():
        out += signoff_request(r, part, reviewer, org)
    out += informal_resolution(r, reviewer, org)
    for appeal in r.appeals:
        out += appeal_hearing_deadline(r, appeal, reviewer, org)
    return out


def meeting_notice(r: ReviewFacts, m: MeetingFacts, reviewer: int | None, org: OrgFacts) -> list[Planned]:
    """Policy 5.3: both people hear that a meeting is booked (and again when it moves)."""
    local = m.starts_at.astimezone(ZoneInfo(org.tz))
    when = m.scheduled_at or m.starts_at
    label = {"planning": "planning & review meeting", "mid_year": "mid-year review",
             "end_of_year": "end-of-year review", "one_to_one": "one-to-one"}.get(m.kind, "review meeting")
    common = dict(org=org, deadline=local.date(), clause="5.3", review_id=r.id, subject_person_id=r.colleague.id)
    slot = f"{local:%Y%m%dT%H%M}"  # a moved meeting is a new notice
    out = [] if m.colleague_told else _make("meeting_notice", [r.colleague.id], when, key=f"review:{r.id}:meeting_notice:m{m.id}:{slot}:colleague",
                subject=f"Your {label}: {fmt(local)}",
                text=f"Your {label} is booked for {fmt(local)}.",
                next_step="Type prep to get ready; it takes about 20 minutes.", action="prep", **common)
    out += _make("meeting_notice", [reviewer], when, key=f"review:{r.id}:meeting_notice:m{m.id}:{slot}:reviewer",
                 subject=f"{r.colleague.name}: {label} {fmt(local)}",
                 text=f"The {label} with {r.colleague.name} is booked for {fmt(local)}.",
                 next_step="Type agenda to see the agenda.", action="agenda", **common)
    return out


def prep_nudge(r: ReviewFacts, m: MeetingFacts, org: OrgFacts) -> list[Planned]:
    """5.1 / Annex 2: the colleague is nudged 3 and 1 working days before while preparation is unfinished."""
    if r.colleague_answers >= COLLEAGUE_PREP_QUESTIONS:
        return []
    day = m.starts_at.astimezone(ZoneInfo(org.tz)).date()
    booked = (m.scheduled_at or m.starts_at).astimezone(ZoneInfo(org.tz)).date()
    out: list[Planned] = []
    left = COLLEAGUE_PREP_QUESTIONS - r.colleague_answers
    for n, on in zip(deadlines.PREP_NUDGE_WORKING_DAYS, deadlines.prep_nudge_dates(day, org.workdays), strict=True):
        if on < booked:
            continue
        out += _make("prep_nudge", [r.colleague.id], on, org=org, key=f"review:{r.id}:prep_nudge:m{m.id}:{n}",
                     deadline=day, clause="5.1", subject=f"Prepare for your review on {fmt(day)}",
                     text=f"Your review meeting is on {fmt(day)} and {left} of {COLLEAGUE_PREP_QUESTIONS} "
                          "preparation questions are still open.",
                     next_step="Type prep to carry on where you left off.", action="prep",
                     review_id=r.id, subject_person_id=r.colleague.id)
    return out


def reviewer_prep(r: ReviewFacts, m: MeetingFacts, reviewer: int | None, org: OrgFacts) -> list[Planned]:
    """5.1 / Annex 2: the reviewer's checklist 2 working days before the meeting."""
    day = m.starts_at.astimezone(ZoneInfo(org.tz)).date()
    on = deadlines.reviewer_prep_date(day, org.workdays)
    booked = (m.scheduled_at or m.starts_at).astimezone(ZoneInfo(org.tz)).date()
    if on < booked:
        return []
    return _make("reviewer_prep", [reviewer], on, org=org, key=f"review:{r.id}:reviewer_prep:m{m.id}",
                 deadline=day, clause="5.1", subject=f"Prepare for {r.colleague.name}'s review on {fmt(day)}",
                 text=f"{r.colleague.name} has answered {min(r.colleague_answers, COLLEAGUE_PREP_QUESTIONS)} of "
                      f"{COLLEAGUE_PREP_QUESTIONS} preparation questions.",
                 next_step=f"Type prep {r.colleague.name.split()[0]} for the reviewer's checklist.", action="prep",
                 review_id=r.id, subject_person_id=r.colleague.id)


def form_completion(r: ReviewFacts, m: MeetingFacts, reviewer: int | None, org: OrgFacts) -> list[Planned]:
    """3.2 Administration: complete the form part after the meeting; escalated after 10 working days."""
    part = FORM_PARTS[m.kind]
    if r.submitted(part) is not None:
        return []
    day = m.starts_at.astimezone(ZoneInfo(org.tz)).date()
    step = lifecycle.STEP_OF_RECORD[part]
    # objectives are open once their meeting is held (this one); the later parts also need their order
    # and window, so the lifecycle is asked (it would refuse e.g. an end of year before the mid-year)
    if part != "planning" and not _is_open(review_state(r, org), step, due_at(_wd_after(org, day, 1), org.tz)):
        return []
    word = f"{FORM_COMMANDS[part]} {r.colleague.name.split()[0]}"
    esc = deadlines.form_completion_escalation(day, org.workdays)
    label = PART_LABELS[part]
    out: list[Planned] = []
    for n in FORM_FOLLOW_UP_WORKING_DAYS:
        on = _wd_after(org, day, n)
        out += _make("form_completion", [reviewer], on, org=org, key=f"review:{r.id}:form_completion:m{m.id}:{n}",
                     deadline=esc.due, clause="3.2", subject=f"Complete {r.colleague.name}'s {label} form",
                     text=f"The {label} with {r.colleague.name} was on {fmt(day)}; the form part is not yet submitted.",
                     next_step=f"Type {word} to finish the form.", action=FORM_COMMANDS[part],
                     review_id=r.id, subject_person_id=r.colleague.id)
    role, people = escalate_to("reviewer", org, skip=[reviewer])
    out += _make("form_completion", people, esc.due, org=org, key=f"review:{r.id}:form_completion:m{m.id}:escalated",
                 deadline=esc.due, clause="3.2", level=1,
                 subject=f"Overdue: {r.colleague.name}'s {label} form",
                 text=f"The {label} form of {r.colleague.name} is still not submitted 10 working days after the "
                      f"meeting on {fmt(day)}. You are told as {_title(role, org)}.",
                 next_step="Type status to see the review and follow it up with the reviewer.", action="status",
                 review_id=r.id, subject_person_id=r.colleague.id)
    return out


def signoff_request(r: ReviewFacts, part: str, reviewer: int | None, org: OrgFacts) -> list[Planned]:
    """Annex 1: both sign the submitted part; each unsigned party is asked until they have."""
    submitted = r.submitted(part)
    if submitted is None:
        return []
    start = submitted.astimezone(ZoneInfo(org.tz)).date()
    out: list[Planned] = []
    label = PART_LABELS[part]
    for role, who in (("reviewee", r.colleague.id), ("reviewer", reviewer)):
        if (part, role) in r.signatures or who is None:
            continue
        for n in SIGNOFF_FOLLOW_UP_WORKING_DAYS:
            on = _wd_after(org, start, n)
            text = (f"The {label} part of your Planning & Review Form is ready to sign." if role == "reviewee"
                    else f"The {label} part of {r.colleague.name}'s form is ready to sign.")
            out += _make("signoff_request", [who], on, org=org, key=f"review:{r.id}:signoff_request:{part}:{role}:{n}",
                         deadline=None, clause="Annex 1", subject=f"Please sign the {label} form", text=text,
                         next_step="Type signoff to read it and sign.", action="signoff",
                         review_id=r.id, subject_person_id=r.colleague.id)
    return out


def informal_resolution(r: ReviewFacts, reviewer: int | None, org: OrgFacts) -> list[Planned]:
    """9.1: the colleague may raise a disagreement with the reviewer within 10 days of the report.
    Once their concerns are resolved informally (an appeal closed as withdrawn) the nudge stops."""
    if r.report_delivered_on is None or any(a.stage == "withdrawn" for a in r.appeals):
        return []
    if not _is_open(review_state(r, org), lifecycle.StepName.INFORMAL_RESOLUTION, due_at(r.report_delivered_on, org.tz)):
        return []  # already past it: the colleague has appealed in writing (9.2)
    dl = deadlines.informal_resolution_deadline(r.report_delivered_on)
    return _make("informal_resolution", [r.colleague.id], r.report_delivered_on, org=org,
                 key=f"review:{r.id}:informal_resolution", deadline=dl.due, clause="9.1",
                 subject="Your review report: any disagreement?",
                 text=f"You received your review report on {fmt(r.report_delivered_on)}. If you disagree with "
                      f"anything, talk to your reviewer first, by {fmt(dl.due)}.",
                 next_step="Type appeal to raise it.", action="appeal",
                 review_id=r.id, subject_person_id=r.colleague.id)


def appeal_hearing_deadline(r: ReviewFacts, a: AppealFacts, reviewer: int | None, org: OrgFacts) -> list[Planned]:
    """9.5: the hearing within 15 working days of the written appeal; 5 and 2 days before; escalated after."""
    if a.written_received_on is None or a.stage in CLOSED_APPEAL_STAGES or a.hearing_at is not None:
        return []
    dl = deadlines.appeal_hearing_deadline(a.written_received_on, org.workdays)
    route = routing.appeal_route(r.colleague.reports_to_head, org.kind)
    handlers: tuple[int | None, ...] = (a.handler_id,) if a.handler_id else org.who(route.handler_role)
    if not handlers:
        handlers = org.who("hr_admin")
    name = r.colleague.name
    common = dict(org=org, deadline=dl.due, clause="9.5", review_id=r.id, subject_person_id=r.colleague.id)
    first, second = deadlines.appeal_reminder_dates(a.written_received_on, org.workdays)
    # one notice per event: the written-appeal dialog tells the handler at once (its outbox notice); the
    # planner tells them of the receipt only when no such notice exists (an appeal recorded another way)
    out = [] if a.told else _make(
        "appeal_hearing_deadline", handlers, a.written_received_on, key=f"review:{r.id}:appeal:{a.id}:received",
        subject=f"Appeal from {name}: hear it by {fmt(dl.due)}",
        text=f"{name}'s written appeal arrived on {fmt(a.written_received_on)}. The hearing must be held "
             f"within 15 working days; {name} may bring a union representative or colleague (Policy 9.4).",
        next_step="Type appeal to arrange the hearing.", action="appeal", **common)
    for n, on in zip(deadlines.APPEAL_REMINDER_WORKING_DAYS, (first, second), strict=True):
        out += _make("appeal_hearing_deadline", handlers, on, key=f"review:{r.id}:appeal:{a.id}:{n}",
                     subject=f"{n} working days left to hear {name}'s appeal",
                     text=f"No hearing is booked yet for {name}'s appeal; the deadline is {fmt(dl.due)}.",
                     next_step="Type appeal to arrange the hearing.", action="appeal", **common)
    role = "headteacher" if route.handler_role in ("headteacher", "executive_leader") else route.handler_role
    up_role, up = escalate_to(role if role in ("headteacher", "chair_of_governors") else "reviewer", org,
                              skip=handlers)
    out += _make("appeal_hearing_deadline", up, _wd_after(org, dl.due, 1), key=f"review:{r.id}:appeal:{a.id}:escalated",
                 level=1, subject=f"Overdue: {name}'s appeal hearing",
                 text=f"The hearing of {name}'s appeal was due by {fmt(dl.due)} and none is booked. "
                      f"You are told as {_title(up_role, org)}.",
                 next_step="Type status to follow it up.", action="status", **common)
    return out


def retention_expiry(r: ReviewFacts, org: OrgFacts) -> list[Planned]:
    """10.3: HR admins hear 30 days before a form's retention ends (a legal hold stops this)."""
    assert r.retain_until is not None
    on = r.retain_until - timedelta(days=RETENTION_NOTICE_DAYS)
    return _make("retention_expiry", org.who("hr_admin"), on, org=org, key=f"review:{r.id}:retention_expiry",
                 deadline=r.retain_until, clause="10.3",
                 subject=f"{r.colleague.name}'s {r.cycle_year} review form is deleted after {fmt(r.retain_until)}",
                 text=f"The Planning & Review Form of {r.colleague.name} for {r.cycle_year}-{(r.cycle_year + 1) % 100:02d} "
                      f"reaches the end of its retention on {fmt(r.retain_until)} and will then be purged.",
                 next_step="Place a legal hold if it must be kept; otherwise nothing to do.", action="status",
                 review_id=r.id, subject_person_id=r.colleague.id)


# --- person rules -------------------------------------------------------------------------------


def person_reminders(p: PersonFacts, org: OrgFacts, cycles: Mapping[int, CycleStatus], span: Span,
                     last_checkin: date | None = None, plans: Sequence[PlanFacts] = ()) -> list[Planned]:
    """Cycle windows (3.2), joiners (3.5), leavers (3.8), check-ins (3.3) and support plans (Annex 4)."""
    if not p.eligible:
        return []
    out: list[Planned] = []
    for year in span.years():
        if not org.calendar.has_year(year):
            continue
        status = cycles.get(year, CycleStatus(year))
        out += annual_review_due(p, org, status)
        out += midyear_due(p, org, status)
    out += new_joiner_planning(p, org, cycles)
    out += leaver_review(p, org)
    out += one_to_one_checkin(p, org, span, last_checkin)
    for plan in plans:
        out += support_plan_review(p, plan, org)
    return out


def _reviewer_of(p: PersonFacts, status: CycleStatus, org: OrgFacts) -> tuple[int, ...]:
    who = status.reviewer_id or p.lead_manager_id
    if who is not None and who != p.id:
        return (who,)
    return escalate_to("reviewer", org, skip=[p.id])[1]


def _is_joiner(p: PersonFacts, org: OrgFacts, year: int) -> bool:
    if p.start_date is None:
        return False
    return p.start_date > _meeting1_window(org.calendar, year).start


def annual_review_due(p: PersonFacts, org: OrgFacts, status: CycleStatus) -> list[Planned]:
    """3.2: Meeting 1 (annual review + plan) in its window; escalated at its end if none is booked."""
    if not org.calendar.has_year(status.year) or _is_joiner(p, org, status.year):
        return []
    if {"planning", "end_of_year"} & status.booked_kinds or status.planning_submitted:
        return []
    w = _meeting1_window(org.calendar, status.year)
    # the lifecycle's planning meeting is open from its window on until it is held (late is escalated,
    # never refused): with none booked or recorded, as checked above, it is open on both dates
    reviewer = _reviewer_of(p, status, org)
    common = dict(org=org, deadline=w.end, clause="3.2", review_id=status.review_id, subject_person_id=p.id)
    out = _make("annual_review_due", reviewer, w.start, key=f"person:{p.id}:annual_review_due:{status.year}",
                subject=f"Book {p.name}'s annual review by {fmt(w.end)}",
                text=f"The annual review and planning meeting (Meeting 1) for {p.name} is due between "
                     f"{fmt(w.start)} and {fmt(w.end)}.",
                next_step="Type schedule to book it with at least 5 days' notice.", action="schedule", **common)
    role, up = escalate_to("reviewer", org, skip=[*reviewer, p.id])
    out += _make("annual_review_due", up, w.end, key=f"person:{p.id}:annual_review_due:{status.year}:escalated",
                 level=1, subject=f"Not booked: {p.name}'s annual review",
                 text=f"No annual review meeting is booked for {p.name} and the window closes on {fmt(w.end)}. "
                      f"You are told as {_title(role, org)}.",
                 next_step="Type status to follow it up with the reviewer.", action="status", **common)
    return out


def midyear_due(p: PersonFacts, org: OrgFacts, status: CycleStatus) -> list[Planned]:
    """3.2: Meeting 2 in the Spring term; escalated at its half term if not booked. Only while the
    lifecycle says the mid-year is open on those dates: not once it is recorded, not before the
    objectives are agreed and signed (a joiner's initial planning comes first, 3.5)."""
    if "mid_year" in status.booked_kinds:
        return []
    w = _midyear_window(org.calendar, status.year)
    if p.start_date is not None and p.start_date > w.start:
        return []
    if status.stage not in _SIGNED_BY_STAGE or status.midyear_submitted:
        return []  # the lifecycle's answer without asking: blocked until the objectives are signed, or done
    esc = _midyear_escalation_date(org.calendar, status.year)
    if not _is_open(cycle_state(p, org, status), lifecycle.StepName.MID_YEAR, due_at(w.start, org.tz)):
        return []
    reviewer = _reviewer_of(p, status, org)
    common = dict(org=org, deadline=w.end, clause="3.2", review_id=status.review_id, subject_person_id=p.id)
    out = _make("midyear_due", reviewer, w.start, key=f"person:{p.id}:midyear_due:{status.year}",
                subject=f"Book {p.name}'s mid-year review this Spring term",
                text=f"The mid-year review (Meeting 2) for {p.name} is held in the Spring term, "
                     f"{fmt(w.start)} to {fmt(w.end)}.",
                next_step="Type schedule to book it.", action="schedule", **common)
    role, up = escalate_to("reviewer", org, skip=[*reviewer, p.id])
    out += _make("midyear_due", up, esc, key=f"person:{p.id}:midyear_due:{status.year}:escalated", level=1,
                 subject=f"Not booked: {p.name}'s mid-year review",
                 text=f"No mid-year review is booked for {p.name} by the Spring half term. "
                      f"You are told as {_title(role, org)}.",
                 next_step="Type status to follow it up with the reviewer.", action="status", **common)
    return out


def new_joiner_planning(p: PersonFacts, org: OrgFacts, cycles: Mapping[int, CycleStatus]) -> list[Planned]:
    """3.5 (2nd): initial planning within three months of the start date; nudges at 6 and 10 weeks."""
    if p.start_date is None:
        return []
    year = academic_year_of(p.start_date)
    if not org.calendar.has_year(year) or not _is_joiner(p, org, year):
        return []
    if any(s.planning_submitted or "planning" in s.booked_kinds for s in cycles.values() if s.year >= year):
        return []
    dl = deadlines.joiner_planning_deadline(p.start_date)
    status = cycles.get(year, CycleStatus(year))
    reviewer = _reviewer_of(p, status, org)
    common = dict(org=org, deadline=dl.due, clause="3.5", review_id=status.review_id, subject_person_id=p.id)
    out: list[Planned] = []
    for weeks, on in zip(deadlines.JOINER_NUDGE_WEEKS, deadlines.joiner_nudge_dates(p.start_date), strict=True):
        out += _make("new_joiner_planning", reviewer, on, key=f"person:{p.id}:new_joiner_planning:{weeks}w",
                     subject=f"Plan objectives with {p.name} by {fmt(dl.due)}",
                     text=f"{p.name} started on {fmt(p.start_date)}; their initial performance planning is due "
                          f"within three months.",
                     next_step="Type schedule to book the planning meeting.", action="schedule", **common)
    role, up = escalate_to("reviewer", org, skip=[*reviewer, p.id])
    out += _make("new_joiner_planning", up, dl.due, key=f"person:{p.id}:new_joiner_planning:escalated", level=1,
                 subject=f"Overdue: initial planning for {p.name}",
                 text=f"{p.name} started on {fmt(p.start_date)} and has no planning meeting three months on. "
                      f"You are told as {_title(role, org)}.",
                 next_step="Type status to follow it up with the reviewer.", action="status", **common)
    return out


def leaver_review(p: PersonFacts, org: OrgFacts) -> list[Planned]:
    """3.8: review objectives before maternity leave starts or before the last day."""
    out: list[Planned] = []
    for label, day in (("leave", p.leave_start), ("last_day", p.last_day)):
        if day is None:
            continue
        dl = deadlines.leaver_review_date(day, org.workdays)
        what = "leave starts" if label == "leave" else "their last day"
        reviewer = (p.lead_manager_id,) if p.lead_manager_id else escalate_to("reviewer", org, skip=[p.id])[1]
        out += _make("leaver_review", reviewer, dl.due, key=f"person:{p.id}:leaver_review:{label}:{day.isoformat()}",
                     org=org, deadline=day, clause="3.8",
                     subject=f"Review {p.name}'s objectives before {fmt(day)}",
                     text=f"{p.name}'s {what.replace('their ', '')} is {fmt(day)}. Review their objectives with them "
                          "before then.",
                     next_step="Type schedule to book the meeting.", action="schedule", subject_person_id=p.id)
    return out


def checkin_dates(p: PersonFacts, span: Span, last_checkin: date | None) -> Iterator[date]:
    """Check-in occurrences inside the span (3.3), from the last check-in or the start date."""
    cadence = p.checkin_cadence or checkins.default_cadence(p.leadership_role)
    if cadence not in checkins.CHECKIN_CADENCES or checkins.CHECKIN_CADENCES[cadence] is None:
        return
    anchor = last_checkin or p.start_date or span.start
    current = anchor
    guard = 0
    while current <= span.end and guard < 10000:
        guard += 1
        nxt = checkins.next_checkin(current, cadence, current)
        if nxt is None or nxt <= current:
            return
        current = nxt
        if current >= span.start and current <= span.end:
            yield current


def one_to_one_checkin(p: PersonFacts, org: OrgFacts, span: Span, last_checkin: date | None) -> list[Planned]:
    """3.3: a check-in prompt at the colleague's cadence (leadership roles default to fortnightly)."""
    out: list[Planned] = []
    for d in checkin_dates(p, span, last_checkin):
        on = org.workdays.next_working_day(d)
        out += _make("one_to_one_checkin", [p.id], on, org=org, key=f"person:{p.id}:one_to_one_checkin:{d.isoformat()}",
                     deadline=None, clause="3.3", subject="Time for a quick check-in",
                     text="How are things? A 30-second check-in keeps your one-to-ones useful.",
                     next_step="Type checkin to start.", action="checkin", subject_person_id=p.id)
    return out


def support_plan_review(p: PersonFacts, plan: PlanFacts, org: OrgFacts) -> list[Planned]:
    """Annex 4 / Improvement Action Plan: manager and colleague before each review date."""
    if plan.status != "open":
        return []
    clause = "Improvement Action Plan" if plan.kind == "improvement" else "Support Plan"
    label = "improvement action plan" if plan.kind == "improvement" else "support plan"
    out: list[Planned] = []
    for d in sorted(set(plan.review_dates) - set(plan.reviewed_dates)):
        on = org.workdays.subtract(d, PLAN_REVIEW_LEAD_WORKING_DAYS)
        out += _make("support_plan_review", [plan.manager_id, plan.colleague_id], on, org=org,
                     key=f"person:{p.id}:support_plan_review:{plan.id}:{d.isoformat()}", deadline=d, clause=clause,
                     subject=f"The {label} is reviewed on {fmt(d)}",
                     text=f"The {label} for {p.name} has a review on {fmt(d)}: look at each action and how it "
                          "is measured.",
                     next_step="Type plan to see the actions.", action="plan", subject_person_id=p.id)
    return out


# --- organisation rules -------------------------------------------------------------------------


def org_reminders(org: OrgFacts, span: Span, statements: Mapping[int, Sequence[StatementFacts]] | None = None,
                  *, is_top: bool = False, checked_years: frozenset[int] = frozenset()) -> list[Planned]:
    """Governors' report (11.3), moderation sample (4.4) and, for the Trust, policy review (11.1).

    ``statements`` maps a cycle year to the planning statements of delegated reviewers.
    """
    out: list[Planned] = []
    for year in span.years():
        if not org.calendar.has_year(year):
            continue
        if org.kind != "trust":  # the Trust's own staff are in its central team (1.3)
            out += governors_report_due(org, year)
        out += moderation_sample(org, year, (statements or {}).get(year, ()), year in checked_years)
    if is_top:
        out += policy_review_due(org, span)
    return out


def _heads(org: OrgFacts) -> tuple[str, tuple[int, ...]]:
    role = "executive_leader" if org.kind in routing.CENTRAL_KINDS else "headteacher"
    return role, org.who(role) or org.who("hr_admin")


def governors_report_due(org: OrgFacts, year: int) -> list[Planned]:
    """11.3: the head reports to the governing body each Summer term, with nothing identifiable."""
    w = windows.governors_report_window(org.calendar, year)
    role, heads = _heads(org)
    body_title = _title("local_governing_body", org)
    return _make("governors_report_due", heads, w.start, org=org, key=f"org:{org.id}:governors_report_due:{year}",
                 deadline=w.end, clause="11.3", subject=f"Annual report to the {body_title} this term",
                 text=f"The annual performance management report for {org.name} goes to the {body_title} "
                      f"this Summer term, by {fmt(w.end)}. It holds no identifiable information.",
                 next_step="Type export to produce it.", action="export")


def moderation_sample_of(org_id: int, year: int, statements: Sequence[StatementFacts]) -> list[StatementFacts]:
    """4.4: the sample the head checks: at least 3, or a fifth, of the delegated planning statements,
    reproducible (seeded by organisation and cycle) so the reminder and the ``moderation`` command agree."""
    size = min(len(statements), max(MODERATION_MIN_SAMPLE, math.ceil(MODERATION_FRACTION * len(statements))))
    return pick_sample(statements, size, seed=f"{org_id}:{year}")


def moderation_sample(org: OrgFacts, year: int, statements: Sequence[StatementFacts],
                      checked: bool = False) -> list[Planned]:
    """4.4: after the planning window the head checks a sample of delegated planning statements; once
    they have recorded the check (``moderation``) the reminder is no longer planned."""
    if not statements or checked:
        return []
    w = windows.meeting1_window(org.calendar, year)
    on = _wd_after(org, w.end, 1)
    sample = moderation_sample_of(org.id, year, statements)
    listed = "; ".join(f"{s.colleague_name} (by {s.reviewer_name})" for s in sample)
    _, heads = _heads(org)
    return _make("moderation_sample", heads, on, org=org, key=f"org:{org.id}:moderation_sample:{year}",
                 deadline=None, clause="4.4",
                 subject=f"Check {len(sample)} planning statement{'s' if len(sample) != 1 else ''} for consistency",
                 text=f"Reviewing was delegated for {len(statements)} colleague(s) this cycle. Your sample: {listed}.",
                 next_step="Type moderation to read each one and record that you have checked them.",
                 action="moderation")


def pick_sample(statements: Sequence[StatementFacts], size: int, *, seed: str) -> list[StatementFacts]:
    """A reproducible random sample: the same statements and seed always give the same picks."""
    ordered = sorted(statements, key=lambda s: s.review_id)
    return sorted(random.Random(seed).sample(ordered, size), key=lambda s: s.review_id)


def policy_review_due(org: OrgFacts, span: Span) -> list[Planned]:
    """11.1: the policy is reviewed at least every three years; while overdue, each term."""
    dl = deadlines.policy_review_due(deadlines.POLICY_DATE)
    people = org.who("executive_leader") + org.who("hr_admin")
    dates: list[date] = []
    if span.start <= dl.due <= span.end:
        dates.append(dl.due)
    if dl.due < span.end:
        for year in span.years():
            if not org.calendar.has_year(year):
                continue
            for term in org.calendar.year(year).terms:
                if term.start > dl.due and span.start <= term.start <= span.end:
                    dates.append(term.start)
    out: list[Planned] = []
    for on in sorted(set(dates)):
        overdue = on > dl.due
        out += _make("policy_review_due", people, on, org=org, key=f"org:{org.id}:policy_review_due",
                     deadline=dl.due, clause="11.1", level=1 if overdue else 0,
                     subject="The performance management policy is due for review"
                     + (f" (since {fmt(dl.due)})" if overdue else ""),
                     text=f"The Support Staff Performance Management Policy of {fmt(deadlines.POLICY_DATE)} is "
                          f"reviewed at least every three years; its review was due on {fmt(dl.due)}.",
                     next_step="Put it on the Trust Board's agenda.", action="help")
    return out

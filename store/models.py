"""The tables. One Alembic revision per change to this file (store/migrations/versions).

Every record made under the policy stores the policy version it was made under, so a later
change of policy leaves finished cycles readable as they were.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime

POLICY_VERSION = "2019-07-25"  # Performance Management Policy (Support Staff), approved 25 July 2019


def utcnow() -> datetime:
    return datetime.now(UTC)


def _dt(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _policy_version() -> Any:
    """The policy version a record was made under; rows older than the column were all made under
    the one version there was (the migration's server default)."""
    return Field(default=POLICY_VERSION, max_length=40, sa_column_kwargs={"server_default": POLICY_VERSION})


def _json(default: Any = None) -> Any:
    factory = (lambda: dict(default)) if isinstance(default, dict) else (lambda: list(default or []))
    return Field(default_factory=factory, sa_column=Column(JSON, nullable=False))


class OrgKind(StrEnum):
    TRUST = "trust"
    ACADEMY = "academy"
    CENTRAL = "central"


class Role(StrEnum):
    HEADTEACHER = "headteacher"
    HR_ADMIN = "hr_admin"
    CHAIR_OF_GOVERNORS = "chair_of_governors"
    GOVERNOR = "governor"
    EXECUTIVE_LEADER = "executive_leader"


class ReviewStage(StrEnum):
    """Where a review stands in the cycle of Policy 3.2."""

    PREPARATION = "preparation"  # before the planning meeting (Meeting 1)
    PLANNING = "planning"  # Meeting 1 booked or held; form being completed
    OBJECTIVES_AGREED = "objectives_agreed"  # planning part signed by both
    MID_YEAR_DONE = "mid_year_done"  # Meeting 2 recorded and signed
    END_OF_YEAR_DONE = "end_of_year_done"  # end-of-year review recorded and signed
    CLOSED = "closed"


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    kind: str = Field(default=OrgKind.ACADEMY, max_length=20)
    parent_id: int | None = Field(default=None, foreign_key="organisation.id")
    calendar_name: str = Field(default="default", max_length=200)
    created_at: datetime = _created()


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=320)
    name: str = Field(max_length=200)
    job_title: str = Field(default="", max_length=200)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    start_date: date | None = None
    contract_end: date | None = None
    employment_type: str = Field(default="support", max_length=20)
    extended_agency: bool = False
    on_induction: bool = False
    in_capability: bool = False
    leadership_role: bool = False
    slack_user_id: str | None = Field(default=None, index=True, unique=True, max_length=64)
    teams_user_id: str | None = Field(default=None, index=True, unique=True, max_length=64)
    last_day: date | None = None
    leave_start: date | None = None
    absent_from: date | None = None  # 3.7 extended absence: reminders pause
    absent_until: date | None = None
    adjustments: str = Field(default="", max_length=4000)  # 3.7 reasonable adjustments
    checkin_cadence: str = Field(default="", max_length=20)  # "" = policy default (3.3)
    working_hours_start: int = 8
    working_hours_end: int = 17
    legal_hold: bool = False
    legal_hold_reason: str = Field(default="", max_length=1000)
    active: bool = True
    created_at: datetime = _created()
    updated_at: datetime = _created()


class LineManagement(SQLModel, table=True):
    __tablename__ = "line_management"
    __table_args__ = (UniqueConstraint("manager_id", "report_id"),)
    id: int | None = Field(default=None, primary_key=True)
    manager_id: int = Field(foreign_key="person.id", index=True)
    report_id: int = Field(foreign_key="person.id", index=True)
    is_lead: bool = True


class RoleGrant(SQLModel, table=True):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("person_id", "role", "organisation_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=40)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)


class Cycle(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int  # academic year it starts in: 2026 = September 2026 to August 2027 (3.2)
    policy_version: str = Field(default=POLICY_VERSION, max_length=40)
    created_at: datetime = _created()


class Review(SQLModel, table=True):
    """One per colleague per cycle: the Planning & Review Form of Annex 1 and its progress."""

    __table_args__ = (UniqueConstraint("cycle_id", "colleague_id"),)
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    colleague_id: int = Field(foreign_key="person.id", index=True)
    reviewer_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    delegated: bool = False  # 4.2 / 4.4: reviewing delegated by the headteacher
    stage: str = Field(default=ReviewStage.PREPARATION, max_length=40, index=True)
    policy_version: str = Field(default=POLICY_VERSION, max_length=40)
    prep_shared_with_reviewer: bool = False
    # Annex 1, planning
    professional_development: str = ""
    other_information: str = ""
    planning_submitted_at: datetime | None = _dt()
    # Annex 1, mid-year interim review
    midyear_all_on_track: bool | None = None
    midyear_performing_expected: bool | None = None
    midyear_comments: str = ""
    midyear_dialogue: str = ""
    midyear_coop_dialogue: str = ""
    midyear_reviewee_comments: str = ""
    midyear_submitted_at: datetime | None = _dt()
    # Annex 1, end of year review
    eoy_performing_expected: bool | None = None
    eoy_comments: str = ""
    eoy_dialogue: str = ""
    eoy_reviewee_comments: str = ""
    eoy_reviewer_comments: str = ""
    eoy_submitted_at: datetime | None = _dt()
    report_delivered_on: date | None = None  # 9.1: the 10 days run from here
    transfer_addendum: str = ""  # 3.6
    retain_until: date | None = Field(default=None, index=True)  # 10.3
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ReviewException(SQLModel, table=True):
    """An exception to the cycle's order (bot.policy.lifecycle), recorded by the headteacher or HR with
    its reason, e.g. an end of year review held early because the colleague leaves (3.8). Shown on the form."""

    __tablename__ = "review_exception"
    __table_args__ = (UniqueConstraint("review_id", "step"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    step: str = Field(max_length=40)  # a bot.policy.lifecycle.StepName
    reason: str = Field(max_length=1000)
    recorded_by_id: int = Field(foreign_key="person.id")
    recorded_at: datetime = _created()


class ModerationCheck(SQLModel, table=True):
    """4.4: the headteacher has read the sampled planning statements of a cycle and checked them."""

    __tablename__ = "moderation_check"
    __table_args__ = (UniqueConstraint("organisation_id", "cycle_year"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    cycle_year: int
    checked_by_id: int = Field(foreign_key="person.id")
    note: str = Field(default="", max_length=2000)
    checked_at: datetime = _created()


class InputRequest(SQLModel, table=True):
    """4.1: the lead line manager asks the other line managers for input."""

    __tablename__ = "input_request"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    manager_id: int = Field(foreign_key="person.id")
    requested_at: datetime = _created()
    response: str = ""
    responded_at: datetime | None = _dt()
    policy_version: str = _policy_version()


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    kind: str = Field(max_length=40)  # planning | mid_year | end_of_year | one_to_one | split_second_half
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    minutes: int = 60
    location: str = Field(default="", max_length=300)
    status: str = Field(default="scheduled", max_length=20)  # scheduled | held | cancelled
    scheduled_by_id: int | None = Field(default=None, foreign_key="person.id")
    scheduled_at: datetime = _created()
    ics_uid: str = Field(default="", max_length=200)
    policy_version: str = Field(default=POLICY_VERSION, max_length=40)


class PreparationAnswer(SQLModel, table=True):
    __tablename__ = "preparation_answer"
    __table_args__ = (UniqueConstraint("review_id", "side", "question_key"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    side: str = Field(max_length=20)  # colleague | reviewer
    question_key: str = Field(max_length=60)
    question: str
    answer: str = ""
    answered_at: datetime = _created()
    policy_version: str = _policy_version()


class Objective(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    number: int
    text: str
    success_criteria: str = ""
    support_needed: str = ""
    due_date: date | None = None
    kinds: list[str] = _json()  # leadership | team | academy | ways_of_being_coop (6.4)
    agreement: str = Field(default="agreed", max_length=40)  # agreed | determined_by_reviewer (6.3)
    extra_reason: str = ""  # 6.4: why a 4th objective
    smart_gaps: list[str] = _json()
    links: dict[str, str] = _json({})  # professional standards, improvement plan (6.5–6.7)
    carried_from_id: int | None = Field(default=None, foreign_key="objective.id")
    policy_version: str = Field(default=POLICY_VERSION, max_length=40)
    created_at: datetime = _created()


class Milestone(SQLModel, table=True):
    """7.3: objectives spanning cycles carry their milestones over."""

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    description: str
    due_date: date | None = None
    done: bool = False
    policy_version: str = _policy_version()


class ObjectiveProgress(SQLModel, table=True):
    """A mid-year comment or an end-of-year outcome (Met / Partially Met / Not Met)."""

    __tablename__ = "objective_progress"
    __table_args__ = (UniqueConstraint("objective_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    stage: str = Field(max_length=20)  # mid_year | end_of_year
    comment: str = ""
    outcome: str | None = Field(default=None, max_length=20)  # met | partially_met | not_met
    evidence: str = ""
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime = _created()
    policy_version: str = _policy_version()


class CoopReflection(SQLModel, table=True):
    """Annex 3: a reflection on one of the four Ways of Being Co-op in one part of the form."""

    __tablename__ = "coop_reflection"
    __table_args__ = (UniqueConstraint("review_id", "part", "way"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    part: str = Field(max_length=20)  # planning | end_of_year
    way: str = Field(max_length=40)
    text: str = ""
    policy_version: str = _policy_version()


class Signature(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "part", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=30)  # review | support_plan
    subject_id: int = Field(index=True)
    part: str = Field(max_length=30)  # planning | mid_year | end_of_year | plan | plan_review
    role: str = Field(max_length=20)  # reviewee | reviewer | colleague | manager
    person_id: int = Field(foreign_key="person.id")
    signed_at: datetime = _created()
    channel: str = Field(default="", max_length=20)
    platform_identity: str = Field(default="", max_length=200)
    policy_version: str = _policy_version()


class TrainingNeed(SQLModel, table=True):
    __tablename__ = "training_need"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    category: str = Field(max_length=2)  # 8.1 a | b | c
    description: str
    essential: bool = False  # 8.4–8.5
    funded: bool = False
    policy_version: str = _policy_version()
    created_at: datetime = _created()


class CheckIn(SQLModel, table=True):
    """3.3 wellbeing check-in. Kept apart from the performance record unless the colleague says."""

    __tablename__ = "check_in"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = _created()
    mood: int
    note: str = ""
    wants_one_to_one: bool = False
    objectives_on_track: bool | None = None
    share_with_manager: str = Field(default="nothing", max_length=20)  # nothing | mood | everything
    include_in_record: bool = False
    policy_version: str = _policy_version()


class SupportPlan(SQLModel, table=True):
    """Annex 4 support plan, or the Improvement Action Plan (kind=improvement)."""

    __tablename__ = "support_plan"
    id: int | None = Field(default=None, primary_key=True)
    colleague_id: int = Field(foreign_key="person.id", index=True)
    manager_id: int = Field(foreign_key="person.id")
    review_id: int | None = Field(default=None, foreign_key="review.id", index=True)
    kind: str = Field(default="support", max_length=20)  # support | improvement
    stage: str = Field(default="stage_1_informal", max_length=30)  # stage_1_informal | stage_2_formal
    meeting_date: date | None = None
    date_agreed: date | None = None
    revision_of_id: int | None = Field(default=None, foreign_key="support_plan.id")
    revision_note: str = ""
    status: str = Field(default="open", max_length=20)  # open | closed
    acknowledged_at: datetime | None = _dt()
    closed_at: datetime | None = _dt()
    closure_note: str = ""  # "draw a line under it"
    policy_version: str = Field(default=POLICY_VERSION, max_length=40)
    created_at: datetime = _created()


class PlanAction(SQLModel, table=True):
    __tablename__ = "plan_action"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="support_plan.id", index=True)
    number: int
    area: str  # concern / area for improvement
    required_level: str = ""
    identified_gap: str = ""
    safety_risk: bool = False
    risk_measures: str = ""
    agreed_actions: str = ""
    support: str = ""
    support_arranged_by: str = ""
    timescale: str = ""
    review_dates: list[str] = _json()  # ISO dates
    how_measured: str = ""
    date_to_achieve: date | None = None
    policy_version: str = _policy_version()


class PlanActionReview(SQLModel, table=True):
    __tablename__ = "plan_action_review"
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="plan_action.id", index=True)
    review_date: date
    outcome: str = ""
    result: str = Field(max_length=20)  # met | partially_met | not_met
    agreed_actions: str = ""
    reviewed_by_id: int | None = Field(default=None, foreign_key="person.id")
    policy_version: str = _policy_version()
    created_at: datetime = _created()


class Appeal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    colleague_id: int = Field(foreign_key="person.id", index=True)
    stage: str = Field(default="informal", max_length=30)  # informal | written | hearing_scheduled | decided | withdrawn
    concerns: str = ""
    informal_raised_on: date | None = None
    written_received_on: date | None = None  # 9.5: the 15 working days run from here
    grounds: str = ""
    handler_role: str = Field(default="", max_length=40)
    handler_id: int | None = Field(default=None, foreign_key="person.id")
    companion_name: str = Field(default="", max_length=200)  # 9.4
    companion_kind: str = Field(default="", max_length=30)  # union_rep | colleague
    hearing_at: datetime | None = _dt()
    hearing_by_id: int | None = Field(default=None, foreign_key="person.id")
    outcome: str = ""
    decided_on: date | None = None
    policy_version: str = Field(default=POLICY_VERSION, max_length=40)
    created_at: datetime = _created()


class DialogSession(SQLModel, table=True):
    """A conversation in progress. ``state`` is plain JSON; ``revision`` guards double answers."""

    __tablename__ = "dialog_session"
    __table_args__ = (Index("ix_dialog_session_person_status", "person_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    dialog_id: str = Field(max_length=60)
    dialog_version: int = 1
    subject_person_id: int | None = Field(default=None, foreign_key="person.id")
    state: dict[str, Any] = _json({})
    revision: int = 0
    status: str = Field(default="active", max_length=20)  # active | paused | done | cancelled
    channel: str = Field(default="", max_length=20)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ConversationReference(SQLModel, table=True):
    __tablename__ = "conversation_reference"
    __table_args__ = (UniqueConstraint("person_id", "channel"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=20)
    reference: dict[str, Any] = _json({})
    updated_at: datetime = _created()


class FileOffer(SQLModel, table=True):
    """A document offered in chat and not yet accepted (Teams file consent): kept here, not in memory,
    so whichever worker receives the acceptance can upload it. Deleted when accepted or declined."""

    __tablename__ = "file_offer"
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(default="", max_length=20)
    filename: str = Field(max_length=255)
    media_type: str = Field(default="application/octet-stream", max_length=120)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _created()


class Reminder(SQLModel, table=True):
    """The outbox. Planned by bot/scheduler/planner.py, delivered by dispatcher.py."""

    __table_args__ = (Index("ix_reminder_status_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=40, index=True)
    recipient_id: int = Field(foreign_key="person.id", index=True)
    subject_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    review_id: int | None = Field(default=None, foreign_key="review.id", index=True)
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    deadline: date | None = None
    clause: str = Field(default="", max_length=40)
    subject: str = Field(default="", max_length=300)
    body: str = ""
    action: str = Field(default="", max_length=60)  # the command that does what is asked
    escalation_level: int = 0
    status: str = Field(default="pending", max_length=20)  # pending | claimed | sent | cancelled | failed
    attempts: int = 0
    claimed_by: str = Field(default="", max_length=100)
    lease_until: datetime | None = _dt()
    sent_at: datetime | None = _dt()
    channel: str = Field(default="", max_length=20)
    last_error: str = ""
    created_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()
    actor_id: int | None = Field(default=None, index=True)  # no FK: survives a purge
    actor_identity: str = Field(default="", max_length=200)
    channel: str = Field(default="", max_length=20)
    action: str = Field(max_length=30)  # read | change | export | purge | import | hold
    record_type: str = Field(max_length=40)
    record_id: int | None = None
    subject_person_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = _json({})
    policy_version: str = _policy_version()


class PlanChange(SQLModel, table=True):
    """What changed for planning, per colleague: the planner replans only colleagues whose facts moved.

    ``version`` is bumped by database triggers (migration 0018_plan_change_versions) in the same
    transaction as any change to a fact the reminder rules read: the person, their reviews, the
    reviews' meetings, preparation answers, signatures, appeals and booking notices, their line
    manager, check-ins and support plans. ``planned_version`` is the version the last pass planned;
    ``replan_on`` is the day the date alone changes what their person-level reminders are (a
    check-in entering the horizon). Row 0 stands for the whole trust (organisations, role grants,
    cycles). No foreign key: the row outlives a purged person, and its next pass cancels nothing.
    """

    __tablename__ = "plan_change"
    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = 0
    planned_version: int = 0
    replan_on: date | None = None


class PlanningPass(SQLModel, table=True):
    """The last full planning pass: what an incremental pass must match to skip unchanged colleagues."""

    __tablename__ = "planning_pass"
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    fingerprint: str = Field(default="", max_length=64)  # the rules' code and the calendars (bot.scheduler.planner)
    years: str = Field(default="", max_length=100)  # the cycle years the planning span covered
    finished_at: datetime | None = _dt()


class InboundEvent(SQLModel, table=True):
    """An inbound platform event already taken (Slack ``event_id``, Teams activity id).

    The unique key is the claim: a retry of the same event, delivered to any worker on this database,
    finds its id here and is not applied again. Rows hold no personal data and live for
    ``store.repos.inbound.KEEP_FOR``; the nightly job sweeps older ones.
    """

    __tablename__ = "inbound_event"
    __table_args__ = (UniqueConstraint("platform", "event_id", name="uq_inbound_event_platform_event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    event_id: str = Field(max_length=255)
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False,
                                                                           index=True))

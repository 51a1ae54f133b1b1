"""The plain objects the repositories give back beside table rows."""


from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from store.models import (
    Appeal,
    DialogSession,
    Meeting,
    Objective,
    Organisation,
    Person,
    PreparationAnswer,
    Review,
    ReviewException,
    Signature,
)


class StaleRevision(Exception):
    """A dialog answer was applied against an old revision (double click, second worker)."""


@dataclass(frozen=True)
class PersonContext:
    """A person with what the rest of the bot needs to know about them in one object."""

    person: Person
    organisation: Organisation
    roles: frozenset[str]
    manager_ids: tuple[int, ...]
    lead_manager_id: int | None

    @property
    def id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class RosterPerson:
    """One validated roster row (bot/roster.py validates; apply_roster writes)."""

    line: int
    email: str
    name: str
    job_title: str
    organisation: str
    organisation_kind: str
    managers: tuple[str, ...]
    lead_manager: str | None
    start_date: date | None
    contract_end: date | None
    employment_type: str
    extended_agency: bool
    on_induction: bool
    in_capability: bool
    leadership_role: bool
    roles: tuple[str, ...]
    slack_user_id: str | None
    teams_user_id: str | None
    last_day: date | None
    leave_start: date | None


ROSTER_FIELDS = ("name", "job_title", "start_date", "contract_end", "employment_type", "extended_agency",
                 "on_induction", "in_capability", "leadership_role", "slack_user_id", "teams_user_id",
                 "last_day", "leave_start")


TRUST_WIDE_ROLES = ("hr_admin", "executive_leader")


@dataclass
class ReviewSnapshot:
    """Rows about a set of reviews, read together (Reviews.review_snapshot); lists keep the order the
    one-review queries give (meetings by time, appeals and answers by id, objectives by number)."""

    reviews: dict[int, Review] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)  # cycle id -> year
    people: dict[int, tuple[Person, Organisation]] = field(default_factory=dict)
    appeals: dict[int, list[Appeal]] = field(default_factory=dict)  # review id -> appeals
    signatures: dict[int, list[Signature]] = field(default_factory=dict)  # review id -> signatures
    meetings: dict[int, list[Meeting]] = field(default_factory=dict)  # review id -> meetings
    objectives: dict[int, list[Objective]] = field(default_factory=dict)  # review id -> objectives
    answers: dict[int, list[PreparationAnswer]] = field(default_factory=dict)  # review id -> both sides
    sessions: dict[int, list[DialogSession]] = field(default_factory=dict)  # person id -> active, then paused
    objective_counts: dict[int, int] = field(default_factory=dict)  # review id -> how many (rows not read)
    exceptions: dict[int, list[ReviewException]] = field(default_factory=dict)  # review id -> lifecycle exceptions

    def objective_count(self, review_id: int) -> int:
        counted = self.objective_counts.get(review_id)
        return counted if counted is not None else len(self.objectives.get(review_id, []))


@dataclass
class StatusSnapshot(ReviewSnapshot):
    """ReviewSnapshot for one person's status: their own review, the reviews they do, their direct
    reports with everyone's current review, and the appeals waiting for them."""

    own: Review | None = None
    reviewed: list[Review] = field(default_factory=list)  # reviews they do, by id
    reports: list[Person] = field(default_factory=list)  # direct reports, by name
    current: dict[int, Review] = field(default_factory=dict)  # team colleague id -> current review
    handled: list[Appeal] = field(default_factory=list)  # appeals they hear or handle, by id

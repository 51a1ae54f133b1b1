"""What the review-cycle dialogs share: finding (or opening) the colleague's review, who may act
as reviewer, local times, and auditing.

Decisions where the policy is silent:

* A colleague who is covered by the policy (1.1, 1.2) but has no review row yet gets one for the
  current academic year (3.2: September to August) the first time a review dialog needs it, with
  their lead line manager as reviewer (4.1).
* Reviewer-side dialogs (objectives, meetings, mid-year and end-of-year reviews, signing as
  reviewer) are for the colleague's reviewer, or the headteacher / executive leader who may take
  the duties on (4.2). Other line managers give input instead (4.1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot import access
from bot.dialogs.base import Ctx, Run, Step
from bot.messages import PromptKind
from bot.policy.calendar import academic_year_of
from bot.policy.deadlines import POLICY_VERSION, retain_until
from bot.policy.eligibility import RosterFacts, eligibility
from bot.policy.workdays import WorkingDays, WorkingHours
from bot.services import Services
from store.models import Person, Review, Role
from store.repos.values import PersonContext


def first_name(person: Person) -> str:
    return person.name.split(" ")[0]


def not_in_the_cycle(colleague: PersonContext, *, own: bool = False) -> str | None:
    """Why the roster keeps the colleague out of the cycle (1.1, 1.2), or None when they belong in it."""
    p = colleague.person
    verdict = eligibility(RosterFacts(p.employment_type, p.extended_agency, p.on_induction, p.in_capability,
                                      p.start_date, p.contract_end))
    if verdict.enrolled:
        return None
    who = "You aren't" if own else f"{p.name} isn't"
    return f"{who} in the performance management cycle yet. {verdict.reason} (Policy {verdict.clause})"


async def ensure_review(services: Services, colleague: PersonContext, *, own: bool = False) -> Review | str:
    """The colleague's current review, opened for this cycle if they have none; a str is a refusal."""
    repos = services.repos
    review = await repos.reviews.current_review(colleague.id)
    if review is not None:
        return review
    p = colleague.person
    outside = not_in_the_cycle(colleague, own=own)
    if outside is not None:
        return outside
    if colleague.lead_manager_id is None:
        whose = "You have" if own else f"{p.name} has"
        return (f"{whose} no line manager on the roster, so there is no reviewer yet (Policy 4.1). "
                "Please ask HR to add one.")
    year = academic_year_of(services.clock.today())
    cycle = await repos.reviews.cycle(p.organisation_id, year, create=True)
    assert cycle is not None and cycle.id is not None
    review = await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=colleague.id,
                                    reviewer_id=colleague.lead_manager_id, policy_version=POLICY_VERSION,
                                    retain_until=retain_until(year)))  # 10.3, as enrolment does
    await repos.audit.audit(actor_id=None, action="change", record_type="review", record_id=review.id,
                     subject_person_id=colleague.id, detail={"opened": year, "reason": "first review dialog"})
    return review


async def is_reviewer(services: Services, actor: PersonContext, review: Review, colleague: PersonContext) -> bool:
    """The colleague's reviewer, or the headteacher / executive leader of their organisation (4.2)."""
    if review.reviewer_id == actor.id:
        return True
    return await access._org_wide(services.repos, actor, colleague.person.organisation_id,
                                  roles=(Role.HEADTEACHER, Role.EXECUTIVE_LEADER))


async def reviewer_refusal(services: Services, actor: PersonContext, review: Review,
                           colleague: PersonContext, what: str) -> str | None:
    """None when the actor may do reviewer work on this review, else why not (4.1, 4.2, 10.1)."""
    if await is_reviewer(services, actor, review, colleague):
        return None
    reviewer = await services.repos.people.person(review.reviewer_id) if review.reviewer_id else None
    who = reviewer.name if reviewer else "their reviewer"
    if actor.id in colleague.manager_ids:
        return (f"{who} is {colleague.person.name}'s reviewer (their lead line manager, Policy 4.1), so "
                f"{what} is for them. They'll ask for your input; you can give it with “prep "
                f"{first_name(colleague.person)}” when they do.")
    return f"Only {colleague.person.name}'s reviewer can do {what} (Policy 4.1, 10.1)."


def working_hours(person: Person, timezone: str) -> WorkingHours:
    """The person's working hours (Policy 3.4) in the trust's time zone (Settings.timezone)."""
    start, end = person.working_hours_start or 8, person.working_hours_end or 17
    if not 0 <= start < end <= 23:
        start, end = 8, 17
    return WorkingHours(start=time(start), end=time(end), tz=timezone)


def workdays_for(services: Services, person: PersonContext) -> WorkingDays:
    return services.workdays_for(person.organisation.calendar_name)


def local(dt: datetime, zone: ZoneInfo) -> datetime:
    """``dt`` in the trust's time zone (``services.zone``, from Settings.timezone); naive means UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(zone)


def when_label(dt: datetime, zone: ZoneInfo) -> str:
    """'Mon 7 Dec 2026, 10:00' in the trust's time zone (UK time by default)."""
    d = local(dt, zone)
    return f"{d:%a} {d.day} {d:%b %Y}, {d:%H:%M}"


async def audit_change(run: Run, record_type: str, record_id: int | None, subject_id: int | None,
                       detail: dict[str, Any] | None = None) -> None:
    await run.services.repos.audit.audit(actor_id=run.person.id, action="change", record_type=record_type,
                                  record_id=record_id, subject_person_id=subject_id, channel=run.channel.value,
                                  actor_identity=run.platform_identity, detail=detail or {})


def subject_of(run: Run) -> PersonContext:
    assert run.subject is not None
    return run.subject


def now_utc(services: Services) -> datetime:
    return services.clock.now().astimezone(UTC)


def reviewer_confirm_step(what: str, shown: Callable[[Ctx], Sequence[Step]], clause: str) -> Step:
    """The last step of a reviewer's form: read it all back, then save and sign as reviewer."""
    from bot.dialogs.engine import summary

    return Step("confirm", lambda ctx: f"Here's {what}:\n" + summary(shown(ctx), ctx.answers, ctx) +
                "\nSay confirm to save it and sign as reviewer, or back to change something.",
                PromptKind.CONFIRM, clause=clause)

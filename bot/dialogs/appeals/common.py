"""What the appeal dialogs share (Policy 9.1-9.5, with 1.3 for central teams).

Who the written appeal goes to comes from ``bot.policy.routing.appeal_route``; here it is turned
into people from the roster. Decisions where the policy is silent:

* "Reports directly to the Headteacher" (9.3): one of the colleague's line managers holds the
  head role of the organisation (Headteacher; for a central team the Executive Leadership Team
  member, 1.3). In a central team that manager must also be at the top of the executive line
  (nobody above them holds the executive leader role): a colleague whose manager is an ELT member
  reporting to the CEO appeals to a more senior executive leader, not to the Trust Board.
* "More senior than the reviewer" (9.3): above the reviewer in their reporting line; or the chair of
  governors (the governing body outranks management for an appeal); or the head of the organisation
  when the reviewer is not a head.
* The informal step (9.1) is 10 calendar days from ``review.report_delivered_on`` (the policy
  helper's reading). After it, a written appeal is still possible: the bot says so kindly. Before
  a report is marked delivered the 10 days have not started: concerns can be raised with the
  reviewer (kind, and harmless), and a written appeal follows only after that.
* Only the person who arranged a hearing moves it or records its outcome; a chair of governors sees
  only the appeals routed to them (governors otherwise see anonymised reports, 10.1).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.dialogs.answers import show
from bot.policy.deadlines import appeal_hearing_deadline, informal_resolution_deadline
from bot.policy.routing import AppealRoute, appeal_route, can_hear_appeal, role_title
from bot.services import Services
from store.models import Appeal, Organisation, Person, Role
from store.repos.values import PersonContext
from store.unit import Repositories

OPEN_STAGES = ("informal", "written", "hearing_scheduled")
HEAD_ROLES = (Role.HEADTEACHER, Role.EXECUTIVE_LEADER)
HANDLER_ROLES = (Role.HEADTEACHER, Role.EXECUTIVE_LEADER, Role.CHAIR_OF_GOVERNORS)
COMPANION_LABELS = {"union_rep": "a union representative", "colleague": "a work colleague"}
DECISIONS = {"upheld": "Appeal upheld", "partly_upheld": "Appeal partly upheld", "not_upheld": "Appeal not upheld"}


def head_role(org: Organisation) -> str:
    return Role.HEADTEACHER if org.kind == "academy" else Role.EXECUTIVE_LEADER


def org_ids(org: Organisation) -> tuple[int, ...]:
    assert org.id is not None
    return (org.id, org.parent_id) if org.parent_id is not None else (org.id,)


async def holds(repos: Repositories, person_id: int | None, roles: tuple[str, ...], org: Organisation) -> bool:
    """Does the person hold one of these roles for the organisation (or for its trust)?"""
    if person_id is None:
        return False
    ids = org_ids(org)
    return any(g.role in roles and g.organisation_id in ids for g in await repos.people.roles_of(person_id))


async def holders(repos: Repositories, role: str, org: Organisation) -> list[Person]:
    people: dict[int, Person] = {}
    for oid in org_ids(org):
        for p in await repos.people.role_holders(role, oid):
            if p.id is not None and p.active:
                people.setdefault(p.id, p)
    return list(people.values())


async def manager_chain(repos: Repositories, person_id: int, depth: int = 10) -> list[int]:
    """Everyone above the person in their reporting line, nearest first."""
    seen: list[int] = []
    frontier = [person_id]
    for _ in range(depth):
        nxt: list[int] = []
        for pid in frontier:
            for lm in await repos.people.line_managers(pid):
                if lm.manager_id not in seen and lm.manager_id != person_id:
                    seen.append(lm.manager_id)
                    nxt.append(lm.manager_id)
        if not nxt:
            break
        frontier = nxt
    return seen


async def reports_to_head(repos: Repositories, colleague: PersonContext) -> bool:
    org = colleague.organisation
    role = head_role(org)
    for manager_id in colleague.manager_ids:
        if not await holds(repos, manager_id, (role,), org):
            continue
        if org.kind == "academy":
            return True
        above = [m.manager_id for m in await repos.people.line_managers(manager_id)]
        if not [m for m in above if await holds(repos, m, (Role.EXECUTIVE_LEADER,), org)]:
            return True
    return False


async def more_senior(repos: Repositories, hearer_id: int, reviewer_id: int | None, org: Organisation) -> bool:
    if reviewer_id is None:
        return await holds(repos, hearer_id, HANDLER_ROLES, org)
    if hearer_id in await manager_chain(repos, reviewer_id):
        return True
    if await holds(repos, hearer_id, (Role.CHAIR_OF_GOVERNORS,), org):
        return True
    return await holds(repos, hearer_id, HEAD_ROLES, org) and not await holds(repos, reviewer_id, HEAD_ROLES, org)


async def hearing_refusal(repos: Repositories, hearer_id: int, reviewer_id: int | None, org: Organisation) -> str | None:
    """None if this person may hear the appeal; else the 9.3 reason."""
    ok, message = can_hear_appeal(hearer_id == reviewer_id, await more_senior(repos, hearer_id, reviewer_id, org))
    return None if ok else message


async def route_for(repos: Repositories, colleague: PersonContext, reviewer_id: int | None) -> tuple[AppealRoute, list[Person]]:
    """Where the written appeal goes, and the people who hold that role (never the reviewer)."""
    org = colleague.organisation
    route = appeal_route(await reports_to_head(repos, colleague), org.kind)
    people = [p for p in await holders(repos, route.handler_role, org) if p.id not in (colleague.id, reviewer_id)]
    senior = [p for p in people if await more_senior(repos, p.id, reviewer_id, org)]  # type: ignore[arg-type]
    chain = await manager_chain(repos, reviewer_id) if reviewer_id else []
    ranked = sorted(senior or people, key=lambda p: chain.index(p.id) if p.id in chain else len(chain))
    return route, ranked


def handler_title(route: AppealRoute, org: Organisation) -> str:
    return role_title(route.handler_role, org.kind)


def hearing_deadline(services: Services, org: Organisation, received: date) -> date:
    return appeal_hearing_deadline(received, services.workdays_for(org.calendar_name)).due


def closed_days(services: Services, org: Organisation, start: date, end: date) -> dict[str, str]:
    """Non-working days from start to end with the reason, for a validator that has no services."""
    workdays = services.workdays_for(org.calendar_name)
    out: dict[str, str] = {}
    d = start
    while d <= end:
        why = workdays.why_not_working(d)
        if why:
            out[d.isoformat()] = why
        d += timedelta(days=1)
    return out


def local_zone(services: Services) -> ZoneInfo:
    return services.zone


def as_local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone)


async def colleague_view(services: Services, person: PersonContext) -> dict[str, Any]:
    """The colleague's own appeal position: review, report date, 9.1 window, open appeal."""
    repos = services.repos
    review = await repos.reviews.current_review(person.id)
    if review is None:
        return {}
    reviewer_id = review.reviewer_id or person.lead_manager_id
    reviewer = await repos.people.person(reviewer_id) if reviewer_id else None
    delivered = review.report_delivered_on
    informal_by = informal_resolution_deadline(delivered).due if delivered else None
    appeal = await repos.appeals.open_appeal(review.id)  # type: ignore[arg-type]
    return {
        "review_id": review.id, "reviewer_id": reviewer_id, "reviewer": reviewer.name if reviewer else "your reviewer",
        "delivered": delivered.isoformat() if delivered else None,
        "informal_by": informal_by.isoformat() if informal_by else None,
        "late": bool(informal_by and services.clock.today() > informal_by),
        "appeal": _appeal_json(appeal) if appeal else None,
    }


def _appeal_json(appeal: Appeal) -> dict[str, Any]:
    return {"id": appeal.id, "stage": appeal.stage,
            "received": appeal.written_received_on.isoformat() if appeal.written_received_on else None,
            "hearing_at": appeal.hearing_at.isoformat() if appeal.hearing_at else None,
            "handler_id": appeal.handler_id}


def window_note(view: dict[str, Any]) -> str:
    """The 9.1 note: how long is left to raise concerns informally, or, kindly, that it has passed."""
    if not view.get("delivered"):
        return ("Your performance management report isn't marked as delivered yet, so the 10 days of Policy 9.1 "
                "haven't started. You can still talk to your reviewer now.")
    delivered, by = show(view["delivered"]), show(view["informal_by"])
    if view.get("late"):
        return (f"You received your report on {delivered}, so the 10 days for sorting it out informally with "
                f"{view['reviewer']} ended on {by} (Policy 9.1). That's okay: you can still appeal in writing "
                "(Policy 9.2), or talk to your reviewer anyway.")
    return (f"You received your report on {delivered}. Policy 9.1 asks you first to raise your concerns with "
            f"{view['reviewer']} directly, by {by}; most disagreements are settled that way.")


async def appeals_i_handle(services: Services, person: PersonContext, stages: tuple[str, ...]) -> list[Appeal]:
    """Appeals routed to this person, or in an organisation where they are head or executive leader.

    A chair of governors sees only the appeals routed to them (9.3): governors otherwise see
    anonymised reports only (10.1)."""
    repos = services.repos
    found = {a.id: a for a in await repos.appeals.appeals_handled_by(person.id, stages)}
    orgs: set[int] = set()
    for grant in await repos.people.roles_of(person.id):
        if grant.role in HEAD_ROLES:
            orgs.update(o.id for o in await repos.appeals.organisations_under(grant.organisation_id) if o.id is not None)
    for a in await repos.appeals.appeals_in(sorted(orgs), stages):
        found.setdefault(a.id, a)
    return [a for a in found.values() if a.colleague_id != person.id]

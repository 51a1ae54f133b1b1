"""Who may read or change what (Policy 10.1, 10.2, 10.4). Every command, dialog and export asks here.

- the colleague: their own records (10.2: the reviewee gets a copy of their form);
- their reviewer and line managers: the colleague's review records (10.2);
- the headteacher: everyone in their organisation (4.1, 4.2);
- the executive leader: the central team (1.3); a grant on the trust covers its academies too;
- HR admins: their organisation, for administration and retention (10.3): reading a record,
  subject access, the audit log, legal holds and the purge; they do not run manager dialogs;
- governors and the chair: anonymised reports only (11.3); never a named record.

Wellbeing check-ins (3.3) are the colleague's own: a manager sees only what the colleague chose
to share when they checked in, so reading the stored check-ins is for the colleague and, for a
subject access request or retention, HR.

A grant on an organisation's parent (the trust) covers the organisation. Every decision the
CLI or a dialog acts on is written to the audit log with :func:`record` (10.1).
"""

from __future__ import annotations

from typing import Any

from store.models import Person, Role
from store.repos.values import PersonContext
from store.unit import Repositories

ORG_WIDE_ROLES = (Role.HEADTEACHER, Role.HR_ADMIN, Role.EXECUTIVE_LEADER)
GOVERNOR_ROLES = (Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS)
CLAUSE = "10.1"


class AccessDenied(Exception):
    """Raised by :func:`authorise`; the message says why (with its clause) and what to do instead."""

    def __init__(self, message: str, clause: str = CLAUSE) -> None:
        super().__init__(message)
        self.message = message
        self.clause = clause


async def subjects_for(repos: Repositories, actor: PersonContext) -> list[Person]:
    """Colleagues the actor reviews or line-manages, for a picker."""
    people = {p.id: p for p in await repos.people.direct_reports(actor.id)}
    reviewee_ids = [r.colleague_id for r in await repos.reviews.reviews_by_reviewer(actor.id)]
    for pid, person in (await repos.people.people(reviewee_ids)).items():
        people.setdefault(pid, person)
    people.pop(actor.id, None)
    return sorted((p for p in people.values() if p.active), key=lambda p: p.name)


async def readable_subjects(repos: Repositories, actor: PersonContext) -> list[Person]:
    """Colleagues whose records the actor may read: their own reports and reviewees, and everyone in
    the organisations where they are headteacher, HR admin or executive leader (for pickers)."""
    people = {p.id: p for p in await subjects_for(repos, actor)}
    for org_id in await organisations_with(repos, actor, ORG_WIDE_ROLES):
        for p in await repos.people.people_in(org_id):
            people.setdefault(p.id, p)
    people.pop(actor.id, None)
    return sorted(people.values(), key=lambda p: p.name)


async def may_manage(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    """May the actor run manager dialogs (objectives, meetings, plans) for this colleague?"""
    if subject_id == actor.id:
        return False
    subject = await repos.people.context(subject_id)
    if subject is None:
        return False
    if actor.id in subject.manager_ids:
        return True
    review = await repos.reviews.current_review(subject_id)
    if review is not None and review.reviewer_id == actor.id:
        return True
    return await _org_wide(repos, actor, subject.person.organisation_id, roles=(Role.HEADTEACHER,
                                                                              Role.EXECUTIVE_LEADER))


async def may_read_record(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    """May the actor read the colleague's performance record (10.1, 10.2)?"""
    if subject_id == actor.id:
        return True
    if await may_manage(repos, actor, subject_id):
        return True
    subject = await repos.people.context(subject_id)
    return subject is not None and await _org_wide(repos, actor, subject.person.organisation_id,
                                                   roles=ORG_WIDE_ROLES)


async def may_export(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    """Exporting a form or plan is reading it (10.2): the same people, and it is audited."""
    return await may_read_record(repos, actor, subject_id)


async def may_read_checkins(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    """Stored wellbeing check-ins (3.3): the colleague, or their organisation's HR admin."""
    return subject_id == actor.id or await _hr_for_person(repos, actor, subject_id)


async def may_subject_access(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    """A subject access export (the whole record in one zip): the colleague or HR (10.1)."""
    return subject_id == actor.id or await _hr_for_person(repos, actor, subject_id)


async def may_audit(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    """Who read or changed a colleague's record: HR admins of the colleague's organisation (10.1)."""
    return await _hr_for_person(repos, actor, subject_id)


async def may_hold(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    """Placing or releasing a legal hold that stops the retention purge (10.3): HR admins."""
    return await _hr_for_person(repos, actor, subject_id)


async def may_administer(repos: Repositories, actor: PersonContext, organisation_id: int) -> bool:
    """HR administration and retention for an organisation (10.3)."""
    return await _org_wide(repos, actor, organisation_id, roles=(Role.HR_ADMIN,))


async def may_see_overview(repos: Repositories, actor: PersonContext, organisation_id: int) -> bool:
    return await _org_wide(repos, actor, organisation_id, roles=ORG_WIDE_ROLES)


async def may_see_governors_report(repos: Repositories, actor: PersonContext, organisation_id: int) -> bool:
    return await _org_wide(repos, actor, organisation_id, roles=(*ORG_WIDE_ROLES, Role.GOVERNOR,
                                                                Role.CHAIR_OF_GOVERNORS))


async def organisations_with(repos: Repositories, actor: PersonContext, roles: tuple[str, ...]) -> list[int]:
    """Ids of organisations where the actor holds one of ``roles`` (a trust grant covers its children)."""
    granted = {g.organisation_id for g in await repos.people.roles_of(actor.id) if g.role in roles}
    if not granted:
        return []
    return sorted(o.id for o in await repos.people.organisations()
                  if o.id is not None and (o.id in granted or o.parent_id in granted))


async def purge_scope(repos: Repositories, actor: PersonContext) -> list[int]:
    """Organisations whose reviews this HR admin may purge (10.3)."""
    return await organisations_with(repos, actor, (Role.HR_ADMIN,))


# --- one door for every caller ---------------------------------------------------------------

_SUBJECT_CHECKS = {
    "read_record": may_read_record,
    "export": may_export,
    "manage": may_manage,
    "read_checkins": may_read_checkins,
    "subject_access": may_subject_access,
    "audit": may_audit,
    "hold": may_hold,
}
_ORG_CHECKS = {
    "administer": may_administer,
    "purge": may_administer,
    "overview": may_see_overview,
    "governors_report": may_see_governors_report,
}
_REFUSALS = {
    "read_record": "Only the colleague, their reviewer and line managers, their headteacher and HR can see "
                   "a colleague's review record (Policy 10.1, 10.2).",
    "export": "You can export your own form, or the form of a colleague you review or manage "
              "(or, for headteachers and HR, anyone in your organisation) (Policy 10.2).",
    "manage": "You can only do that for colleagues you review or manage (Policy 10.1).",
    "read_checkins": "Wellbeing check-ins belong to the colleague; a manager sees only what the colleague "
                     "chose to share (Policy 3.3, 10.1).",
    "subject_access": "A full copy of someone's record is for the colleague themselves or HR "
                      "(Policy 10.1). Please ask your HR admin.",
    "audit": "The audit log is for HR admins of the colleague's organisation (Policy 10.1).",
    "hold": "Legal holds are placed and released by HR admins of the colleague's organisation (Policy 10.3).",
    "administer": "That is for HR admins of the organisation (Policy 10.3).",
    "purge": "The retention purge is run by HR admins of the organisation (Policy 10.3).",
    "overview": "The overview is for the headteacher, HR admins and the executive leader of the "
                "organisation (Policy 10.1).",
    "governors_report": "The governors' report is for the headteacher, HR, the executive leader and "
                        "governors of the organisation (Policy 11.3).",
}
_CLAUSES = {"read_checkins": "3.3", "hold": "10.3", "administer": "10.3", "purge": "10.3",
            "governors_report": "11.3", "export": "10.2"}


async def allowed(repos: Repositories, actor: PersonContext, action: str, *, subject_id: int | None = None,
                  organisation_id: int | None = None) -> bool:
    if action in _SUBJECT_CHECKS:
        if subject_id is None:
            raise ValueError(f"{action} needs a subject_id")
        return await _SUBJECT_CHECKS[action](repos, actor, subject_id)
    if action in _ORG_CHECKS:
        if organisation_id is None:
            raise ValueError(f"{action} needs an organisation_id")
        return await _ORG_CHECKS[action](repos, actor, organisation_id)
    raise ValueError(f"unknown access action {action!r}")


async def authorise(repos: Repositories, actor: PersonContext, action: str, *, subject_id: int | None = None,
                    organisation_id: int | None = None, channel: str = "", identity: str = "") -> None:
    """Raise :class:`AccessDenied` unless the actor may do ``action``; a refusal is audited too."""
    if await allowed(repos, actor, action, subject_id=subject_id, organisation_id=organisation_id):
        return
    await repos.audit.audit(actor_id=actor.id, action="refused", record_type=action, subject_person_id=subject_id,
                     channel=channel, actor_identity=identity,
                     detail={"organisation_id": organisation_id} if organisation_id else {})
    raise AccessDenied(_REFUSALS[action], _CLAUSES.get(action, CLAUSE))


async def record(repos: Repositories, actor: PersonContext | None, action: str, record_type: str, *,
                 record_id: int | None = None, subject_id: int | None = None, channel: str = "",
                 identity: str = "", detail: dict[str, Any] | None = None) -> None:
    """Write one audit event: who, what, when, through which channel and platform identity (10.1)."""
    await repos.audit.audit(actor_id=actor.id if actor else None, action=action, record_type=record_type,
                     record_id=record_id, subject_person_id=subject_id, channel=channel,
                     actor_identity=identity, detail=detail)


async def _hr_for_person(repos: Repositories, actor: PersonContext, subject_id: int) -> bool:
    subject = await repos.people.person(subject_id)
    return subject is not None and await may_administer(repos, actor, subject.organisation_id)


async def _org_wide(repos: Repositories, actor: PersonContext, organisation_id: int, roles: tuple[str, ...]) -> bool:
    grants = await repos.people.roles_of(actor.id)
    if any(g.role in roles and g.organisation_id == organisation_id for g in grants):
        return True
    # a grant on the trust covers its academies and central team
    org = await repos.people.organisation(organisation_id)
    return org is not None and org.parent_id is not None and any(
        g.role in roles and g.organisation_id == org.parent_id for g in grants)

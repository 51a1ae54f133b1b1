"""Who may read or change what (Policy 10.1, 10.2, 10.4). Every command, dialog and export asks here.

- the colleague: their own records;
- their reviewer and line managers: the colleague's review records;
- the headteacher and HR admins: everyone in their organisation (HR for administration and retention);
- the executive leader: the central team (1.3);
- governors and the chair: anonymised reports only.
"""

from __future__ import annotations

from store.models import Person, Role
from store.repo import PersonContext, Repo

ORG_WIDE_ROLES = (Role.HEADTEACHER, Role.HR_ADMIN, Role.EXECUTIVE_LEADER)


async def subjects_for(repo: Repo, actor: PersonContext) -> list[Person]:
    """Colleagues the actor reviews or line-manages, for a picker."""
    people = {p.id: p for p in await repo.direct_reports(actor.id)}
    reviewee_ids = [r.colleague_id for r in await repo.reviews_by_reviewer(actor.id)]
    for pid, person in (await repo.people(reviewee_ids)).items():
        people.setdefault(pid, person)
    people.pop(actor.id, None)
    return sorted((p for p in people.values() if p.active), key=lambda p: p.name)


async def may_manage(repo: Repo, actor: PersonContext, subject_id: int) -> bool:
    """May the actor run manager dialogs (objectives, meetings, plans) for this colleague?"""
    if subject_id == actor.id:
        return False
    subject = await repo.context(subject_id)
    if subject is None:
        return False
    if actor.id in subject.manager_ids:
        return True
    review = await repo.current_review(subject_id)
    if review is not None and review.reviewer_id == actor.id:
        return True
    return await _org_wide(repo, actor, subject.person.organisation_id, roles=(Role.HEADTEACHER,
                                                                              Role.EXECUTIVE_LEADER))


async def may_read_record(repo: Repo, actor: PersonContext, subject_id: int) -> bool:
    """May the actor read the colleague's performance record (10.1, 10.2)?"""
    if subject_id == actor.id:
        return True
    if await may_manage(repo, actor, subject_id):
        return True
    subject = await repo.context(subject_id)
    return subject is not None and await _org_wide(repo, actor, subject.person.organisation_id,
                                                   roles=ORG_WIDE_ROLES)


async def may_administer(repo: Repo, actor: PersonContext, organisation_id: int) -> bool:
    """HR administration and retention for an organisation (10.3)."""
    return await _org_wide(repo, actor, organisation_id, roles=(Role.HR_ADMIN,))


async def may_see_overview(repo: Repo, actor: PersonContext, organisation_id: int) -> bool:
    return await _org_wide(repo, actor, organisation_id, roles=ORG_WIDE_ROLES)


async def may_see_governors_report(repo: Repo, actor: PersonContext, organisation_id: int) -> bool:
    return await _org_wide(repo, actor, organisation_id, roles=(*ORG_WIDE_ROLES, Role.GOVERNOR,
                                                                Role.CHAIR_OF_GOVERNORS))


async def _org_wide(repo: Repo, actor: PersonContext, organisation_id: int, roles: tuple[str, ...]) -> bool:
    grants = await repo.roles_of(actor.id)
    if any(g.role in roles and g.organisation_id == organisation_id for g in grants):
        return True
    # a grant on the trust covers its academies and central team
    org = await repo.organisation(organisation_id)
    return org is not None and org.parent_id is not None and any(
        g.role in roles and g.organisation_id == org.parent_id for g in grants)

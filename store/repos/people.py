"""Organisations and people: the roster, platform ids, line management, roles, a person's context."""


from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import select

from store.models import (
    DialogSession,
    LineManagement,
    Organisation,
    Person,
    RoleGrant,
)
from store.repos.base import (
    RepoBase,
    _context_of,
    _now,
)
from store.repos.statements import platform_key
from store.repos.values import (
    ROSTER_FIELDS,
    TRUST_WIDE_ROLES,
    PersonContext,
    RosterPerson,
)


class People(RepoBase):
    async def organisations(self) -> list[Organisation]:
        async with self.db.session() as s:
            return list((await s.exec(select(Organisation).order_by(Organisation.name))).all())

    async def organisation_by_name(self, name: str) -> Organisation | None:
        async with self.db.session() as s:
            return (await s.exec(select(Organisation).where(Organisation.name == name))).first()

    async def organisation(self, org_id: int) -> Organisation | None:
        async with self.db.session() as s:
            return await s.get(Organisation, org_id)

    async def upsert_organisation(self, name: str, kind: str, parent_id: int | None = None) -> Organisation:
        async with self.db.transaction() as s:
            org = (await s.exec(select(Organisation).where(Organisation.name == name))).first()
            if org is None:
                org = Organisation(name=name, kind=kind, parent_id=parent_id)
                s.add(org)
            else:
                org.kind = kind
                if parent_id is not None:
                    org.parent_id = parent_id
            await s.flush()
            return org

    async def person(self, person_id: int) -> Person | None:
        async with self.db.session() as s:
            return await s.get(Person, person_id)

    async def people(self, ids: Iterable[int]) -> dict[int, Person]:
        ids = list(set(ids))
        if not ids:
            return {}
        async with self.db.session() as s:
            rows = (await s.exec(select(Person).where(Person.id.in_(ids)))).all()  # type: ignore[union-attr]
            return {p.id: p for p in rows if p.id is not None}

    async def person_by_email(self, email: str) -> Person | None:
        async with self.db.session() as s:
            return (await s.exec(select(Person).where(func.lower(Person.email) == email.strip().lower()))).first()

    async def person_by_slack_id(self, slack_user_id: str) -> Person | None:
        async with self.db.session() as s:
            return (await s.exec(select(Person).where(Person.slack_user_id == slack_user_id))).first()

    async def person_by_teams_id(self, teams_user_id: str) -> Person | None:
        async with self.db.session() as s:
            return (await s.exec(select(Person).where(Person.teams_user_id == teams_user_id))).first()

    async def link_platform_id(self, person_id: int, channel: str, platform_user_id: str) -> None:
        """Remember a platform id found by email lookup, so the next message needs no lookup."""
        column = {"slack": "slack_user_id", "teams": "teams_user_id"}[channel]
        async with self.db.transaction() as s:
            await s.execute(update(Person).where(Person.id == person_id).values({column: platform_user_id}))  # type: ignore[call-overload]

    async def people_in(self, organisation_id: int | None = None, *, active_only: bool = True) -> list[Person]:
        async with self.db.session() as s:
            q = select(Person).order_by(Person.name)
            if organisation_id is not None:
                q = q.where(Person.organisation_id == organisation_id)
            if active_only:
                q = q.where(Person.active == True)  # noqa: E712
            return list((await s.exec(q)).all())

    async def all_people(self) -> list[Person]:
        return await self.people_in(None, active_only=False)

    async def save_person(self, person: Person) -> Person:
        async with self.db.transaction() as s:
            person.updated_at = _now()
            merged = await s.merge(person)
            await s.flush()
            return merged

    async def context(self, person_id: int) -> PersonContext | None:
        async with self.db.session() as s:
            return (await _context_of(s, "id", person_id))[0]

    async def context_by_platform_id(self, channel: str, platform_user_id: str) -> PersonContext | None:
        """The person a Slack or Teams user id (or, for any other channel, an email) belongs to, with their
        context, in one query."""
        async with self.db.session() as s:
            return (await _context_of(s, *platform_key(channel, platform_user_id)))[0]

    async def context_and_session(self, channel: str,
                                  platform_user_id: str) -> tuple[PersonContext | None, DialogSession | None]:
        """What every turn starts with, in one query: context_by_platform_id and the person's
        active_session."""
        async with self.db.session() as s:
            return await _context_of(s, *platform_key(channel, platform_user_id), with_session=True)

    async def line_managers(self, report_id: int) -> list[LineManagement]:
        async with self.db.session() as s:
            return list((await s.exec(select(LineManagement).where(LineManagement.report_id == report_id))).all())

    async def lead_managers(self) -> dict[int, int]:
        """report id -> lead line manager id (the first manager where none is marked lead)."""
        out: dict[int, int] = {}
        async with self.db.session() as s:
            for lm in (await s.exec(select(LineManagement).order_by(LineManagement.id))).all():
                if lm.is_lead:
                    out[lm.report_id] = lm.manager_id
                else:
                    out.setdefault(lm.report_id, lm.manager_id)
        return out

    async def direct_reports(self, manager_id: int) -> list[Person]:
        async with self.db.session() as s:
            q = (select(Person).join(LineManagement, LineManagement.report_id == Person.id)
                 .where(LineManagement.manager_id == manager_id).order_by(Person.name))
            return list((await s.exec(q)).all())

    async def set_line_managers(self, report_id: int, managers: Sequence[tuple[int, bool]]) -> None:
        async with self.db.transaction() as s:
            await s.execute(delete(LineManagement).where(LineManagement.report_id == report_id))  # type: ignore[call-overload]
            for manager_id, is_lead in managers:
                s.add(LineManagement(manager_id=manager_id, report_id=report_id, is_lead=is_lead))

    async def role_holders(self, role: str, organisation_id: int) -> list[Person]:
        async with self.db.session() as s:
            q = (select(Person).join(RoleGrant, RoleGrant.person_id == Person.id)
                 .where(RoleGrant.role == role, RoleGrant.organisation_id == organisation_id))
            return list((await s.exec(q)).all())

    async def roles_of(self, person_id: int) -> list[RoleGrant]:
        async with self.db.session() as s:
            return list((await s.exec(select(RoleGrant).where(RoleGrant.person_id == person_id))).all())

    async def set_roles(self, person_id: int, roles: Sequence[tuple[str, int]]) -> None:
        async with self.db.transaction() as s:
            await s.execute(delete(RoleGrant).where(RoleGrant.person_id == person_id))  # type: ignore[call-overload]
            for role, org_id in roles:
                s.add(RoleGrant(person_id=person_id, role=role, organisation_id=org_id))

    async def apply_roster(self, rows: Sequence[RosterPerson],
                           on_progress: Any = None) -> dict[str, int]:
        """Write a validated roster in one transaction; the same file twice changes nothing."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        unchanged: set[str] = set()
        async with self.db.transaction() as s:
            orgs = {o.name: o for o in (await s.exec(select(Organisation))).all()}
            for r in rows:
                org = orgs.get(r.organisation)
                if org is None:
                    org = Organisation(name=r.organisation, kind=r.organisation_kind)
                    s.add(org)
                    orgs[r.organisation] = org
                elif org.kind != r.organisation_kind:
                    org.kind = r.organisation_kind
            await s.flush()
            trusts = [o for o in orgs.values() if o.kind == "trust"]
            if len(trusts) == 1:
                for o in orgs.values():
                    if o.kind != "trust" and o.parent_id is None:
                        o.parent_id = trusts[0].id
            people = {p.email.lower(): p for p in (await s.exec(select(Person))).all()}
            for i, r in enumerate(rows, 1):
                org = orgs[r.organisation]
                person = people.get(r.email)
                values = {f: getattr(r, f) for f in ROSTER_FIELDS}
                if person is None:
                    person = Person(email=r.email, organisation_id=org.id, **values)  # type: ignore[arg-type]
                    s.add(person)
                    people[r.email] = person
                    counts["created"] += 1
                else:
                    changed = person.organisation_id != org.id or not person.active or any(
                        getattr(person, f) != v for f, v in values.items())
                    if changed:
                        for f, v in values.items():
                            setattr(person, f, v)
                        person.organisation_id, person.active, person.updated_at = org.id, True, _now()  # type: ignore[assignment]
                        counts["updated"] += 1
                    else:
                        counts["unchanged"] += 1
                        unchanged.add(r.email)
                if on_progress is not None and i % 200 == 0:
                    on_progress(i // 2)
            await s.flush()
            ids = [people[r.email].id for r in rows]
            existing_lm: dict[int, set[tuple[int, bool]]] = {}
            for lm in (await s.exec(select(LineManagement).where(LineManagement.report_id.in_(ids)))).all():  # type: ignore[union-attr]
                existing_lm.setdefault(lm.report_id, set()).add((lm.manager_id, lm.is_lead))
            existing_roles: dict[int, set[tuple[str, int]]] = {}
            for g in (await s.exec(select(RoleGrant).where(RoleGrant.person_id.in_(ids)))).all():  # type: ignore[union-attr]
                existing_roles.setdefault(g.person_id, set()).add((g.role, g.organisation_id))
            touched: set[int] = set()
            for i, r in enumerate(rows, 1):
                person = people[r.email]
                pid = person.id
                assert pid is not None
                wanted_lm = {(people[m].id, m == r.lead_manager) for m in r.managers}
                if wanted_lm != existing_lm.get(pid, set()):
                    await s.execute(delete(LineManagement).where(LineManagement.report_id == pid))
                    s.add_all(LineManagement(manager_id=m, report_id=pid, is_lead=lead) for m, lead in wanted_lm)  # type: ignore[arg-type]
                    touched.add(pid)
                org = orgs[r.organisation]
                home = org.parent_id if org.kind in ("central", "trust") and org.parent_id else org.id
                wanted_roles = {(role, home if role in TRUST_WIDE_ROLES else org.id) for role in r.roles}
                if wanted_roles != existing_roles.get(pid, set()):
                    await s.execute(delete(RoleGrant).where(RoleGrant.person_id == pid))
                    s.add_all(RoleGrant(person_id=pid, role=role, organisation_id=o) for role, o in wanted_roles)  # type: ignore[arg-type]
                    touched.add(pid)
                if on_progress is not None and i % 200 == 0:
                    on_progress(len(rows) // 2 + i // 2)
            # a person whose managers or roles changed (and nothing else) was "updated", not "unchanged"
            relinked = sum(1 for r in rows if people[r.email].id in touched and r.email in unchanged)
            counts["unchanged"] -= relinked
            counts["updated"] += relinked
        return counts

"""Who is in the cycle (Policy 1.1, 1.2): roster flags decide; excluded people get no review.

Run after every roster import and by the nightly planning pass, so a colleague is enrolled
automatically when their induction or capability procedure ends.
"""

from __future__ import annotations

from typing import Any

from bot.policy.calendar import academic_year_of
from bot.policy.deadlines import retain_until
from bot.policy.eligibility import Eligibility, RosterFacts, eligibility
from store.models import Person


def facts(person: Person) -> RosterFacts:
    return RosterFacts(employment_type=person.employment_type, extended_agency=person.extended_agency,
                       on_induction=person.on_induction, in_capability=person.in_capability,
                       start_date=person.start_date, contract_end=person.contract_end)


def eligibility_of(person: Person) -> Eligibility:
    return eligibility(facts(person))


async def enrol_all(app: Any) -> int:
    """Give every eligible colleague a review in the current cycle; returns how many were created."""
    repos = app.repos
    year = academic_year_of(app.clock.today())
    wanted = []
    leads = await repos.people.lead_managers()
    for person in await repos.people.people_in(None):
        if person.id is None or not eligibility_of(person).enrolled:
            continue
        lead = leads.get(person.id)
        if lead is None:
            continue  # no one to review them: shown in the overview, not enrolled
        wanted.append((person.id, person.organisation_id, lead, retain_until(year)))
    return await repos.reviews.ensure_reviews(wanted, year)

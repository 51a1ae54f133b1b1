"""A colleague with no review yet gets one the first time they need it; those the policy excludes are told why."""

from __future__ import annotations

from datetime import date

from bot.app import App
from store.models import Person
from tests.dialogs.review.conftest import PRIYA, Say, person_id, text_of

FRAN = "fran.gray@hillside.example"  # on induction (Policy 1.1)


async def test_a_new_colleague_gets_a_review_with_their_lead_manager_as_reviewer(demo_app: App, say: Say) -> None:
    priya = await demo_app.repos.people.person_by_email(PRIYA)
    assert priya is not None and priya.id is not None
    pat = await demo_app.repos.people.save_person(Person(email="pat.new@hillside.example", name="Pat New",
                                                 job_title="Midday Supervisor", organisation_id=priya.organisation_id,
                                                 start_date=date(2026, 9, 1)))
    assert pat.id is not None
    await demo_app.repos.people.set_line_managers(pat.id, [(priya.id, True)])
    assert await demo_app.repos.reviews.current_review(pat.id) is None
    assert "Have you achieved the objectives set?" in text_of(await say("pat.new@hillside.example", "prep"))
    review = await demo_app.repos.reviews.current_review(pat.id)
    assert review is not None and review.reviewer_id == priya.id
    assert review.retain_until == date(2032, 8, 31) and review.policy_version == "2019-07-25"
    assert any(e.record_type == "review" and e.detail.get("opened") == 2026
               for e in await demo_app.repos.audit.audit_events(pat.id))


async def test_a_colleague_on_induction_is_told_the_policy_does_not_cover_them_yet(demo_app: App, say: Say) -> None:
    refused = text_of(await say(FRAN, "prep"))
    assert "You aren't in the performance management cycle yet" in refused and "induction" in refused
    assert "Policy 1.1" in refused
    assert await demo_app.repos.reviews.current_review(await person_id(demo_app, FRAN)) is None
    assert "Fran Gray isn't in the performance management cycle yet" in text_of(await say(PRIYA, "objectives fran"))


async def test_fran_on_induction_asking_status_is_told_why_and_when_she_joins(demo_app: App, say: Say) -> None:
    """A teaching assistant on induction asks status: the real reason, said to her, not "ask HR" (1.1)."""
    reply = text_of(await say(FRAN, "status"))
    assert "You aren't in the performance management cycle yet" in reply
    assert "induction" in reply and "automatically" in reply and "Policy 1.1" in reply
    assert " they " not in f" {reply} "
    assert await demo_app.repos.reviews.current_review(await person_id(demo_app, FRAN)) is None

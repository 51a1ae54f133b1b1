"""Demo-trust state that gives every reminder kind something to say (called by bot.demo.seed_demo).

On top of the lead's demo, all at Co-op Academy Riverside (Hillside is the dialogs' stage): Omar
Aziz received last year's report on 5 Oct (9.1) and, with ``appeal=True``, has appealed in writing
(9.5; off in the shared demo, whose appeal-dialog tests expect no appeal to be open); Tom Reed has a support plan
with two review dates (Annex 4); Nina Ross's review was delegated by the headteacher to Lucy Moss
(4.2), so it is in the moderation sample (4.4); Lucy Moss has a 2021-22 form whose retention ends
on 31 August 2027 (10.3). Idempotent: does nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.policy.deadlines import retain_until
from store.models import Appeal, PlanAction, Review, ReviewStage, SupportPlan


async def add_reminder_scenarios(app: Any, *, appeal: bool = False) -> None:
    repos = app.repos
    today: date = app.clock.today()
    people = {p.email: p for p in await repos.people.all_people()}

    def person(email: str) -> Any:
        return people.get(email)

    omar, lucy, ravi = (person("omar.aziz@riverside.example"), person("lucy.moss@riverside.example"),
                        person("ravi.singh@riverside.example"))
    if omar and lucy and ravi:
        cycle = await repos.reviews.cycle(omar.organisation_id, 2025, create=True)
        last = await repos.reviews.review_for(omar.id, cycle.id)
        if last is None:
            last = await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=omar.id, reviewer_id=lucy.id,
                                          stage=ReviewStage.CLOSED, retain_until=retain_until(2025),
                                          eoy_performing_expected=False, eoy_comments="Two objectives not met.",
                                          report_delivered_on=date(2026, 10, 5)))
        if appeal and not await repos.planning.appeals_of_reviews([last.id]):
            await repos.appeals.save_appeal(Appeal(review_id=last.id, colleague_id=omar.id, stage="written",
                                   concerns="The library move took most of the spring and was not taken into account.",
                                   informal_raised_on=date(2026, 10, 9), written_received_on=today - timedelta(days=4),
                                   handler_role="headteacher", handler_id=ravi.id,
                                   grounds="Evidence not taken into account (Policy 7.1)."))

    tom = person("tom.reed@riverside.example")
    if tom and lucy and not await repos.planning.plans_of([tom.id]):
        plan = await repos.plans.save_plan(SupportPlan(colleague_id=tom.id, manager_id=lucy.id, kind="support",
                                           meeting_date=today - timedelta(days=10), date_agreed=today - timedelta(days=10)))
        await repos.plans.save_plan_action(PlanAction(plan_id=plan.id, number=1, area="Recording pupils' reading in the reading log",
                                   required_level="Every session logged on the day",
                                   support="Ten minutes with the literacy lead each Friday",
                                   review_dates=[(today + timedelta(days=58)).isoformat(),
                                                 (today + timedelta(days=107)).isoformat()],
                                   how_measured="Weekly check of the log", date_to_achieve=today + timedelta(days=107)))

    nina = person("nina.ross@riverside.example")
    if nina and lucy:
        review = await repos.reviews.current_review(nina.id)
        if review is not None and not review.delegated:
            review.reviewer_id, review.delegated = lucy.id, True
            await repos.reviews.save_review(review)

    if lucy and ravi:
        cycle = await repos.reviews.cycle(lucy.organisation_id, 2021, create=True)
        if await repos.reviews.review_for(lucy.id, cycle.id) is None:
            await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=lucy.id, reviewer_id=ravi.id,
                                   stage=ReviewStage.CLOSED, retain_until=retain_until(2021),
                                   eoy_performing_expected=True, eoy_comments="A steady year."))

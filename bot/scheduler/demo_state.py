"""Demo-trust state that gives every reminder kind something to say (called by bot.demo.seed_demo).

On top of the lead's demo: Jo Brown has appealed in writing against last year's report (9.5);
Tom Reed has a support plan with two review dates (Annex 4); Nina Ross's review was delegated by
the headteacher to Lucy Moss (4.2), so it is in the moderation sample (4.4); Alex Green has a
2021-22 form whose retention ends on 31 August 2027 (10.3). Idempotent: does nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.policy.deadlines import retain_until
from store.models import Appeal, PlanAction, Review, ReviewStage, SupportPlan


async def add_reminder_scenarios(app: Any) -> None:
    repo = app.repo
    today: date = app.clock.today()
    people = {p.email: p for p in await repo.all_people()}

    def person(email: str) -> Any:
        return people.get(email)

    jo, helen = person("jo.brown@hillside.example"), person("helen.hart@hillside.example")
    if jo and helen:
        reviews = await repo.reviews_of(jo.id)
        last = [r for r, c in reviews if r.report_delivered_on is not None]
        if last and not await repo.appeals_of_reviews([last[0].id]):
            await repo.save(Appeal(review_id=last[0].id, colleague_id=jo.id, stage="written",
                                   concerns="The outcome of objective 1 does not reflect two long pupil absences.",
                                   informal_raised_on=today - timedelta(days=30),
                                   written_received_on=today - timedelta(days=4), handler_role="headteacher",
                                   handler_id=helen.id, grounds="Evidence not taken into account (Policy 7.1)."))

    tom, lucy = person("tom.reed@riverside.example"), person("lucy.moss@riverside.example")
    if tom and lucy and not await repo.plans_of([tom.id]):
        plan = await repo.save(SupportPlan(colleague_id=tom.id, manager_id=lucy.id, kind="support",
                                           meeting_date=today - timedelta(days=10), date_agreed=today - timedelta(days=10)))
        await repo.save(PlanAction(plan_id=plan.id, number=1, area="Recording pupils' reading in the reading log",
                                   required_level="Every session logged on the day",
                                   support="Ten minutes with the literacy lead each Friday",
                                   review_dates=[(today + timedelta(days=58)).isoformat(),
                                                 (today + timedelta(days=107)).isoformat()],
                                   how_measured="Weekly check of the log", date_to_achieve=today + timedelta(days=107)))

    nina = person("nina.ross@riverside.example")
    if nina and lucy:
        review = await repo.current_review(nina.id)
        if review is not None and not review.delegated:
            review.reviewer_id, review.delegated = lucy.id, True
            await repo.save(review)

    alex, mark = person("alex.green@hillside.example"), person("mark.lee@hillside.example")
    if alex and mark:
        cycle = await repo.cycle(alex.organisation_id, 2021, create=True)
        if await repo.review_for(alex.id, cycle.id) is None:
            await repo.save(Review(cycle_id=cycle.id, colleague_id=alex.id, reviewer_id=mark.id,
                                   stage=ReviewStage.CLOSED, retain_until=retain_until(2021),
                                   eoy_performing_expected=True, eoy_comments="A steady year."))

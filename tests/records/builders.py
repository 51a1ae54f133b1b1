"""A small trust for the records tests, written through store/repos like the bot writes it.

Co-op Academy Hillside: Helen Hart (headteacher), Hana Webb (HR admin), Gill Ford (governor),
Colin Chambers (chair of governors), Priya Shah (inclusion lead, Sam's and Jo's line manager and
Sam's reviewer), Mark Lee (business manager, Alex's manager, Jo's second manager), Sam Patel,
Jo Brown, Alex Green. Co-op Academy Riverside: Ravi Singh (headteacher), Tom Reed. The trust:
Sarah Moore (executive leader). Trust Central Team: Harriet Ward (HR admin), Kay Dale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.app import App
from store.models import (
    CoopReflection,
    Meeting,
    Objective,
    ObjectiveProgress,
    Person,
    PlanAction,
    PlanActionReview,
    Review,
    Signature,
    SupportPlan,
    TrainingNeed,
)
from store.repos.values import PersonContext

WAYS = ("Succeed together", "Do what matters most", "Be yourself, always", "Show you care")


@dataclass
class Trust:
    app: App
    ids: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)
    reviews: dict[str, int] = field(default_factory=dict)
    plans: dict[str, int] = field(default_factory=dict)

    def email(self, who: str) -> str:
        return EMAILS[who]

    async def ctx(self, who: str) -> PersonContext:
        c = await self.app.repos.people.context(self.ids[who])
        assert c is not None
        return c


EMAILS = {
    "sarah": "sarah.moore@trust.example", "harriet": "harriet.ward@central.example",
    "kay": "kay.dale@central.example", "helen": "helen.hart@hillside.example",
    "hana": "hana.webb@hillside.example", "gill": "gill.ford@hillside.example",
    "colin": "colin.chair@hillside.example", "priya": "priya.shah@hillside.example",
    "mark": "mark.lee@hillside.example", "sam": "sam.patel@hillside.example",
    "jo": "jo.brown@hillside.example", "alex": "alex.green@hillside.example",
    "ravi": "ravi.singh@riverside.example", "tom": "tom.reed@riverside.example",
}
NAMES = {
    "sarah": ("Sarah Moore", "Chief Executive"), "harriet": ("Harriet Ward", "HR Manager"),
    "kay": ("Kay Dale", "Data Officer"), "helen": ("Helen Hart", "Headteacher"),
    "hana": ("Hana Webb", "HR Officer"), "gill": ("Gill Ford", "Governor"),
    "colin": ("Colin Chambers", "Chair of Governors"), "priya": ("Priya Shah", "Inclusion Lead"),
    "mark": ("Mark Lee", "School Business Manager"), "sam": ("Sam Patel", "Teaching Assistant"),
    "jo": ("Jo Brown", "Teaching Assistant"), "alex": ("Alex Green", "Site Manager"),
    "ravi": ("Ravi Singh", "Headteacher"), "tom": ("Tom Reed", "Teaching Assistant"),
}
HOME = {"sarah": "trust", "harriet": "central", "kay": "central", "ravi": "riverside", "tom": "riverside"}


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=UTC)


async def build_trust(app: App) -> Trust:
    repos = app.repos
    t = Trust(app)
    trust = await repos.people.upsert_organisation("Co-op Academies Trust", "trust")
    t.orgs["trust"] = trust.id
    t.orgs["central"] = (await repos.people.upsert_organisation("Trust Central Team", "central", trust.id)).id
    t.orgs["hillside"] = (await repos.people.upsert_organisation("Co-op Academy Hillside", "academy", trust.id)).id
    t.orgs["riverside"] = (await repos.people.upsert_organisation("Co-op Academy Riverside", "academy", trust.id)).id
    for who, email in EMAILS.items():
        name, title = NAMES[who]
        person = await repos.people.save_person(Person(email=email, name=name, job_title=title,
                                               organisation_id=t.orgs[HOME.get(who, "hillside")],
                                               start_date=date(2019, 9, 1)))
        t.ids[who] = person.id
    i = t.ids
    await repos.people.set_roles(i["sarah"], [("executive_leader", t.orgs["trust"])])
    await repos.people.set_roles(i["harriet"], [("hr_admin", t.orgs["central"])])
    await repos.people.set_roles(i["helen"], [("headteacher", t.orgs["hillside"])])
    await repos.people.set_roles(i["hana"], [("hr_admin", t.orgs["hillside"])])
    await repos.people.set_roles(i["gill"], [("governor", t.orgs["hillside"])])
    await repos.people.set_roles(i["colin"], [("chair_of_governors", t.orgs["hillside"])])
    await repos.people.set_roles(i["ravi"], [("headteacher", t.orgs["riverside"])])
    for report, managers in (("priya", [("helen", True)]), ("mark", [("helen", True)]),
                             ("sam", [("priya", True)]), ("jo", [("priya", True), ("mark", False)]),
                             ("alex", [("mark", True)]), ("tom", [("ravi", True)]),
                             ("kay", [("harriet", True)]), ("hana", [("helen", True)])):
        await repos.people.set_line_managers(i[report], [(i[m], lead) for m, lead in managers])
    await _sam_reviews(t)
    await _plans(t)
    return t


async def _sam_reviews(t: Trust) -> None:
    repos, i = t.app.repos, t.ids
    c2025 = await repos.reviews.cycle(t.orgs["hillside"], 2025, create=True)
    c2026 = await repos.reviews.cycle(t.orgs["hillside"], 2026, create=True)
    old = await repos.reviews.save_review(Review(
        cycle_id=c2025.id, colleague_id=i["sam"], reviewer_id=i["priya"], stage="end_of_year_done",
        professional_development="Level 3 TA qualification; phonics refresher.",
        other_information="Moving to Year 2 in September.", eoy_performing_expected=True,
        eoy_comments="A strong year.", eoy_dialogue="Discussed the reading data and next steps.",
        eoy_reviewee_comments="I enjoyed the phonics work.", eoy_reviewer_comments="Well done, Sam.",
        midyear_all_on_track=True, midyear_performing_expected=True))
    t.reviews["sam_2025"] = old.id
    review = await repos.reviews.save_review(Review(
        cycle_id=c2026.id, colleague_id=i["sam"], reviewer_id=i["priya"], stage="objectives_agreed",
        professional_development="Complete the Level 3 Supporting Teaching and Learning certificate by July 2027.",
        other_information="Sam works 0.8 FTE (Mon–Thu); Zoë O’Neil covers Fridays.",
        midyear_all_on_track=None, midyear_comments=""))
    t.reviews["sam"] = review.id
    await repos.reviews.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=at(2026, 10, 12, 14), minutes=60,
                            location="Library office", status="held", scheduled_by_id=i["priya"]))
    o1 = await repos.forms.save_objective(Objective(
        review_id=review.id, number=1,
        text="Run daily phonics catch-up sessions for six Year 2 pupils through the spring term",
        success_criteria="At least 5 of the 6 pupils pass the phonics screening re-check in June 2027",
        support_needed="Phonics refresher training (half a day) before January", due_date=date(2027, 6, 30),
        kinds=["team"]))
    o2 = await repos.forms.save_objective(Objective(
        review_id=review.id, number=2,
        text="Lead the lunchtime reading club and log attendance weekly",
        success_criteria="Club runs 30 weeks of the year with an average of 12 pupils",
        support_needed="A regular room on Tuesdays", due_date=date(2027, 7, 16),
        kinds=["ways_of_being_coop"], agreement="determined_by_reviewer"))
    await repos.forms.save_objective_progress(ObjectiveProgress(objective_id=o1.id, stage="mid_year",
                                      comment="Four of six pupils already secure.", recorded_by_id=i["priya"]))
    for n, way in enumerate(WAYS, start=1):
        await repos.forms.save_coop_reflection(CoopReflection(review_id=review.id, part="planning", way=way,
                                       text=f"Planning reflection {n} on {way.lower()}."))
    await repos.forms.save_training_need(TrainingNeed(review_id=review.id, category="a", description="Phonics refresher",
                                 essential=True, funded=True))
    await repos.forms.save_training_need(TrainingNeed(review_id=review.id, category="c", description="Level 3 certificate"))
    await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role="reviewee",
                              person_id=i["sam"], signed_at=at(2026, 10, 14), channel="slack",
                              platform_identity="slack:U0SAM@T0"))
    await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role="reviewer",
                              person_id=i["priya"], signed_at=at(2026, 10, 15), channel="teams",
                              platform_identity="teams:aad-priya"))
    del o2  # kept for readability of the scenario


async def _plans(t: Trust) -> None:
    repos, i = t.app.repos, t.ids
    support = await repos.plans.save_plan(SupportPlan(colleague_id=i["jo"], manager_id=i["priya"], kind="support",
                                          meeting_date=date(2026, 11, 2)))
    t.plans["jo"] = support.id
    await repos.plans.save_plan_action(PlanAction(plan_id=support.id, number=1, area="Punctuality at the start of the day",
                               required_level="On site by 08:30 every day", support="Adjusted bus pass scheme",
                               support_arranged_by="Priya Shah", timescale="Six weeks",
                               review_dates=["2026-11-16", "2026-12-14"]))
    await repos.forms.save_signature(Signature(subject_type="support_plan", subject_id=support.id, part="plan", role="manager",
                              person_id=i["priya"], signed_at=at(2026, 11, 2)))
    first = await repos.plans.save_plan(SupportPlan(colleague_id=i["alex"], manager_id=i["mark"], kind="improvement",
                                        stage="stage_1_informal", date_agreed=date(2026, 9, 14)))
    plan = await repos.plans.save_plan(SupportPlan(colleague_id=i["alex"], manager_id=i["mark"], kind="improvement",
                                       stage="stage_2_formal", date_agreed=date(2026, 11, 9),
                                       revision_of_id=first.id, revision_note="targets tightened"))
    t.plans["alex"] = plan.id
    a1 = await repos.plans.save_plan_action(PlanAction(
        plan_id=plan.id, number=1, area="Complete the weekly site safety checks",
        required_level="All checks logged by Friday noon", identified_gap="Three checks missed in October",
        safety_risk=True, risk_measures="Deputy site manager double-checks fire doors",
        agreed_actions="Alex blocks Friday 9–11 for checks", support="Checklist app on the site phone",
        timescale="Immediately", review_dates=["2026-11-23", "2026-12-07"],
        how_measured="Log reviewed weekly by Mark", date_to_achieve=date(2027, 1, 29)))
    await repos.plans.add_plan_reviews([PlanActionReview(action_id=a1.id, review_date=date(2026, 11, 23),
                                     outcome="Two of two checks on time", result="partially_met",
                                     agreed_actions="Continue weekly review", reviewed_by_id=i["mark"])])

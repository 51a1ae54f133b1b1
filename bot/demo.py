"""The demo trust: two academies and a central team, about 20 people, one cycle in progress.

Built from examples/roster.csv through the real roster import, then moved to different stages so
every part of the bot has something to show: objectives agreed and signed (Jo, Priya, Mark, Tom,
Lucy, Nina, Ian), awaiting the colleague's signature (Alex), a planning meeting booked with
preparation still to do (Sam), nothing started yet (Chris, Omar), a new joiner (Dana), and last
cycle's record with end-of-year outcomes for Jo and Sam.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.policy.calendar import academic_year_of
from bot.policy.deadlines import retain_until
from bot.roster import import_roster_text
from store.models import (
    CheckIn,
    CoopReflection,
    Meeting,
    Objective,
    ObjectiveProgress,
    Review,
    ReviewStage,
    Signature,
    TrainingNeed,
)

DEMO_ROSTER = Path(__file__).resolve().parents[1] / "examples" / "roster.csv"


OBJECTIVES = {
    "jo.brown@hillside.example": [
        ("Lead phonics catch-up sessions for 6 Year 2 pupils, three times a week",
         "At least 5 of the 6 pupils reach the expected phonics standard by the June screening check",
         "Phonics training (Read Write Inc.) in the Autumn term", ["team"]),
        ("Run the lunchtime nurture club every Tuesday and Thursday",
         "Attendance records kept; 90% of referred pupils attend at least 3 sessions in 4 each half term",
         "Half-termly supervision with the Inclusion Lead", ["ways_of_being_coop"]),
    ],
    "alex.green@hillside.example": [
        ("Bring the site's statutory compliance checks onto the new log book system",
         "100% of weekly and monthly checks logged on time for two consecutive terms",
         "Log book system training (half a day)", ["academy"]),
        ("Cut reactive repair requests by planning a termly maintenance walk-round",
         "Repair requests fall by 20% compared with 2025-26, measured from the helpdesk log",
         "Time allocated on the last Friday of each half term", []),
    ],
}
DEFAULT_OBJECTIVE = ("Keep the team's records accurate and up to date",
                     "No more than 2 errors a term found in the termly audit", "Refresher on the MIS", ["team"])


async def seed_demo(app: Any, *, reset: bool = False) -> str | None:
    """Seed the demo trust unless the database already has people. Returns a summary or None."""
    repos = app.repos
    if reset:
        await repos.audit.wipe_all()
    if await repos.people.all_people():
        return None
    if not DEMO_ROSTER.exists():
        raise FileNotFoundError(f"The demo roster {DEMO_ROSTER} is missing; run cadence demo from a clone of the repo.")
    await import_roster_text(app, DEMO_ROSTER.read_text(encoding="utf-8"))
    today: date = app.clock.today()
    year = academic_year_of(today)
    people = {p.email: p for p in await repos.people.all_people()}

    async def review_of(email: str) -> Review:
        review = await repos.reviews.current_review(people[email].id)
        assert review is not None, f"{email} should be enrolled"
        return review

    def at(d: date, hour: int) -> datetime:
        return datetime.combine(d, time(hour), app.services.zone).astimezone(UTC)

    planning_day = _weekday_on_or_before(date(year, 10, 14))
    agreed = ["jo.brown@hillside.example", "priya.shah@hillside.example", "mark.lee@hillside.example",
              "tom.reed@riverside.example", "lucy.moss@riverside.example", "nina.ross@riverside.example",
              "ian.finch@central.example"]
    for email in [*agreed, "alex.green@hillside.example"]:
        review = await review_of(email)
        await repos.reviews.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=at(planning_day, 10), minutes=60,
                                location="Meeting room 2", status="held", scheduled_by_id=review.reviewer_id,
                                scheduled_at=at(planning_day - timedelta(days=10), 9)))
        for number, (text, criteria, support, kinds) in enumerate(OBJECTIVES.get(email, [DEFAULT_OBJECTIVE]), 1):
            await repos.forms.save_objective(Objective(review_id=review.id, number=number, text=text, success_criteria=criteria,
                                      support_needed=support, due_date=date(year + 1, 7, 17), kinds=kinds))
        review.professional_development = "Interested in the Level 3 Teaching Assistant qualification next year."
        review.other_information = "Works Monday to Thursday."
        review.planning_submitted_at = at(planning_day + timedelta(days=3), 15)
        for way in ("Succeed together", "Do what matters most", "Be yourself, always", "Show you care"):
            await repos.forms.save_coop_reflection(CoopReflection(review_id=review.id, part="planning", way=way,
                                           text=f"Talked about examples of “{way}” from last year."))
        await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role="reviewer",
                                  person_id=review.reviewer_id, signed_at=at(planning_day + timedelta(days=3), 16),
                                  channel="console", platform_identity="demo"))
        if email in agreed:
            await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role="reviewee",
                                      person_id=people[email].id, signed_at=at(planning_day + timedelta(days=4), 9),
                                      channel="console", platform_identity="demo"))
            review.stage = ReviewStage.OBJECTIVES_AGREED
        else:
            review.stage = ReviewStage.PLANNING
        await repos.reviews.save_review(review)

    sam = await review_of("sam.patel@hillside.example")
    meeting_day = _next_weekday(today + timedelta(days=8))
    await repos.reviews.save_meeting(Meeting(review_id=sam.id, kind="planning", starts_at=at(meeting_day, 14), minutes=60,
                            location="Inclusion office", scheduled_by_id=sam.reviewer_id,
                            scheduled_at=at(today - timedelta(days=2), 9)))
    sam.stage = ReviewStage.PLANNING
    await repos.reviews.save_review(sam)
    await repos.records.save_checkin(CheckIn(person_id=people["sam.patel@hillside.example"].id, mood=4, note="Good week.",
                            share_with_manager="mood", created_at=at(today - timedelta(days=7), 12)))

    for email in ("jo.brown@hillside.example", "sam.patel@hillside.example"):
        await _last_cycle(app, people[email].id, people[email].organisation_id, year - 1,
                          reviewer_id=(await review_of(email)).reviewer_id, at=at)
    from bot.scheduler.demo_state import add_reminder_scenarios

    await add_reminder_scenarios(app)  # an appeal, a support plan, a delegated review, an old form
    return (f"{len(people)} people in {len(await repos.people.organisations())} organisations; the {year}-"
            f"{(year + 1) % 100:02d} cycle is under way. Pick someone to chat as.")


async def _last_cycle(app: Any, colleague_id: int, organisation_id: int, year: int, *, reviewer_id: int | None,
                      at: Any) -> None:
    repos = app.repos
    cycle = await repos.reviews.cycle(organisation_id, year, create=True)
    review = await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=colleague_id, reviewer_id=reviewer_id,
                                    stage=ReviewStage.CLOSED, retain_until=retain_until(year),
                                    eoy_performing_expected=True, eoy_comments="A good year.",
                                    report_delivered_on=date(year + 1, 10, 1)))
    objective = await repos.forms.save_objective(Objective(review_id=review.id, number=1, due_date=date(year + 1, 7, 18),
                                          text="Support the Year 3 reading group four mornings a week",
                                          success_criteria="8 of 10 pupils make expected progress in reading"))
    await repos.forms.save_objective_progress(ObjectiveProgress(objective_id=objective.id, stage="end_of_year", outcome="partially_met",
                                      evidence="7 of 10 pupils made expected progress; two long absences.",
                                      recorded_by_id=reviewer_id))
    await repos.forms.save_training_need(TrainingNeed(review_id=review.id, category="a", description="Phonics refresher", essential=True,
                                 funded=True))
    for role, person_id in (("reviewer", reviewer_id), ("reviewee", colleague_id)):
        await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="end_of_year", role=role,
                                  person_id=person_id, signed_at=at(date(year + 1, 9, 30), 15), channel="console",
                                  platform_identity="demo"))


# what to try as each person of the demo story (the stages seeded above); anyone else gets a default
TRY_AS = {
    "priya.shah@hillside.example": "status, schedule Dana, objectives Sam",
    "sam.patel@hillside.example": "prep, agenda, checkin",
    "jo.brown@hillside.example": "status, export pdf, checkin",
    "alex.green@hillside.example": "signoff",
    "mark.lee@hillside.example": "status, schedule Chris",
    "chris.wood@hillside.example": "status, checkin",
    "dana.white@hillside.example": "status, checkin",
    "helen.hart@hillside.example": "status, status Priya, appeal",
    "harriet.ward@central.example": "status, status Kay, export Ian",
    "ravi.singh@riverside.example": "status, status Lucy",
    "lucy.moss@riverside.example": "status, objectives Omar",
    "omar.aziz@riverside.example": "status, checkin",
}


@dataclass(frozen=True)
class Someone:
    """One line of the demo's first screen: who they are, whom they review, and what to try as them."""

    email: str
    name: str
    job_title: str
    organisation: str
    depth: int  # 0 for the top of a team, 1 for those they manage, and so on
    reviewees: tuple[str, ...]  # first names of the colleagues whose review they hold this cycle
    try_saying: str


async def who_is_who(app: Any) -> list[Someone]:
    """Everyone active, grouped by academy (or central team) and team: each line manager followed by
    the people they manage, reviewers marked with their reviewees, and a suggestion of what to try."""
    repos = app.repos
    people = [p for p in await repos.people.people_in(None) if p.active and p.id is not None]
    orgs = {o.id: o for o in await repos.people.organisations()}
    by_id = {p.id: p for p in people}
    manager: dict[int, int | None] = {}
    reviewees: dict[int, list[str]] = {}
    reviewed: set[int] = set()
    for p in people:
        context = await repos.people.context(p.id)
        lead = context.lead_manager_id if context is not None else None
        manager[p.id] = lead if lead in by_id and by_id[lead].organisation_id == p.organisation_id else None  # type: ignore[index]
        review = await repos.reviews.current_review(p.id)
        if review is not None:
            reviewed.add(p.id)  # type: ignore[arg-type]
        if review is not None and review.reviewer_id is not None:
            reviewees.setdefault(review.reviewer_id, []).append(p.name.split(" ")[0])
    order = sorted(orgs.values(), key=lambda o: (o.kind != "trust", o.kind != "academy", o.name))
    out: list[Someone] = []

    def add(person_id: int, depth: int) -> None:
        p = by_id[person_id]
        mine = tuple(reviewees.get(person_id, ()))
        default = f"status, status {mine[0]}" if mine else "status, checkin" if person_id in reviewed else "status, help"
        out.append(Someone(p.email, p.name, p.job_title, orgs[p.organisation_id].name, depth, mine,
                           TRY_AS.get(p.email, default)))
        for report in sorted((q for q in people if manager[q.id] == person_id), key=lambda q: q.name):  # type: ignore[index]
            add(report.id, depth + 1)  # type: ignore[arg-type]

    for org in order:
        tops = sorted((p for p in people if p.organisation_id == org.id and manager[p.id] is None),  # type: ignore[index]
                      key=lambda p: (not reviewees.get(p.id), p.name))  # type: ignore[arg-type]
        for top in tops:
            add(top.id, 0)  # type: ignore[arg-type]
    return out


def _next_weekday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _weekday_on_or_before(d: date) -> date:
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d

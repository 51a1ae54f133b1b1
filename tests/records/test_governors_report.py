"""The headteacher's annual report to governors (Policy 11.3): useful numbers, and nobody identifiable."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest

from bot.access import AccessDenied
from bot.documents.governors import ON_TIME, SMALL, gather, governors_report
from store.models import (
    Appeal,
    Meeting,
    Objective,
    ObjectiveProgress,
    Person,
    Review,
    Signature,
    SupportPlan,
    TrainingNeed,
)
from tests.records.readers import pdf_text

FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jack"]
LAST = ["Ahmed", "Brooks", "Carter", "Dixon"]
OUTCOMES = ["met"] * 80 + ["partially_met"] * 25 + ["not_met"] * 3 + [None] * 12


async def _greenfield(trust) -> tuple[int, list[Person]]:
    """A large synthetic academy with one finished cycle (2025-26): 40 colleagues, a real mix."""
    repos = trust.app.repos
    org = await repos.people.upsert_organisation("Co-op Academy Greenfield", "academy", trust.orgs["trust"])
    head = await repos.people.save_person(Person(email="head@greenfield.example", name="Gwen Head", job_title="Headteacher",
                                         organisation_id=org.id))
    await repos.people.set_roles(head.id, [("headteacher", org.id)])
    cycle = await repos.reviews.cycle(org.id, 2025, create=True)
    people: list[Person] = [head]
    outcomes = iter(OUTCOMES)
    for n in range(40):
        name = f"{FIRST[n % 10]} {LAST[n // 10]}"
        p = await repos.people.save_person(Person(email=f"{name.lower().replace(' ', '.')}@greenfield.example", name=name,
                                          job_title="Teaching Assistant", organisation_id=org.id))
        people.append(p)
        stage = "end_of_year_done" if n < 30 else "mid_year_done" if n < 36 else "objectives_agreed"
        review = await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=p.id, reviewer_id=head.id, stage=stage,
                                        eoy_performing_expected=(n < 28) if n < 30 else None,
                                        eoy_comments=f"Private comment about {name}"))
        if n < 38:
            notice = 7 if n < 36 else 3
            starts = datetime(2025, 10, 6, 9, tzinfo=UTC) + timedelta(hours=n)
            await repos.reviews.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=starts, status="held",
                                    scheduled_at=starts - timedelta(days=notice)))
        if n < 37:
            when = datetime(2025, 10, 14, 12, tzinfo=UTC) if n < 33 else datetime(2025, 11, 20, 12, tzinfo=UTC)
            for role, who in (("reviewee", p.id), ("reviewer", head.id)):
                await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role=role,
                                          person_id=who, signed_at=when))
        for k in range(3):
            o = await repos.forms.save_objective(Objective(review_id=review.id, number=k + 1, text=f"{name} objective {k + 1}"))
            outcome = next(outcomes)
            if outcome:
                await repos.forms.save_objective_progress(ObjectiveProgress(objective_id=o.id, stage="end_of_year", outcome=outcome,
                                                  evidence=f"Evidence naming {name}"))
        category = "a" if n < 20 else "b" if n < 27 else "c" if n < 30 else None
        if category:
            await repos.forms.save_training_need(TrainingNeed(review_id=review.id, category=category, description=f"{name}'s course",
                                         essential=n < 12, funded=n < 10))
        if n < 6:
            received = date(2026, 7, 1)
            hearing = datetime(2026, 7, 14, 10, tzinfo=UTC) if n < 5 else datetime(2026, 9, 15, 10, tzinfo=UTC)
            await repos.appeals.save_appeal(Appeal(review_id=review.id, colleague_id=p.id, stage="decided", written_received_on=received,
                                   hearing_at=hearing, grounds=f"{name} disagrees"))
        if n < 6:
            await repos.plans.save_plan(SupportPlan(colleague_id=p.id, manager_id=head.id, kind="support",
                                        created_at=datetime(2025, 11, 3, tzinfo=UTC),
                                        status="closed" if n < 2 else "open",
                                        closed_at=datetime(2026, 3, 2, tzinfo=UTC) if n < 2 else None))
    return org.id, people


def _assert_safe(value: str) -> None:
    if value == SMALL:
        return
    number = int(value.lstrip("≥"))
    assert number >= 5, f"a count under 5 is printed: {value}"


async def test_a_large_academy_gets_real_numbers_and_no_count_under_five(trust):
    org_id, people = await _greenfield(trust)
    sections = await gather(trust.app.services, org_id, 2025)
    rows = {label: v for s in sections for label, v in s.rows}
    for value in rows.values():
        _assert_safe(value)
    assert rows["Reviews due this cycle (Policy 3.2)"] == "40"
    assert rows["Meeting 1 held (3.2)"] == "≥35" and rows["Meeting 1 not yet held"] == SMALL
    assert rows[ON_TIME] == "33" and rows["Objectives agreed later or not yet"] == "7"
    assert rows["Mid-year reviews held (3.2)"] == "≥35" and rows["Mid-year reviews not yet held"] == SMALL
    assert rows["Meetings booked with at least 5 days' notice (5.3)"] == "≥35"
    assert rows["Written appeals heard within 15 working days (9.5)"] == "≥5"
    assert rows["Written appeals heard after 15 working days"] == SMALL
    assert rows["Objectives Met (7.1)"] == "80" and rows["Objectives Partially Met (7.1)"] == "25"
    assert rows["Objectives Not Met (7.1)"] == SMALL and rows["Objectives with no end-of-year outcome yet"] == "≥10"
    assert rows["Performing to the expected level (6.6)"] == "≥25"
    assert rows["Support plans (Annex 4) opened"] == "6" and rows["Support plans (Annex 4) closed"] == SMALL
    categories = [v for k, v in rows.items() if k.startswith(("(a)", "(b)", "(c)"))]
    assert categories == ["20", "≥5", SMALL]

    content = await governors_report(trust.app, org_id, 2025, fmt="pdf")
    text = pdf_text(content)
    assert "annual report, 2025-26" in text and "This year (2025-26)" in text and "Last year (2024-25)" in text
    for person in people:
        for token in (person.name, person.email, *person.name.split()):
            assert token not in text, token
    assert "Private comment" not in text and "Evidence naming" not in text
    images = sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert images == 3  # one chart per section, no more


async def test_a_tiny_academy_shows_only_small_markers_and_markdown_has_no_names(trust):
    sections = await gather(trust.app.services, trust.orgs["hillside"], 2026)
    assert {v for s in sections for _k, v in s.rows} == {SMALL}
    markdown = (await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="md")).decode()
    rows = [line.split("|")[2:-1] for line in markdown.splitlines() if line.startswith("| ") and "Measure" not in line]
    values = [v.strip() for row in rows for v in row]
    assert values and set(values) == {SMALL}
    for name in ("Sam", "Patel", "Priya", "Jo Brown", "hillside.example"):
        assert name not in markdown


async def test_a_tiny_academys_pdf_says_why_there_is_no_chart_rather_than_draw_an_empty_one(trust):
    content = await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="pdf")
    assert sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(content)).pages) == 0
    text = " ".join(pdf_text(content).split())
    assert "Fewer than five colleagues were reviewed in 2026-27, so every number in this report is shown as “<5”" \
        in text  # said once, at the top, instead of a page of unexplained markers
    assert "The headteacher's commentary (Space for a commentary on the year" in text


async def test_governors_may_read_the_report_but_a_colleague_may_not(trust):
    gill = await trust.ctx("gill")
    assert (await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="md", actor=gill)).startswith(b"#")
    sam = await trust.ctx("sam")
    with pytest.raises(AccessDenied, match="Policy 11.3"):
        await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="md", actor=sam)


async def _northfield(trust) -> int:
    """A second academy of the trust with seven finished reviews of 2025-26."""
    repos = trust.app.repos
    org = await repos.people.upsert_organisation("Co-op Academy Northfield", "academy", trust.orgs["trust"])
    head = await repos.people.save_person(Person(email="head@northfield.example", name="Nell Head", job_title="Headteacher",
                                         organisation_id=org.id))
    cycle = await repos.reviews.cycle(org.id, 2025, create=True)
    for n in range(7):
        p = await repos.people.save_person(Person(email=f"ta{n}@northfield.example", name=f"Nora Kay{n}",
                                          job_title="Teaching Assistant", organisation_id=org.id))
        review = await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=p.id, reviewer_id=head.id,
                                        stage="end_of_year_done", eoy_performing_expected=True))
        for k in range(2):
            o = await repos.forms.save_objective(Objective(review_id=review.id, number=k + 1, text=f"Nora's objective {k}"))
            await repos.forms.save_objective_progress(ObjectiveProgress(objective_id=o.id, stage="end_of_year", outcome="met"))
        await repos.forms.save_training_need(TrainingNeed(review_id=review.id, category="a", description="Team Teach"))
    return org.id


async def _store_count(repos, statement) -> int:
    async with repos.db.session() as s:
        return int((await s.execute(statement)).scalar_one())


def _floor(n: int) -> str:
    return SMALL if n < 5 else f"≥{n // 5 * 5}"


async def test_the_trust_report_adds_up_three_academies_and_hides_the_one_under_five(trust):
    """Greenfield (40 reviews) and Northfield (7) have columns; Hillside (1 review in 2025-26) is counted in
    the trust's figures only, which are then shown to the nearest five below."""
    from sqlalchemy import func, select

    from bot.documents.governors import build
    from store.models import Cycle

    repos = trust.app.repos
    greenfield, _people = await _greenfield(trust)
    northfield = await _northfield(trust)
    academies = [greenfield, northfield, trust.orgs["hillside"], trust.orgs["riverside"], trust.orgs["central"]]
    in_trust = (select(Review.id).join(Cycle, Cycle.id == Review.cycle_id)
                .where(Cycle.year == 2025, Cycle.organisation_id.in_(academies)))
    reviews = await _store_count(repos, select(func.count()).select_from(in_trust.subquery()))
    met = await _store_count(repos, select(func.count()).select_from(ObjectiveProgress)
                             .join(Objective, Objective.id == ObjectiveProgress.objective_id)
                             .where(ObjectiveProgress.outcome == "met", Objective.review_id.in_(in_trust)))
    needs_a = await _store_count(repos, select(func.count()).select_from(TrainingNeed)
                                 .where(TrainingNeed.category == "a", TrainingNeed.review_id.in_(in_trust)))
    assert (reviews, met, needs_a) == (48, 94, 27)  # 40 + 7 + Sam's 2025-26 form; 80 + 14; 20 + 7

    report = await build(trust.app.services, trust.orgs["trust"], 2025)
    assert report.audience == "Trust Board"
    assert [c.heading for c in report.columns] == ["Trust 2025-26", "Trust 2024-25", "Co-op Academy Greenfield 2025-26",
                                                   "Co-op Academy Northfield 2025-26"]
    trust_now, trust_before, green, north = (c.values for c in report.columns)
    assert trust_now[0]["Reviews due this cycle (Policy 3.2)"] == _floor(reviews) == "≥45"
    assert trust_now[1]["Objectives Met (7.1)"] == _floor(met) == "≥90"
    assert trust_now[2]["(a) Needed to meet the performance requirements of the role and achieve the agreed "
                        "objectives"] == _floor(needs_a)
    assert green[0]["Reviews due this cycle (Policy 3.2)"] == "40" and north[0]["Reviews due this cycle (Policy 3.2)"] == "7"
    assert north[1]["Objectives Met (7.1)"] == "≥10"  # 14 of 14: exact would show the others are none
    assert green[1]["Objectives Met (7.1)"] == "80"
    assert set(trust_before[0].values()) == {SMALL}  # nothing in 2024-25
    for column in report.columns:  # no printed number under five anywhere
        for section in column.values:
            for value in section.values():
                _assert_safe(value)
    text = " ".join(pdf_text(await governors_report(trust.app, trust.orgs["trust"], 2025, fmt="pdf")).split())
    assert "report to the Trust Board" in text and "Local Governing Body" not in text
    assert "1 of them had fewer than 5 reviews" in text and "Co-op Academy Hillside" not in text
    assert "Sam" not in text and "Nora" not in text

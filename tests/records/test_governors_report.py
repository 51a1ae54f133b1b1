"""The headteacher's annual report to governors (Policy 11.3): useful numbers, and nobody identifiable."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest

from bot.access import AccessDenied
from bot.documents.governors import SMALL, gather, governors_report
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
    repo = trust.app.repo
    org = await repo.upsert_organisation("Co-op Academy Greenfield", "academy", trust.orgs["trust"])
    head = await repo.save_person(Person(email="head@greenfield.example", name="Gwen Head", job_title="Headteacher",
                                         organisation_id=org.id))
    await repo.set_roles(head.id, [("headteacher", org.id)])
    cycle = await repo.cycle(org.id, 2025, create=True)
    people: list[Person] = [head]
    outcomes = iter(OUTCOMES)
    for n in range(40):
        name = f"{FIRST[n % 10]} {LAST[n // 10]}"
        p = await repo.save_person(Person(email=f"{name.lower().replace(' ', '.')}@greenfield.example", name=name,
                                          job_title="Teaching Assistant", organisation_id=org.id))
        people.append(p)
        stage = "end_of_year_done" if n < 30 else "mid_year_done" if n < 36 else "objectives_agreed"
        review = await repo.save_review(Review(cycle_id=cycle.id, colleague_id=p.id, reviewer_id=head.id, stage=stage,
                                        eoy_performing_expected=(n < 28) if n < 30 else None,
                                        eoy_comments=f"Private comment about {name}"))
        if n < 38:
            notice = 7 if n < 36 else 3
            starts = datetime(2025, 10, 6, 9, tzinfo=UTC) + timedelta(hours=n)
            await repo.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=starts, status="held",
                                    scheduled_at=starts - timedelta(days=notice)))
        if n < 37:
            when = datetime(2025, 10, 14, 12, tzinfo=UTC) if n < 33 else datetime(2025, 11, 20, 12, tzinfo=UTC)
            for role, who in (("reviewee", p.id), ("reviewer", head.id)):
                await repo.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning", role=role,
                                          person_id=who, signed_at=when))
        for k in range(3):
            o = await repo.save_objective(Objective(review_id=review.id, number=k + 1, text=f"{name} objective {k + 1}"))
            outcome = next(outcomes)
            if outcome:
                await repo.save_objective_progress(ObjectiveProgress(objective_id=o.id, stage="end_of_year", outcome=outcome,
                                                  evidence=f"Evidence naming {name}"))
        category = "a" if n < 20 else "b" if n < 27 else "c" if n < 30 else None
        if category:
            await repo.save_training_need(TrainingNeed(review_id=review.id, category=category, description=f"{name}'s course",
                                         essential=n < 12, funded=n < 10))
        if n < 6:
            received = date(2026, 7, 1)
            hearing = datetime(2026, 7, 14, 10, tzinfo=UTC) if n < 5 else datetime(2026, 9, 15, 10, tzinfo=UTC)
            await repo.save_appeal(Appeal(review_id=review.id, colleague_id=p.id, stage="decided", written_received_on=received,
                                   hearing_at=hearing, grounds=f"{name} disagrees"))
        if n < 6:
            await repo.save_plan(SupportPlan(colleague_id=p.id, manager_id=head.id, kind="support",
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
    on_time = next(k for k in rows if k.startswith("Objectives agreed and signed by"))
    assert rows[on_time] == "33" and rows["Objectives agreed later or not yet"] == "7"
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
    assert "annual report to governors, 2025-26" in text
    for person in people:
        for token in (person.name, person.email, *person.name.split()):
            assert token not in text, token
    assert "Private comment" not in text and "Evidence naming" not in text
    images = sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert images == 3  # a chart per section


async def test_a_tiny_academy_shows_only_small_markers_and_markdown_has_no_names(trust):
    sections = await gather(trust.app.services, trust.orgs["hillside"], 2026)
    assert {v for s in sections for _k, v in s.rows} == {SMALL}
    markdown = (await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="md")).decode()
    cells = re.findall(r"\| ([^|]+) \|\n", markdown)
    assert cells and all(c.strip() == SMALL for c in cells if c.strip() not in ("Colleagues", "Count", "Needs"))
    for name in ("Sam", "Patel", "Priya", "Jo Brown", "hillside.example"):
        assert name not in markdown


async def test_a_tiny_academys_pdf_says_why_there_is_no_chart_rather_than_draw_an_empty_one(trust):
    content = await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="pdf")
    assert sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(content)).pages) == 0
    text = " ".join(pdf_text(content).split())
    assert text.count("every count in it is under 5, and counts under 5 are not drawn (Policy 11.3)") == 3


async def test_governors_may_read_the_report_but_a_colleague_may_not(trust):
    gill = await trust.ctx("gill")
    assert (await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="md", actor=gill)).startswith(b"#")
    sam = await trust.ctx("sam")
    with pytest.raises(AccessDenied, match="Policy 11.3"):
        await governors_report(trust.app, trust.orgs["hillside"], 2026, fmt="md", actor=sam)

"""Helen (headteacher) checks progress across Hillside: stages, deadlines, overdue, excluded, paused."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.access import AccessDenied
from bot.documents.overview import home_overview, overview_for
from store.models import Meeting, Review


async def _rows(trust, who="helen"):
    actor = await trust.ctx(who)
    rows = await overview_for(trust.app.services, actor, trust.orgs["hillside"], channel="slack", identity="slack:U1")
    return {r.name: r for r in rows}


async def test_the_overview_shows_progress_and_reasons_but_no_review_content(trust):
    repos = trust.app.repos
    jo = await repos.people.person(trust.ids["jo"])
    jo.on_induction = True
    await repos.people.save_person(jo)
    alex = await repos.people.person(trust.ids["alex"])
    alex.absent_from, alex.absent_until = date(2026, 11, 1), date(2027, 2, 28)
    await repos.people.save_person(alex)
    cycle = await repos.reviews.cycle(trust.orgs["hillside"], 2026)
    review = await repos.reviews.save_review(Review(cycle_id=cycle.id, colleague_id=trust.ids["alex"], reviewer_id=trust.ids["mark"],
                                    stage="planning"))
    await repos.reviews.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=datetime(2026, 12, 2, 14, tzinfo=UTC),
                            status="scheduled"))
    rows = await _rows(trust)
    assert "Gill Ford" not in rows and "Colin Chambers" not in rows  # governors are not staff
    sam = rows["Sam Patel"]
    assert sam.stage_label == "Objectives agreed and signed"
    assert sam.next_deadline is not None and "Mid-year review" in sam.next_deadline_what and sam.overdue == []
    assert rows["Jo Brown"].status == "excluded" and "induction" in rows["Jo Brown"].notes_label
    assert "(Policy 1.1)" in rows["Jo Brown"].notes_label
    a = rows["Alex Green"]
    assert a.status == "paused" and "extended absence until Sunday 28 February 2027 (Policy 3.7)" in a.notes_label
    assert any("Meeting 1 and objectives" in o for o in a.overdue)  # the Meeting 1 window closed in October
    assert a.next_deadline == date(2026, 12, 2)
    assert rows["Helen Hart"].status == "excluded"
    everything = repr([r.as_dict() for r in rows.values()])
    for private in ("phonics", "Zoë", "Level 3", "Planning reflection"):
        assert private not in everything
    events = await repos.audit.audit_events()
    assert events[0].record_type == "overview" and events[0].channel == "slack"


@pytest.mark.parametrize("who", ["sam", "priya", "gill", "ravi", "harriet"])
async def test_colleagues_managers_governors_and_other_schools_cannot_see_the_overview(trust, who):
    with pytest.raises(AccessDenied, match="Policy 10.1"):
        await _rows(trust, who)


async def test_app_home_shows_a_card_to_the_headteacher_and_nothing_to_a_colleague(trust):
    helen, sam = await trust.ctx("helen"), await trust.ctx("sam")
    (reply,) = await home_overview(trust.app.services, helen, channel="slack")
    assert reply.card is not None and reply.card.title.startswith("Co-op Academy Hillside:")
    assert any(name == "Sam Patel" for name, _v in reply.card.facts)
    assert await trust.app.services.documents.home_overview(sam) == []  # the facade the views call
    sarah = await trust.ctx("sarah")  # the executive leader's trust grant covers every organisation
    assert len(await home_overview(trust.app.services, sarah)) == 4

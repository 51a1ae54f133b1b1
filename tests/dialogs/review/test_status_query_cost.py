"""What ``status`` costs the database: a fixed handful of queries, however big the team.

Every Slack click on "Status" is answered after the ack, so a query per team member (an N+1) would
make a busy manager's answer, and everyone's after it in a burst, slower with each colleague added.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event

from bot.app import App
from store.models import Appeal, Meeting, Person, PreparationAnswer, Review, Signature
from tests.dialogs.review.conftest import MARK, PRIYA, SAM, Say, person_id, text_of

# What status costs today (who is writing and their open dialog 1, status 6-8 in one session, the
# audit 1: Sam 8, Priya 10), with a little room: an N+1 coming back fails this at once.
MANAGER_STATUS_MAX_QUERIES = 12
COLLEAGUE_STATUS_MAX_QUERIES = 10


@contextmanager
def counting(app: App) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001 - SQLAlchemy's event signature
        statements.append(statement)

    event.listen(app.db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(app.db.engine.sync_engine, "before_cursor_execute", seen)


async def _grow_priyas_team(app: App, how_many: int) -> list[str]:
    """New colleagues Priya reviews and line-manages, each at a different point: a planning meeting
    booked, preparation started, an objectives form waiting for signatures, an appeal in writing; and
    one she line-manages while Mark reviews them (4.1)."""
    repos = app.repos
    priya, mark = await person_id(app, PRIYA), await person_id(app, MARK)
    own = await repos.reviews.current_review(priya)
    assert own is not None
    org = (await repos.people.person(priya)).organisation_id  # type: ignore[union-attr]
    names = []
    for n in range(how_many + 1):
        name = f"Newcomer{chr(65 + n)} Test"
        person = await repos.people.save_person(Person(email=f"newcomer{n}@hillside.example", name=name, organisation_id=org,
                                        job_title="Teaching Assistant"))
        await repos.people.set_line_managers(person.id, [(priya, True)])
        reviewer = mark if n == how_many else priya
        review = await repos.reviews.save_review(Review(cycle_id=own.cycle_id, colleague_id=person.id, reviewer_id=reviewer))
        kind = n % 4
        if kind == 0:
            await repos.reviews.save_meeting(Meeting(review_id=review.id, kind="planning", starts_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
                                    location="Room 1", status="scheduled", scheduled_by_id=priya))
        elif kind == 1:
            await repos.forms.save_preparation_answer(PreparationAnswer(review_id=review.id, person_id=person.id, side="colleague",
                                              question_key="ready_01", question="Q", answer="yes"))
        elif kind == 2:
            review.stage, review.planning_submitted_at = "objectives_agreed", datetime(2026, 11, 2, tzinfo=UTC)
            await repos.reviews.save_review(review)
            await repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="planning",
                                      role="reviewer", person_id=priya, signed_at=datetime(2026, 11, 2, tzinfo=UTC)))
        else:
            await repos.appeals.save_appeal(Appeal(review_id=review.id, colleague_id=person.id, stage="written",
                                   written_received_on=datetime(2026, 11, 16).date()))
        names.append(name)
    return names


async def test_a_managers_status_costs_the_same_queries_with_a_team_of_five_or_eleven(demo_app: App,
                                                                                        say: Say) -> None:
    with counting(demo_app) as before:
        small = text_of(await say(PRIYA, "status"))
    assert "Your team's next steps" in small
    assert len(before) <= MANAGER_STATUS_MAX_QUERIES, before

    names = await _grow_priyas_team(demo_app, 6)
    with counting(demo_app) as after:
        big = text_of(await say(PRIYA, "status"))
    for name in names:
        assert name in big  # each newcomer is listed: the count below is for a real, bigger team
    assert "reviewed by Mark Lee" in big
    assert len(after) == len(before), after


async def test_a_colleagues_status_is_a_few_queries(demo_app: App, say: Say) -> None:
    with counting(demo_app) as statements:
        text = text_of(await say(SAM, "status"))
    assert "Next:" in text
    assert len(statements) <= COLLEAGUE_STATUS_MAX_QUERIES, statements

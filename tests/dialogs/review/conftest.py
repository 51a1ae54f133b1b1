"""Helpers for the review-cycle dialog scenarios: speak as someone, read what came back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.messages import Address, Channel, Inbound, Reply
from store.models import Meeting, ReviewStage, Signature

SAM = "sam.patel@hillside.example"
JO = "jo.brown@hillside.example"
PRIYA = "priya.shah@hillside.example"
MARK = "mark.lee@hillside.example"
ALEX = "alex.green@hillside.example"
CHRIS = "chris.wood@hillside.example"
HELEN = "helen.hart@hillside.example"

Say = Callable[..., Awaitable[list[Reply]]]


async def say_to(app: App, email: str, text: str, channel: Channel = Channel.CONSOLE) -> list[Reply]:
    return await app.engine.handle(Inbound(Address(channel, email), text=text,
                                           platform_identity=f"{channel.value}:{email}"))


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


@pytest.fixture
def say(demo_app: App) -> Say:
    async def _say(email: str, text: str, channel: Channel = Channel.CONSOLE) -> list[Reply]:
        return await say_to(demo_app, email, text, channel)

    return _say


async def person_id(app: App, email: str) -> int:
    person = await app.repos.people.person_by_email(email)
    assert person is not None and person.id is not None
    return person.id


async def held_meeting(app: App, email: str, kind: str = "planning", when: datetime | None = None) -> None:
    """A meeting of ``kind`` already held with this colleague (by default the day before the clock's
    today at 10:00): the lifecycle lets what is recorded after that meeting happen (Policy 3.2)."""
    colleague = await person_id(app, email)
    review = await app.repos.reviews.current_review(colleague)
    assert review is not None
    start = when or datetime.combine(app.clock.today() - timedelta(days=1), time(10), ZoneInfo("Europe/London"))
    await app.repos.reviews.save_meeting(Meeting(review_id=review.id, kind=kind, starts_at=start, minutes=60, location="Office",
                                status="held", scheduled_by_id=review.reviewer_id,
                                scheduled_at=start - timedelta(days=7)))


async def mid_year_signed(app: App, email: str, on: datetime) -> None:
    """The mid-year review recorded and signed by both on ``on`` (the step before the end of year, 3.2)."""
    colleague = await person_id(app, email)
    review = await app.repos.reviews.current_review(colleague)
    assert review is not None and review.id is not None
    await held_meeting(app, email, "mid_year", on - timedelta(hours=2))
    review.midyear_submitted_at = on
    review.stage = ReviewStage.MID_YEAR_DONE
    await app.repos.reviews.save_review(review)
    for role, who in (("reviewer", review.reviewer_id), ("reviewee", colleague)):
        await app.repos.forms.save_signature(Signature(subject_type="review", subject_id=review.id, part="mid_year", role=role,
                                      person_id=who, signed_at=on))

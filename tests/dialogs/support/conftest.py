"""The demo trust (tests/conftest.py ``demo_app``: examples/roster.csv, the 2026 cycle, a clock at
Monday 23 November 2026 10:00 Europe/London) with helpers to talk to the engine as someone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.messages import Action, Address, Channel, Inbound, Reply
from store.models import Review


@dataclass
class Trust:
    app: App
    clock: FixedClock
    ids: dict[str, int]  # email -> person id

    async def say(self, email: str, text: str) -> list[Reply]:
        return await self.app.engine.handle(Inbound(Address(Channel.CONSOLE, email), text=text,
                                                    platform_identity=f"console:{email}"))

    async def press(self, email: str, reply: Reply, value: str, channel: Channel = Channel.CONSOLE) -> list[Reply]:
        """A button press tied to the message it came from (session and revision)."""
        action = Action(value, session_id=reply.session_id, revision=reply.revision, step=reply.step)
        return await self.app.engine.handle(Inbound(Address(channel, email), action=action))

    async def submit(self, email: str, reply: Reply, values: dict[str, str],
                     channel: Channel = Channel.SLACK) -> list[Reply]:
        action = Action("submit", session_id=reply.session_id, revision=reply.revision, step=reply.step)
        return await self.app.engine.handle(Inbound(Address(channel, email), action=action, form=values))

    async def review_of(self, email: str) -> Review:
        review = await self.app.repos.reviews.current_review(self.ids[email])
        assert review is not None
        return review

    async def deliver_report(self, email: str, on: date) -> None:
        review = await self.review_of(email)
        review.report_delivered_on = on
        await self.app.repos.reviews.save_review(review)

    def set_now(self, moment: datetime) -> None:
        self.clock.set(moment)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


@pytest.fixture
async def trust(demo_app: App, clock: FixedClock) -> Trust:
    ids = {p.email: p.id for p in await demo_app.repos.people.all_people() if p.id is not None}
    return Trust(demo_app, clock, ids)

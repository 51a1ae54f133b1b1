"""Helpers for the review-cycle dialog scenarios: speak as someone, read what came back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.app import App
from bot.messages import Address, Channel, Inbound, Reply

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
    person = await app.repo.person_by_email(email)
    assert person is not None and person.id is not None
    return person.id

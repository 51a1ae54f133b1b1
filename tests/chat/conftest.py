"""One scenario, three doors: the same conversation through the console, Slack and Teams.

``chat`` is parametrised over the three channels. Each speaks as a person of the demo trust
(tests/conftest.py: examples/roster.csv on Monday 23 November 2026) and reads back what that person
sees: the console's rendering of each Reply, Slack's Block Kit messages in the person's DM (signed
HTTP into ``cadence serve``, a stand-in Web API on 127.0.0.1), and the Teams activities and Adaptive
Cards the bot posts to a stand-in Bot Connector on 127.0.0.1. ``press`` clicks a button by its label
(in the console: types its number, as a person would).
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
from aiohttp.test_utils import TestClient, TestServer
from rich.console import Console

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.handlers.console.chat import export_folder, show
from bot.handlers.web import build_web_app
from bot.messages import Address, Channel, Inbound, Reply
from tests.conftest import _copy_db, make_settings
from tests.dialogs.review.conftest import ALEX, CHRIS, JO, MARK, PRIYA, SAM  # noqa: F401 - the demo trust
from tests.slack import conftest as slack_harness
from tests.slack.conftest import Slack, StandIn, _slack, buttons
from tests.slack.conftest import render as slack_render
from tests.teams import conftest as teams_harness
from tests.teams.conftest import Connector, Sent, activity, answered

standin = slack_harness.standin  # the Slack Web API stand-in on 127.0.0.1
connector = teams_harness.connector  # the Bot Connector stand-in on 127.0.0.1


class Chat(Protocol):
    channel: Channel
    app: App

    async def say(self, email: str, text: str) -> str: ...

    async def press(self, email: str, label: str) -> str: ...


async def say_all(chat: Chat, email: str, *texts: str) -> str:
    """Say each in turn (the way into a scenario); what came back to the last."""
    reply = ""
    for text in texts:
        reply = await chat.say(email, text)
    return reply


def _key(email: str) -> str:
    return "".join(ch for ch in email.split("@")[0].upper() if ch.isalpha())[:10]


@dataclass
class ConsoleChat:
    """The console's own rendering and saving (bot.handlers.console.chat), one line at a time."""

    app: App
    channel: Channel = Channel.CONSOLE
    last: dict[str, list[Reply]] = field(default_factory=dict)

    async def _send(self, email: str, text: str) -> str:
        replies = await self.app.engine.handle(Inbound(Address(Channel.CONSOLE, email), text,
                                                       platform_identity=f"console:{email}"))
        self.last[email] = replies
        out = io.StringIO()
        show(Console(file=out, width=200), replies, export_folder(self.app.settings.export_dir))
        return out.getvalue()

    async def say(self, email: str, text: str) -> str:
        return await self._send(email, text)

    async def press(self, email: str, label: str) -> str:
        """Type the number of the option, as the console lists it (run_console maps it to the option)."""
        choices = self.last[email][-1].choices if self.last.get(email) else ()
        for choice in choices:
            if choice.label == label:
                return await self._send(email, choice.value)
        raise AssertionError(f"no option {label!r} in {[c.label for c in choices]}")


@dataclass
class SlackChat:
    slack: Slack
    channel: Channel = Channel.SLACK

    @property
    def app(self) -> App:
        return self.slack.app

    def user(self, email: str) -> str:
        user = f"U0{_key(email)}"
        self.slack.api.users[user] = email  # Slack knows their email; Cadence links them on first contact
        return user

    def _since(self, user: str, before: int) -> str:
        messages = self.slack.api.messages("D" + user[1:])[before:]
        return "\n".join(slack_render(m.get("blocks") or []) or m.get("text", "") for m in messages)

    async def say(self, email: str, text: str) -> str:
        user = self.user(email)
        before = len(self.slack.api.messages("D" + user[1:]))
        assert await self.slack.say(user, text) == 200
        return self._since(user, before)

    async def press(self, email: str, label: str) -> str:
        user = self.user(email)
        dm = "D" + user[1:]
        before = len(self.slack.api.messages(dm))
        last = next(m for m in reversed(self.slack.api.messages(dm)) if buttons(m))
        button = next((b for b in buttons(last) if b["text"]["text"] in (label, f"{label}")
                       or b["text"]["text"].endswith(f". {label}")), None)
        assert button is not None, f"no button {label!r} in {[b['text']['text'] for b in buttons(last)]}"
        assert await self.slack.click(user, button) == 200
        return self._since(user, before)


@dataclass
class TeamsChat:
    app: App
    client: TestClient
    connector: Connector
    channel: Channel = Channel.TEAMS
    linked: set[str] = field(default_factory=set)
    last: dict[str, list[Sent]] = field(default_factory=dict)

    async def _who(self, email: str) -> dict[str, str]:
        aad = f"00000000-0000-4000-8000-{abs(hash(email)) % 10**12:012d}"
        if email not in self.linked:
            person = await self.app.repos.people.person_by_email(email)
            assert person is not None and person.id is not None
            await self.app.repos.people.link_platform_id(person.id, "teams", aad)
            self.linked.add(email)
        return {"aad": aad, "user_id": f"29:{_key(email)}", "conversation": f"a:{_key(email)}-personal-chat"}

    async def _post(self, email: str, text: str | None = None, value: dict[str, Any] | None = None) -> str:
        before = len(self.connector.sent)
        body = activity(self.connector, text, value=value, **await self._who(email))
        response = await self.client.post("/api/messages", data=json.dumps(body),
                                          headers={"Content-Type": "application/json"})
        assert response.status in (200, 201, 202), (response.status, await response.text())
        await answered(self.client)
        sent = self.connector.sent[before:]
        self.last[email] = sent
        return "\n".join(s.words + "".join(f"\n[{a['title']}]" for c in s.cards for a in c.get("actions", []))
                         for s in sent)

    async def say(self, email: str, text: str) -> str:
        return await self._post(email, text)

    async def press(self, email: str, label: str) -> str:
        for sent in reversed(self.last.get(email, [])):
            for card in sent.cards:
                for action in card.get("actions", []):
                    if action["title"] == label:
                        return await self._post(email, value=action["data"])
        raise AssertionError(f"no button {label!r} in the last answer to {email}")


@pytest.fixture(params=[Channel.CONSOLE, Channel.SLACK, Channel.TEAMS], ids=lambda c: c.value)
async def chat(request: pytest.FixtureRequest, db_url: str, clock: FixedClock, demo_db: Path, standin: StandIn,
               connector: Connector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Chat]:
    monkeypatch.chdir(tmp_path)  # anything saved lands in this test's folder
    if request.param == Channel.SLACK:
        async for harness in _slack(db_url, clock, standin, demo_db):
            yield SlackChat(harness)
        return
    _copy_db(demo_db, Path(db_url.removeprefix("sqlite:///")))
    app = build_app(make_settings(db_url, teams_emulator=True), clock=clock)
    try:
        if request.param == Channel.CONSOLE:
            yield ConsoleChat(app)
            return
        client = TestClient(TestServer(build_web_app(app), host="127.0.0.1"))
        await client.start_server()
        yield TeamsChat(app, client, connector)
        await client.close()
    finally:
        await app.close()

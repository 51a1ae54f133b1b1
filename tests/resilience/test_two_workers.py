"""Two ``cadence serve`` workers on one PostgreSQL database: every reminder is delivered once and
every answer a person gives, to whichever worker, is kept.

Both workers are real processes (bench/serve_worker.py: ``cadence serve``'s web app and dispatch
job, with a clock from a Monday morning) on one database of the throwaway PostgreSQL server; they
share a stand-in Slack Web API on 127.0.0.1. While they deliver 300 reminders, Sam and Jo each do
a check-in in their Slack DMs, every message going to the other worker from the last one.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import aiohttp
import pytest

from bench import procs
from bench.slack_path import signed
from bench.standin_slack import SlackStandIn, start_standin
from bot.app import build_app
from bot.clock import FixedClock
from store.models import CheckIn
from tests.conftest import make_settings
from tests.resilience.conftest import eventually, healthy
from tests.resilience.outbox import START, delivered, prepare, statuses

pytestmark = pytest.mark.postgres

REMINDERS, PEOPLE = 300, 60
SECRET = "resilience-secret"
# mood 4, no note, a one-to-one, on track, share mood (Sam has no objectives yet, so he isn't asked whether
# they are on track: his second "yes" meets the sharing question, is asked again, and "2" answers it)
CHECKIN = ["checkin", "4", "skip", "yes", "yes", "2"]
ON_TRACK = {"sam.patel@hillside.example": None, "jo.brown@hillside.example": True}
PEOPLE_IN_CHAT = {"U0SAM": "sam.patel@hillside.example", "U0JO": "jo.brown@hillside.example"}
_events = itertools.count(1)


async def say(session: aiohttp.ClientSession, worker: procs.Server, user: str, text: str) -> int:
    n = next(_events)
    body = json.dumps({
        "token": "legacy-not-used", "team_id": "TBENCH", "api_app_id": "A0CADENCE", "type": "event_callback",
        "event_id": f"EvTWO{n:06d}", "event_time": int(time.time()),
        "event": {"type": "message", "channel_type": "im", "user": user, "channel": "D" + user, "text": text,
                  "ts": f"1795428000.{n:06d}", "event_ts": f"1795428000.{n:06d}", "team": "TBENCH",
                  "client_msg_id": f"two-{n}"}}).encode()
    headers = {**signed(body, SECRET), "Content-Type": "application/json"}
    async with session.post(f"{worker.url}/slack/events", data=body, headers=headers) as response:
        return response.status


async def test_two_workers_deliver_each_reminder_once_and_keep_every_answer(pg_url: str, tmp_path: Path) -> None:
    standin = SlackStandIn(per_channel=1e6, per_workspace=10**6)
    runner, api = await start_standin(standin)
    slack = {"slack_bot_token": "xoxb-test-not-a-token", "slack_signing_secret": SECRET, "slack_api_url": api}
    app = build_app(make_settings(pg_url, **slack), clock=FixedClock(START))
    try:
        from bot.demo import seed_demo

        await app.ensure_schema()
        await seed_demo(app)
    finally:
        await app.close()
    await prepare(pg_url, REMINDERS, PEOPLE, **slack)  # the reminders go to a generated trust beside the demo
    app = build_app(make_settings(pg_url, **slack), clock=FixedClock(START))
    try:
        for user, email in PEOPLE_IN_CHAT.items():
            await app.repos.people.link_platform_id((await app.repos.people.person_by_email(email)).id, "slack", user)
    finally:
        await app.close()
    env = procs.clean_env(CADENCE_DATABASE_URL=pg_url, CADENCE_SLACK_BOT_TOKEN="xoxb-test-not-a-token",
                          CADENCE_SLACK_SIGNING_SECRET=SECRET, CADENCE_SLACK_API_URL=api)
    workers = []
    try:
        for name in ("one", "two"):
            port = procs.free_port()
            workers.append(procs.start(procs.python_module("bench.serve_worker", str(port), "--interval", "0.1",
                                                           "--batch", "20"), port, tmp_path / f"{name}.log", env))
        async with aiohttp.ClientSession() as session:
            for worker in workers:
                assert await eventually(healthy(session, worker), timeout=60), worker.tail()
            turn = itertools.count()
            for step, text in enumerate(CHECKIN):
                for user in PEOPLE_IN_CHAT:
                    dm = "D" + user
                    before = sum(1 for c, _, _ in standin.posted if c == dm)
                    worker = workers[next(turn) % 2]
                    assert await say(session, worker, user, text) == 200

                    async def answered(dm: str = dm, before: int = before) -> bool:
                        return sum(1 for c, _, _ in standin.posted if c == dm) > before

                    assert await eventually(answered, timeout=30), (user, step, text, worker.tail())

        async def all_delivered() -> bool:
            return len(delivered(standin.posted)) == REMINDERS

        assert await eventually(all_delivered, timeout=90), [w.tail() for w in workers]
        assert await eventually(_all_marked_sent(pg_url), timeout=30)
    finally:
        for worker in workers:
            worker.kill()
        await runner.cleanup()
    counts = delivered(standin.posted)
    assert max(counts.values()) == 1, f"{sum(n > 1 for n in counts.values())} reminders were sent twice"
    saved = [text for c, text, _ in standin.posted if c.startswith("DU0") and "saved" in text.lower()]
    assert len(saved) == len(PEOPLE_IN_CHAT), [t[:80] for c, t, _ in standin.posted if c.startswith("DU0")]
    app = build_app(make_settings(pg_url), clock=FixedClock(START))
    try:
        for email in PEOPLE_IN_CHAT.values():
            person = await app.repos.people.person_by_email(email)
            latest = (await app.repos.records.checkins(person.id))[0]
            assert isinstance(latest, CheckIn)
            assert (latest.mood, latest.wants_one_to_one, latest.objectives_on_track, latest.share_with_manager) == \
                (4, True, ON_TRACK[email], "mood")
    finally:
        await app.close()


def _all_marked_sent(url: str):  # noqa: ANN202
    async def check() -> bool:
        return (await statuses(url)) == {"sent": REMINDERS}

    return check

"""Must fix 4: a Slack retry delivered to a second worker is applied once.

Two real ``cadence serve`` processes (bench/serve_worker.py, no dispatcher) share one database,
SQLite file or PostgreSQL, and a stand-in Slack Web API on 127.0.0.1. Sam starts his preparation on
worker one and answers the first question there; Slack, not having seen our acknowledgement, sends the
same signed event again (``X-Slack-Retry-Num: 1``, ``X-Slack-Retry-Reason: http_error``) to worker
two. His answer must be taken once: the next thing he types answers the next question, not the one
after.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bench import procs
from bench.delivery import START
from bench.slack_path import signed
from bench.standin_slack import SlackStandIn, start_standin
from bot.app import build_app
from bot.clock import FixedClock
from bot.demo import seed_demo
from tests.conftest import make_settings
from tests.resilience.conftest import eventually, healthy

SECRET = "security-retry-secret"
SAM = "U0SAM"
EMAIL = "sam.patel@hillside.example"
DM = "D" + SAM
ANSWER = "Running the phonics catch-up group with Year 2."


def event(n: int, text: str) -> bytes:
    return json.dumps({
        "token": "legacy-not-used", "team_id": "TBENCH", "api_app_id": "A0CADENCE", "type": "event_callback",
        "event_id": f"EvRETRY{n:04d}", "event_time": int(time.time()),
        "event": {"type": "message", "channel_type": "im", "user": SAM, "channel": DM, "text": text,
                  "ts": f"1795428000.{n:06d}", "event_ts": f"1795428000.{n:06d}", "team": "TBENCH",
                  "client_msg_id": f"retry-{n}"}}).encode()


async def post(session: aiohttp.ClientSession, worker: procs.Server, body: bytes, retry: int = 0) -> int:
    headers = {**signed(body, SECRET), "Content-Type": "application/json"}
    if retry:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"})
    async with session.post(f"{worker.url}/slack/events", data=body, headers=headers) as response:
        return response.status


@dataclass(frozen=True)
class Retried:
    """What Sam saw and what was stored once Slack's retry had gone to the second worker."""

    before_retry: str  # the last thing worker one asked Sam
    answers_to_retry: list[str]  # what worker two said to the retried event (before its answer to "help")
    times_stored: int  # how often Sam's answer is in his preparation


async def retry_to_a_second_worker(url: str, tmp_path: Path) -> Retried:
    standin = SlackStandIn(users={SAM: EMAIL}, per_channel=1e6, per_workspace=10**6)
    runner, api = await start_standin(standin)
    slack = {"slack_bot_token": "xoxb-test-not-a-token", "slack_signing_secret": SECRET, "slack_api_url": api}
    app = build_app(make_settings(url, **slack), clock=FixedClock(START))
    try:
        await app.ensure_schema()
        await seed_demo(app)
        await app.repos.people.link_platform_id((await app.repos.people.person_by_email(EMAIL)).id, "slack", SAM)  # type: ignore[arg-type]
    finally:
        await app.close()
    env = procs.clean_env(CADENCE_DATABASE_URL=url, CADENCE_SLACK_BOT_TOKEN="xoxb-test-not-a-token",
                          CADENCE_SLACK_SIGNING_SECRET=SECRET, CADENCE_SLACK_API_URL=api)
    workers: list[procs.Server] = []
    try:
        for name in ("one", "two"):
            port = procs.free_port()
            workers.append(procs.start(procs.python_module("bench.serve_worker", str(port), "--no-dispatch"),
                                       port, tmp_path / f"{name}.log", env))
        one, two = workers

        def prompts() -> list[str]:
            return [text for channel, text, _ in standin.posted if channel == DM]

        def answered_after(count: int):  # noqa: ANN202
            async def check() -> bool:
                return len(prompts()) > count

            return check

        async with aiohttp.ClientSession() as session:
            for worker in workers:
                assert await eventually(healthy(session, worker), timeout=60), worker.tail()
            for n, text in ((1, "prep"), (2, ANSWER)):
                before = len(prompts())
                assert await post(session, one, event(n, text)) == 200
                assert await eventually(answered_after(before), timeout=30), one.tail()
            before_retry = prompts()[-1]
            before = len(prompts())
            assert await post(session, two, event(2, ANSWER), retry=1) == 200  # the same event, again
            # Sam then asks for help on worker two: it changes nothing, and worker two takes one person's
            # messages in order, so its answer shows the retry has been dealt with
            assert await post(session, two, event(3, "help")) == 200

            async def helped() -> bool:
                return any("You're in" in text for text in prompts()[before:])

            assert await eventually(helped, timeout=30), two.tail()
        after_retry = prompts()[before:]
        until_help = after_retry[:next(i for i, text in enumerate(after_retry) if "You're in" in text)]
    finally:
        for worker in workers:
            worker.kill()
        await runner.cleanup()
    app = build_app(make_settings(url), clock=FixedClock(START))
    try:
        sam = await app.repos.people.person_by_email(EMAIL)
        session = await app.repos.conversations.active_session(sam.id)  # type: ignore[union-attr, arg-type]
        assert session is not None
        return Retried(before_retry, until_help, list(session.state["answers"].values()).count(ANSWER))
    finally:
        await app.close()


async def test_a_retry_to_a_second_worker_is_applied_once_on_sqlite(db_url: str, tmp_path: Path) -> None:
    retried = await retry_to_a_second_worker(db_url, tmp_path)
    assert "question 2 of 23" in retried.before_retry, retried.before_retry  # Sam's answer was taken...
    assert retried.answers_to_retry == []  # ...and the retry was not answered (it would ask question 3)
    assert retried.times_stored == 1


@pytest.mark.postgres
async def test_a_retry_to_a_second_worker_is_applied_once_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    retried = await retry_to_a_second_worker(pg_url, tmp_path)
    assert "question 2 of 23" in retried.before_retry, retried.before_retry
    assert retried.answers_to_retry == []
    assert retried.times_stored == 1

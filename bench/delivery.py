"""4. Delivery against rate limits: the dispatcher sending through the Slack channel to a stand-in
Slack Web API that enforces 1 message a second per channel and 50 a second per workspace.

The stand-in (bench/standin_slack.py) runs as its own process on 127.0.0.1 and answers 429 with
Retry-After over either limit. ``messages`` reminders, due now, go to ``recipients`` people (each
with a Slack id) in turn; the real dispatcher (bot.scheduler.dispatcher.Dispatcher) ticks back to
back through Cadence's Slack channel (bot.handlers.slack) on a clock that starts on a Monday at
10:00 London (inside working hours) and runs in real time. The achieved rate is the messages the
stand-in accepted over the time from the first tick to the last accepted message; the allowed
rate is min(50/s, recipients x 1/s). The baseline is an ideal paced client measured in the same
run against the same stand-in: it sends the same messages at exactly the allowed rate.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench import procs
from bench.report import Figure, not_measured
from bench.standin_slack import PER_CHANNEL_PER_SECOND, PER_WORKSPACE_PER_SECOND

SECTION = "4 delivery under rate limits"
TARGET_FRACTION = 0.9
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday; 10:00 in London (GMT in November)


@dataclass
class RunningClock:
    """Starts at ``start`` and moves with the wall clock (the dispatcher never reads the wall itself)."""

    start: datetime = START
    tz: str = "Europe/London"
    _t0: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._t0)

    def today(self):  # noqa: ANN201
        from zoneinfo import ZoneInfo

        return self.now().astimezone(ZoneInfo(self.tz)).date()


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - 127.0.0.1 only
        return json.loads(r.read())


def _reset(api: str) -> None:
    request = urllib.request.Request(api.replace("/api/", "/_reset"), data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - 127.0.0.1 only
        pass


async def paced_client(api: str, plan: list[tuple[str, str]], allowed: float) -> None:
    """The baseline: chat.postMessage at exactly ``allowed`` per second, never twice a second to a channel."""
    interval = 1.0 / allowed
    last_in_channel: dict[str, float] = {}
    async with aiohttp.ClientSession() as session:
        t0 = time.monotonic()
        pending: list[asyncio.Task[None]] = []
        previous = t0 - interval
        for i, (channel, text) in enumerate(plan):
            # on schedule, but never closer than one interval to the previous send (a late wake-up
            # must not bunch messages into one second), and never twice a second to a channel
            slot = max(t0 + i * interval, previous + interval,
                       last_in_channel.get(channel, -1.0) + 1.0 / PER_CHANNEL_PER_SECOND + 0.005)
            await asyncio.sleep(max(0.0, slot - time.monotonic()))
            previous = last_in_channel[channel] = time.monotonic()

            async def post(channel: str = channel, text: str = text) -> None:
                while True:
                    async with session.post(api + "chat.postMessage", json={"channel": channel, "text": text},
                                            headers={"Authorization": "Bearer xoxb-test-not-a-token"}) as r:
                        if r.status != 429:
                            return
                        await asyncio.sleep(float(r.headers.get("Retry-After", "1")))

            pending.append(asyncio.create_task(post()))
        await asyncio.gather(*pending)


async def _cadence(db_url: str, api: str, messages: int, recipients: int, timeout: float) -> dict[str, Any]:
    from bench.generate import generate_trust
    from bot.app import build_app
    from bot.handlers.slack.runtime import install
    from bot.scheduler.dispatcher import Dispatcher
    from bot.settings import Settings
    from store.models import Reminder

    settings = Settings(_env_file=None, database_url=db_url, slack_bot_token="xoxb-test-not-a-token",  # type: ignore[call-arg]
                        slack_signing_secret="bench-secret", slack_api_url=api)
    clock = RunningClock()
    app = build_app(settings, clock=clock)
    try:
        await app.ensure_schema()
        await generate_trust(app, recipients)
        people = [p for p in await app.repos.people.all_people() if p.id is not None]
        for p in people:
            await app.repos.people.link_platform_id(p.id, "slack", f"UR{p.id:06d}")  # type: ignore[arg-type]
        if install(app) is None:
            raise RuntimeError("the Slack channel did not install")
        due = clock.now() - timedelta(minutes=1)
        rows = [Reminder(dedupe_key=f"bench-rate:{i}", kind="prep_nudge", recipient_id=people[i % len(people)].id,  # type: ignore[arg-type]
                         due_at=due, clause="5.1", subject=f"Reminder {i}", body="Please prepare for your meeting.",
                         action="prep") for i in range(messages)]
        await app.repos.outbox.enqueue_all(rows)
        dispatcher = Dispatcher(app, worker_id="bench-rate")
        t0 = time.monotonic()
        sent = retried = ticks = 0
        while sent < messages and time.monotonic() - t0 < timeout:
            stats = await dispatcher.tick()
            ticks += 1
            sent += stats.sent
            retried += stats.retried
            if stats.claimed == 0:
                await asyncio.sleep(0.1)
        statuses: dict[str, int] = {}
        for row in await app.repos.outbox.reminders(status=None, limit=messages * 2):
            statuses[row.status] = statuses.get(row.status, 0) + 1
        return {"t0": t0, "sent": sent, "retried": retried, "ticks": ticks, "statuses": statuses,
                "elapsed": time.monotonic() - t0}
    finally:
        runtime = app.extras.get("slack")
        client = getattr(runtime, "client", None)
        session = getattr(client, "session", None)
        if session is not None:
            await session.close()
        await app.close()


def run(messages: int = 300, recipients: int = 100) -> list[Figure]:
    try:
        importlib.import_module("bot.handlers.slack.runtime")
        importlib.import_module("bot.scheduler.dispatcher")
    except ImportError as error:
        return [not_measured(SECTION, "achieved delivery rate", "msg/s",
                             f"the dispatcher or the Slack channel is not on this tree ({error})",
                             f">={TARGET_FRACTION} of allowed")]
    allowed = min(PER_WORKSPACE_PER_SECOND, recipients * PER_CHANNEL_PER_SECOND)
    ideal = messages / allowed
    with tempfile.TemporaryDirectory(prefix="cadence-bench-rate-") as tmp:
        port = procs.free_port()
        standin = procs.start(procs.python_module("bench.standin_slack", str(port)), port, Path(tmp) / "standin.log")
        api = f"http://127.0.0.1:{port}/api/"
        try:
            _wait(api)
            plan = [(f"DR{i % recipients:06d}", f"Reminder {i}") for i in range(messages)]
            t0 = time.monotonic()
            asyncio.run(paced_client(api, plan, allowed))
            base = _get(api.replace("/api/", "/_stats"))
            base_rate = base["posted"] / (base["last"] - t0)
            _reset(api)
            ours = asyncio.run(_cadence(f"sqlite:///{Path(tmp) / 'rate.db'}", api, messages, recipients,
                                        timeout=max(60.0, ideal * 6)))
            got = _get(api.replace("/api/", "/_stats"))
        finally:
            standin.stop()
    posted = got["posted"]
    span = (got["last"] - ours["t0"]) if got["last"] else None
    rate = posted / span if span else 0.0
    fraction = rate / allowed
    status = ", ".join(f"{k} {v}" for k, v in sorted(ours["statuses"].items()))
    figure = Figure(SECTION, f"achieved rate, {messages} reminders to {recipients} people", rate, "msg/s", base_rate,
                    "ideal paced client", target=f">={TARGET_FRACTION} x {allowed:.0f}/s allowed",
                    note=f"{fraction:.2f} of the allowed {allowed:.0f}/s (the ideal client: {base_rate / allowed:.2f}); "
                         f"{got['answered_429']} answers were 429; {ours['ticks']} ticks, {ours['retried']} rows "
                         f"rescheduled; outbox after the run: {status}")
    figure.met = fraction >= TARGET_FRACTION
    lost = messages - ours["statuses"].get("sent", 0)
    dupes = posted - got["texts"]
    delivered = Figure(SECTION, "reminders delivered", float(got["texts"]), "msgs", float(messages), "enqueued",
                       target="all, no duplicate", met=(lost == 0 and got["texts"] == messages and dupes == 0),
                       note=f"{lost} not marked sent, {dupes} duplicate message(s) at the stand-in")
    return [figure, delivered]


def _wait(api: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _get(api.replace("/api/", "/_stats"))
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("stand-in Slack did not start")

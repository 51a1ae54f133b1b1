"""A worker is killed (SIGKILL) in the middle of sending 1,000 reminders and started again: none is
lost, and no more are sent twice than the batch it had in flight.

The worker is a real process (bench/serve_worker.py: ``cadence serve``'s web app and dispatch job
with a clock from a Monday morning and a lease of 2 seconds), sending through Cadence's Slack
channel to a stand-in Slack Web API on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from bench import procs
from bench.standin_slack import SlackStandIn, start_standin
from tests.resilience.conftest import eventually
from tests.resilience.outbox import delivered, prepare, statuses

REMINDERS, PEOPLE, BATCH = 1000, 100, 50


def worker(port: int, url: str, api: str, log: Path) -> procs.Server:
    env = procs.clean_env(CADENCE_DATABASE_URL=url, CADENCE_SLACK_BOT_TOKEN="xoxb-test-not-a-token",
                          CADENCE_SLACK_SIGNING_SECRET="resilience-secret", CADENCE_SLACK_API_URL=api)
    return procs.start(procs.python_module("bench.serve_worker", str(port), "--lease", "2", "--interval", "0.05",
                                           "--batch", str(BATCH)), port, log, env)


async def test_a_worker_killed_mid_send_loses_nothing_and_repeats_at_most_its_batch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    await prepare(url, REMINDERS, PEOPLE)
    standin = SlackStandIn(per_channel=1e6, per_workspace=10**6)
    runner, api = await start_standin(standin)
    first = second = None
    try:
        first = worker(procs.free_port(), url, api, tmp_path / "first.log")

        async def some_sent() -> bool:
            return len(standin.posted) >= 300

        assert await eventually(some_sent, timeout=60), first.tail()
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait(timeout=10)
        at_kill = len(delivered(standin.posted))
        assert at_kill < REMINDERS, "the worker finished before it could be killed; the test proves nothing"

        second = worker(procs.free_port(), url, api, tmp_path / "second.log")

        async def all_sent() -> bool:
            return len(delivered(standin.posted)) == REMINDERS

        assert await eventually(all_sent, timeout=90), second.tail()
        assert await eventually(_all_marked_sent(url), timeout=30)
    finally:
        for server in (first, second):
            if server is not None:
                server.kill()
        await runner.cleanup()
    counts = delivered(standin.posted)
    repeats = sum(n - 1 for n in counts.values())
    assert set(counts) == set(range(REMINDERS))
    assert repeats <= BATCH, f"{repeats} reminders were sent twice; the killed worker held at most {BATCH}"


def _all_marked_sent(url: str):  # noqa: ANN202
    async def check() -> bool:
        return (await statuses(url)) == {"sent": REMINDERS}

    return check

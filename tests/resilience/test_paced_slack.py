"""A trust-wide reminder run against Slack's real limits: one message a second per conversation and
50 a second per workspace (the stand-in answers 429 with Retry-After over either).

The real dispatcher, its ``cadence serve`` job (bot.scheduler.jobs.dispatch_job) and Cadence's
Slack channel run in this process against bench.standin_slack on 127.0.0.1. Colleagues have
several reminders each, due one after another, and their rows were written out of order (ids do
not follow the due times), so "in each person's order" means the order they were due. Speed is
measured in bench/ (section 4), never asserted here.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from bench.delivery import START, RunningClock
from bench.generate import generate_trust
from bench.standin_slack import SlackStandIn, start_standin
from bot.app import App, build_app
from bot.scheduler.dispatcher import Dispatcher
from bot.scheduler.jobs import dispatch_job
from store.models import Reminder
from tests.conftest import make_settings
from tests.resilience.outbox import SUBJECT


@dataclass
class Run:
    app: App
    standin: SlackStandIn
    due_order: dict[str, list[int]]  # Slack DM -> reminder numbers in the order they were due

    def posted(self) -> dict[str, list[int]]:
        """Reminder numbers as each DM received them."""
        seen: dict[str, list[int]] = defaultdict(list)
        for channel, text, _ in self.standin.posted:
            match = SUBJECT.search(text)
            if match:
                seen[channel].append(int(match.group(1)))
        return dict(seen)

    async def statuses(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in await self.app.repos.outbox.reminders(status=None, limit=100_000):
            if row.dedupe_key.startswith("paced:"):
                counts[row.status] += 1
        return dict(counts)


@asynccontextmanager
async def trust_run(tmp_path: Path, plan: list[int], per_channel: float = 1.0, **standin: Any) -> AsyncIterator[Run]:
    """``plan[p]`` reminders for colleague p, each colleague's due one second apart, written newest first;
    ``per_channel`` is the stand-in's limit per conversation and the one Cadence is configured with."""
    stand_in = SlackStandIn(per_channel=per_channel, **standin)
    runner, api = await start_standin(stand_in)
    url = f"sqlite:///{tmp_path / 'paced.db'}"
    app = build_app(make_settings(url, slack_bot_token="xoxb-test-not-a-token", slack_signing_secret="paced-secret",
                                  slack_api_url=api, slack_per_channel_per_second=str(per_channel)),
                    clock=RunningClock(START))
    try:
        await app.ensure_schema()
        await generate_trust(app, len(plan))
        people = [p.id for p in await app.repos.people.all_people() if p.email.endswith("@bench.example")][:len(plan)]
        rows: list[dict[str, Any]] = []
        due_order: dict[str, list[int]] = {}
        number = 0
        for person, count in zip(people, plan, strict=True):
            await app.repos.people.link_platform_id(person, "slack", f"UR{person:06d}")
            due_order[f"DUR{person:06d}"] = list(range(number, number + count))
            for n in range(count):
                rows.append({"dedupe_key": f"paced:{number + n}", "kind": "prep_nudge", "recipient_id": person,
                             "due_at": START - timedelta(hours=1) + timedelta(seconds=number + n),
                             "clause": "5.1", "subject": f"Reminder #{number + n:04d}",
                             "body": "Please prepare for your meeting.", "action": "prep", "escalation_level": 0,
                             "status": "pending", "attempts": 0, "claimed_by": "", "channel": "",
                             "last_error": "", "created_at": START})
            number += count
        async with app.db.engine.begin() as conn:
            await conn.execute(insert(Reminder), list(reversed(rows)))  # ids run against the due order
        importlib.import_module("bot.handlers.slack.runtime").install(app)
        yield Run(app, stand_in, due_order)
    finally:
        await app.close()
        await runner.cleanup()


@pytest.fixture
def run_factory(tmp_path: Path):  # noqa: ANN201
    return lambda plan, **standin: trust_run(tmp_path, plan, **standin)


async def test_a_trust_wide_run_to_100_colleagues_is_paced_under_slacks_limits(run_factory) -> None:
    """100 colleagues, two reminders each, through ``cadence serve``'s dispatch job: Slack never has
    to say 429, every reminder arrives once, and each person gets theirs in the order they were due."""
    async with run_factory([2] * 100) as run:
        dispatcher = Dispatcher(run.app, worker_id="paced", batch=100)
        for _ in range(10):
            stats = await dispatch_job(run.app, dispatcher, budget=30)
            if stats.claimed == 0 and stats.held == 0:
                break
        assert run.standin.answered_429 == 0
        assert run.posted() == run.due_order
        assert await run.statuses() == {"sent": 200}


async def test_one_colleague_with_five_reminders_does_not_hold_up_the_others(run_factory) -> None:
    """Sam has five reminders due first, thirty colleagues one each. Slack takes one message a second
    into Sam's DM, so the first pass sends everyone theirs and Sam the first of five; the other four
    stay claimed by this worker (not lost, not sent early) and follow in order."""
    async with run_factory([5] + [1] * 30) as run:
        dispatcher = Dispatcher(run.app, worker_id="paced")
        first = await dispatcher.tick()
        sam = next(iter(run.due_order))
        posted = run.posted()
        assert first.claimed == 35 and first.held >= 3
        assert all(posted.get(dm) == numbers for dm, numbers in run.due_order.items() if dm != sam)
        assert posted[sam] == run.due_order[sam][:5 - first.held]
        assert (await run.statuses()).get("claimed") == first.held

        while (await dispatcher.tick()).held:
            pass
        assert run.posted() == run.due_order
        assert run.standin.answered_429 == 0
        assert await run.statuses() == {"sent": 35}


async def test_a_colleague_back_from_leave_with_40_reminders_waiting_does_not_hold_up_30_others(run_factory) -> None:
    """Sam's 40 reminders are first in line (due while Sam was away). This worker takes at most ten of
    them at a time and skips Sam while it holds those, so the thirty colleagues behind get theirs in
    the next pass, and Sam's 40 still arrive one by one in the order they were due (this Slack takes
    20 messages a second into one conversation, to keep the test short)."""
    async with run_factory([40] + [1] * 30, per_channel=20.0) as run:
        dispatcher = Dispatcher(run.app, worker_id="paced", batch=50)
        await dispatcher.tick()
        await dispatcher.tick()
        sam = next(iter(run.due_order))
        posted = run.posted()
        assert all(posted.get(dm) == numbers for dm, numbers in run.due_order.items() if dm != sam)
        assert len(posted[sam]) < 40

        await dispatcher.drain()
        assert run.posted() == run.due_order
        assert run.standin.answered_429 == 0
        assert await run.statuses() == {"sent": 70}


async def test_a_worker_that_stops_gives_back_what_it_holds_and_another_delivers_it_in_order(run_factory) -> None:
    """A worker stops (a job run ends, or ``cadence serve`` shuts down) while it holds Sam's later
    reminders: they go back to the outbox as they were, and the next worker sends them in order."""
    async with run_factory([4, 1]) as run:
        first = Dispatcher(run.app, worker_id="stopping")
        assert (await first.tick()).held >= 2
        given = await first.give_back()
        statuses = await run.statuses()
        assert statuses.get("pending") == given and "claimed" not in statuses
        assert {r.attempts for r in await run.app.repos.outbox.reminders("pending")} == {0}  # nothing counted as a failure

        await Dispatcher(run.app, worker_id="next").drain()
        assert run.posted() == run.due_order
        assert await run.statuses() == {"sent": 5}


async def test_429s_the_pacer_could_not_foresee_are_honoured_and_nothing_is_lost_or_reordered(run_factory) -> None:
    """Another worker shares the workspace, so Slack says 429 now and then whatever we do (seeded):
    each is tried again after its Retry-After, nothing is sent twice or out of order, nothing fails."""
    async with run_factory([3] * 20, extra_429_rate=0.05, seed=3) as run:
        dispatcher = Dispatcher(run.app, worker_id="shared-workspace")
        for _ in range(10):
            stats = await dispatch_job(run.app, dispatcher, budget=30)
            if stats.claimed == 0 and stats.held == 0:
                break
        assert run.standin.answered_429 > 0, "the stand-in never said 429; the test proves nothing"
        assert run.posted() == run.due_order
        assert await run.statuses() == {"sent": 60}

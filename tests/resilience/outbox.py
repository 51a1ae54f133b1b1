"""Shared set-up for the dispatcher's resilience tests: a generated trust, Slack ids, a full outbox."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import insert

from bench.delivery import START
from bench.generate import generate_trust
from bot.app import build_app
from bot.clock import FixedClock
from store.models import Reminder
from tests.conftest import make_settings

SUBJECT = re.compile(r"Reminder #(\d{4})")


async def prepare(url: str, reminders: int, people: int, **settings: str) -> list[int]:
    """Migrate ``url``, write a trust of ``people`` with Slack ids, and ``reminders`` due reminders."""
    app = build_app(make_settings(url, **settings), clock=FixedClock(START))
    try:
        await app.ensure_schema()
        await generate_trust(app, people)
        ids = [p.id for p in await app.repos.people.all_people() if p.email.endswith("@bench.example")]
        for pid in ids:
            await app.repos.people.link_platform_id(pid, "slack", f"UR{pid:06d}")
        due = START - timedelta(minutes=1)
        rows: list[dict[str, Any]] = [
            {"dedupe_key": f"resilience:{i}", "kind": "prep_nudge", "recipient_id": ids[i % len(ids)], "due_at": due,
             "clause": "5.1", "subject": f"Reminder #{i:04d}", "body": "Please prepare for your meeting.",
             "action": "prep", "escalation_level": 0, "status": "pending", "attempts": 0, "claimed_by": "",
             "channel": "", "last_error": "", "created_at": START} for i in range(reminders)]
        async with app.db.engine.begin() as conn:
            await conn.execute(insert(Reminder), rows)
        return ids
    finally:
        await app.close()


def delivered(posted: list[tuple[str, str, float]]) -> Counter[int]:
    """How many times each reminder number reached Slack."""
    counts: Counter[int] = Counter()
    for _, text, _ in posted:
        match = SUBJECT.search(text)
        if match:
            counts[int(match.group(1))] += 1
    return counts


async def statuses(url: str) -> Counter[str]:
    app = build_app(make_settings(url), clock=FixedClock(START))
    try:
        rows = await app.repos.outbox.reminders(status=None, limit=100_000)
        return Counter(r.status for r in rows if r.dedupe_key.startswith("resilience:"))  # not the bot's own notices
    finally:
        await app.close()

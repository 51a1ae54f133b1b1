"""One turn, one transaction: a completing answer that fails part-way leaves no trace.

Each scenario walks a dialog to its last question, then sends the completing answer again and
again with a fault injected at the 1st, 2nd, 3rd, ... database write of the turn (the preparation
answers, the review, signatures, the audit row, the outbox notice, the dialog state: whatever the
completion writes, in the order it writes it). After every failed attempt the database is exactly
as before the turn (every row of every table) and no notice is in the outbox; once the faults run
out the same answer completes, and completes once. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select
from sqlmodel import SQLModel

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.messages import Address, Channel, Inbound, Reply
from bot.policy.questions import COLLEAGUE_QUESTIONS
from tests.conftest import TODAY, _copy_db, make_settings
from tests.resilience.conftest import needs_postgres

SAM = "sam.patel@hillside.example"
JO = "jo.brown@hillside.example"
PRIYA = "priya.shah@hillside.example"
WRITES = ("INSERT", "UPDATE", "DELETE")


class InjectedFault(Exception):
    """The database 'fails' at the chosen write of the turn."""


@dataclass
class Scenario:
    name: str
    who: str
    lead_in: Callable[[App], Awaitable[None]]  # walks the dialog to its last question
    last_answer: str
    done_says: str  # in the reply once the turn completes
    outbox_kinds: tuple[str, ...]  # notices the completion enqueues (at least one each)


async def say(app: App, email: str, text: str) -> list[Reply]:
    return await app.engine.handle(Inbound(Address(Channel.CONSOLE, email), text=text,
                                           platform_identity=f"console:{email}"))


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def prep_lead_in(app: App) -> None:
    await say(app, SAM, "prep")
    for i in range(len(COLLEAGUE_QUESTIONS)):
        await say(app, SAM, f"Answer {i + 1}" if i % 3 == 0 else "skip")


async def objectives_lead_in(app: App) -> None:
    await say(app, PRIYA, "objectives jo")
    await say(app, PRIYA, "add")
    for answer in ("Run a weekly spelling club for 8 Year 4 pupils in the Spring and Summer terms",
                   "6 of the 8 pupils improve their spelling age by 6 months, measured in July", "16/07/2027",
                   "skip", "team", "skip", "agreed", "no", "skip", "skip", "skip", "skip", "skip", "skip"):
        await say(app, PRIYA, answer)


async def end_of_year_lead_in(app: App) -> None:
    """The lifecycle's order (3.2, 7.1): Jo's mid-year review signed, her end-of-year meeting held."""
    from tests.dialogs.review.conftest import held_meeting, mid_year_signed

    london = ZoneInfo("Europe/London")
    await mid_year_signed(app, JO, datetime(2027, 2, 10, 15, tzinfo=london))
    app.clock.set(datetime(2027, 7, 7, 15, tzinfo=london))  # type: ignore[attr-defined]
    await held_meeting(app, JO, "end_of_year", datetime(2027, 7, 7, 10, tzinfo=london))
    for answer in ("endyear jo", "Met", "All six pupils passed the screening check", "partially",
                   "Club ran all year; attendance dipped in the summer term", "yes", "skip",
                   "Open conversation about next year", "Works with the class teachers daily", "skip", "skip",
                   "skip", "A strong year", "Phonics refresher\nSEN training", "yes", "skip",
                   "Level 3 TA qualification", "no"):
        await say(app, PRIYA, answer)


async def written_appeal_lead_in(app: App) -> None:
    sam = await app.repos.people.person_by_email(SAM)
    review = await app.repos.reviews.current_review(sam.id)  # type: ignore[union-attr,arg-type]
    review.report_delivered_on = date(2026, 11, 2)  # type: ignore[union-attr]
    await app.repos.reviews.save_review(review)
    await say(app, SAM, "appeal")
    for answer in ("Appeal in writing", "My rating on objective 2 ignores the evidence", "A union representative",
                   "Pat Okoro"):
        await say(app, SAM, answer)


SCENARIOS = [
    Scenario("preparation", SAM, prep_lead_in, "1", "Your reviewer can read them", ("reviewer_prep",)),
    Scenario("objectives", PRIYA, objectives_lead_in, "confirm", "signatures were withdrawn", ()),
    Scenario("end_of_year", PRIYA, end_of_year_lead_in, "confirm", "3 training need(s) recorded", ()),
    Scenario("written_appeal", SAM, written_appeal_lead_in, "confirm", "Your written appeal has gone to",
             ("appeal_hearing_deadline",)),
]


async def everything(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with app.db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await conn.execute(select(table).order_by(*table.primary_key.columns))).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


class FaultAt:
    """Raise at the ``n``th INSERT/UPDATE/DELETE sent to the database from now on (0: never)."""

    def __init__(self, app: App) -> None:
        self.engine = app.db.engine.sync_engine
        self.n = 0
        self.writes = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            self.writes += 1
            if self.writes == self.n:
                raise InjectedFault(f"write {self.n}: {statement.split()[0:3]}")

    def __enter__(self) -> FaultAt:
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> tuple[str, bool]:
    """(url, seeded): the demo trust's SQLite copy, or a fresh PostgreSQL database to seed."""
    if request.param == "sqlite":
        demo_db, url = request.getfixturevalue("demo_db"), request.getfixturevalue("db_url")
        _copy_db(demo_db, Path(url.removeprefix("sqlite:///")))
        return url, True
    needs_postgres()
    return request.getfixturevalue("pg_url"), False


@pytest.fixture
async def trust(database_url: tuple[str, bool]) -> AsyncIterator[App]:
    url, seeded = database_url
    app = build_app(make_settings(url), clock=FixedClock(TODAY))
    try:
        if not seeded:
            from bot.demo import seed_demo

            await app.ensure_schema()
            await seed_demo(app)
        yield app
    finally:
        await app.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_a_fault_at_any_write_of_a_completing_turn_leaves_nothing_and_the_answer_completes_once(
        trust: App, scenario: Scenario) -> None:
    app = trust
    await scenario.lead_in(app)
    before = await everything(app)
    faults = FaultAt(app)
    attempts = 0
    with faults:
        while True:
            attempts += 1
            faults.n, faults.writes = attempts, 0
            try:
                replies = await say(app, scenario.who, scenario.last_answer)
            except Exception as error:  # noqa: BLE001 - the injected fault, however the driver wraps it
                assert "InjectedFault" in repr(error) or isinstance(error, InjectedFault), repr(error)
                after = await everything(app)
                changed = {t for t in before if before[t] != after[t]}
                assert not changed, f"write {attempts} of {scenario.name} left changes in {sorted(changed)}"
                continue
            break
    writes = attempts - 1
    assert writes >= 3, f"{scenario.name}: only {writes} writes were faulted; the turn should write more"
    assert scenario.done_says in text_of(replies)
    after = await everything(app)
    new_reminders = [r for r in after["reminder"] if r not in before["reminder"]]
    kinds = [r[2] for r in new_reminders]  # (id, dedupe_key, kind, ...)
    for kind in scenario.outbox_kinds:
        assert kinds.count(kind) == 1, (kind, kinds)
    new_audit = [r for r in after["audit_event"] if r not in before["audit_event"]]
    assert new_audit, "the completion writes its audit row"
    # the same answer once more changes no record: the dialog is finished, so it is not completed twice
    again = await everything(app)
    await say(app, scenario.who, scenario.last_answer)
    final = await everything(app)
    assert final["reminder"] == again["reminder"]
    for table in ("objective", "preparation_answer", "appeal", "signature", "training_need"):
        if table in final:
            assert final[table] == again[table], table


async def test_a_completing_turn_is_one_connection_and_one_commit(trust: App) -> None:
    """Before the unit of work, finishing the preparation took ten connections and six commits."""
    app = trust
    await prep_lead_in(app)
    seen = {"checkouts": 0, "commits": 0}
    engine = app.db.engine.sync_engine

    def checkout(*_args: Any) -> None:
        seen["checkouts"] += 1

    def commit(*_args: Any) -> None:
        seen["commits"] += 1

    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine, "commit", commit)
    try:
        replies = await say(app, SAM, "1")
    finally:
        event.remove(engine.pool, "checkout", checkout)
        event.remove(engine, "commit", commit)
    assert "Your reviewer can read them" in text_of(replies)
    assert seen == {"checkouts": 1, "commits": 1}


async def test_the_same_last_answer_on_two_workers_at_once_completes_once(trust: App) -> None:
    """A double submit reaching two workers: both turns run (neither fails on the other's locks or
    keys), one completes, the other changes nothing."""
    import asyncio

    first = trust
    second = build_app(first.settings, clock=FixedClock(TODAY))
    try:
        await prep_lead_in(first)
        before = await everything(first)
        replies = await asyncio.gather(say(first, SAM, "1"), say(second, SAM, "1"))
        done = [r for r in replies if "Your reviewer can read them" in text_of(r)]
        assert len(done) == 1, [text_of(r) for r in replies]
        after = await everything(first)
        new_reminders = [r for r in after["reminder"] if r not in before["reminder"]]
        assert [r[2] for r in new_reminders].count("reviewer_prep") == 1  # one notice to Priya, not two
    finally:
        await second.close()


async def test_a_failed_turn_gives_back_its_inbound_claim_so_the_platforms_retry_is_applied_once(
        trust: App) -> None:
    """Slack's event id is claimed inside the turn: a turn that fails takes its claim back with
    everything else, so Slack's retry of that event completes; a third delivery is ignored."""
    app = trust
    await prep_lead_in(app)
    inbound = Inbound(Address(Channel.CONSOLE, SAM), text="1", platform_identity=f"console:{SAM}")

    def first() -> Callable[[], Awaitable[bool]]:
        async def claim() -> bool:
            return await app.repos.inbound.claim_inbound("slack", "Ev0TURN0001")
        return claim

    before = await everything(app)
    with FaultAt(app) as faults:
        faults.n = 3  # the claim is write 1; the turn fails at its third write
        with pytest.raises(InjectedFault):
            await app.engine.handle(inbound, first())
    assert await everything(app) == before  # the claim is gone with the rest
    done = await app.engine.handle(inbound, first())  # Slack's retry of the same event
    assert "Your reviewer can read them" in text_of(done)
    assert await app.engine.handle(inbound, first()) == []  # and once more: already applied, nothing done

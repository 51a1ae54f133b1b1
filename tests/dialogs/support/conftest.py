"""A migrated SQLite app with the demo trust of examples/roster.csv, a 2026 cycle with reviews by
each colleague's lead line manager, and a clock at Monday 23 November 2026 10:00 Europe/London.

Own fixture (``trust``) so these tests don't depend on the order in which shared fixtures land.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.messages import Address, Action, Channel, Inbound, Reply
from bot.settings import Settings
from store.models import Person, Review

ROSTER = Path(__file__).resolve().parents[3] / "examples" / "roster.csv"
TRUST = "Co-op Academies Trust"


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
        review = await self.app.repo.current_review(self.ids[email])
        assert review is not None
        return review

    async def deliver_report(self, email: str, on: date) -> None:
        review = await self.review_of(email)
        review.report_delivered_on = on
        await self.app.repo.save(review)

    def set_now(self, moment: datetime) -> None:
        self.clock.set(moment)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def seed(app: App) -> dict[str, int]:
    repo = app.repo
    rows = list(csv.DictReader(ROSTER.read_text(encoding="utf-8").splitlines()))
    trust = await repo.upsert_organisation(TRUST, "trust")
    orgs = {TRUST: trust}
    for row in rows:
        if row["organisation"] not in orgs:
            orgs[row["organisation"]] = await repo.upsert_organisation(row["organisation"], row["organisation_kind"],
                                                                       parent_id=trust.id)
    ids: dict[str, int] = {}
    for row in rows:
        person = await repo.save_person(Person(
            email=row["email"], name=row["name"], job_title=row["job_title"],
            organisation_id=orgs[row["organisation"]].id, employment_type=row["employment_type"],
            start_date=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
            leadership_role=row["leadership_role"] == "yes", in_capability=row["in_capability"] == "yes",
            on_induction=row["on_induction"] == "yes"))
        ids[row["email"]] = person.id
    for row in rows:
        managers = [m for m in row["line_manager_email"].split(";") if m]
        if managers:
            lead = row["lead_line_manager"] or managers[0]
            await repo.set_line_managers(ids[row["email"]], [(ids[m], m == lead) for m in managers])
        if row["roles"]:
            await repo.set_roles(ids[row["email"]], [(r, orgs[row["organisation"]].id)
                                                     for r in row["roles"].split(";")])
    for row in rows:
        managers = [m for m in row["line_manager_email"].split(";") if m]
        if not managers or row["employment_type"] == "agency":
            continue
        org = orgs[row["organisation"]]
        cycle = await repo.cycle(org.id, 2026, create=True)
        lead = row["lead_line_manager"] or managers[0]
        await repo.save(Review(cycle_id=cycle.id, colleague_id=ids[row["email"]], reviewer_id=ids[lead]))
    return ids


@pytest.fixture
async def trust(tmp_path: Path) -> Trust:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cadence.db'}", _env_file=None)
    clock = FixedClock(datetime(2026, 11, 23, 10, 0))
    app = build_app(settings, clock)
    await app.ensure_schema()
    ids = await seed(app)
    yield Trust(app, clock, ids)
    await app.close()

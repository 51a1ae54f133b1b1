"""``cadence simulate`` and ``cadence reminders`` (DESIGN.md's interface).

``simulate`` runs the reminder rules over a simulated span of days against the current state of
the database and prints what would be sent, each at the moment the dispatcher would send it
(the recipient's working hours, Policy 3.4; paused during an absence, Policy 3.7). It writes
nothing: the outbox is left as it is. Notices already waiting in the outbox for that span are
included. ``--json`` prints one object a line: {"kind","to","due","clause","subject"}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import typer


@dataclass(frozen=True)
class Line:
    kind: str
    to: str
    due: datetime
    clause: str
    subject: str

    def as_json(self) -> str:
        return json.dumps({"kind": self.kind, "to": self.to, "due": self.due.isoformat(), "clause": self.clause,
                           "subject": self.subject}, ensure_ascii=False)


def _parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01.",
                                 param_hint=option) from None


async def simulate_lines(app: Any, start: date, end: date) -> list[Line]:
    """What would be sent from ``start`` to ``end`` (inclusive), in order."""
    from zoneinfo import ZoneInfo

    from bot.scheduler.dispatcher import Dispatcher, deliverable_at
    from bot.scheduler.facts import FactSource
    from bot.scheduler.rules import KEY_PREFIX, Span

    zone = ZoneInfo(app.settings.timezone)
    planned: dict[str, tuple[str, int, datetime, str, str]] = {}
    async for batch in FactSource(app).all_batches(Span(start, end)):
        for p in batch.planned:
            if start - timedelta(days=14) <= p.due.astimezone(zone).date() <= end:  # a weekend's wait, a bank holiday
                planned.setdefault(p.dedupe_key, (p.kind, p.recipient_id, p.due, p.clause, p.subject))
    lo = datetime.combine(start - timedelta(days=14), datetime.min.time(), tzinfo=zone)
    hi = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    for r in await app.repos.outbox.reminders_due_between(lo, hi):
        if not r.dedupe_key.startswith(KEY_PREFIX):
            planned.setdefault(r.dedupe_key, (r.kind, r.recipient_id, r.due_at, r.clause, r.subject))
    people = await app.repos.people.people({v[1] for v in planned.values()})
    dispatcher = Dispatcher(app, worker_id="simulate")
    await dispatcher.load_calendar_names()
    lines: list[Line] = []
    for kind, rid, due, clause, subject in planned.values():
        person = people.get(rid)
        if person is None or not person.active:
            continue
        workdays, hours = dispatcher.calendar_of(person)
        when = deliverable_at(person, due, workdays, hours, pause=kind not in ("delivery_failed", "unreachable"))
        if start <= when.astimezone(zone).date() <= end:  # when it would actually go out
            lines.append(Line(kind, person.email, when.astimezone(zone), clause, subject))
    lines.sort(key=lambda x: (x.due, x.kind, x.to, x.subject))
    return lines


async def pending_lines(app: Any, limit: int) -> list[Line]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(app.settings.timezone)
    rows = (await app.repos.outbox.reminders("pending", limit=limit)) + (await app.repos.outbox.reminders("claimed", limit=limit))
    people = await app.repos.people.people({r.recipient_id for r in rows})
    out = [Line(r.kind, people[r.recipient_id].email if r.recipient_id in people else f"person {r.recipient_id}",
                r.due_at.astimezone(zone), r.clause, r.subject) for r in rows]
    return sorted(out, key=lambda x: (x.due, x.kind, x.to))[:limit]


def _print(lines: list[Line], as_json: bool, empty: str) -> None:
    from rich.console import Console
    from rich.table import Table

    if as_json:
        for line in lines:
            typer.echo(line.as_json())
        return
    console = Console()
    if not lines:
        console.print(empty)
        return
    table = Table(show_lines=False)
    for col in ("when", "kind", "to", "policy", "subject"):
        table.add_column(col)
    for x in lines:
        table.add_row(f"{x.due:%a %d %b %Y %H:%M}", x.kind, x.to, x.clause, x.subject)
    console.print(table)
    console.print(f"{len(lines)} reminder(s).")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    def simulate(
        from_: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD"),
        to: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD"),
        as_json: bool = typer.Option(False, "--json", help='One JSON object a line: {"kind","to","due","clause","subject"}'),
    ) -> None:
        """Print the reminders the scheduler would send between two dates (nothing is sent or stored)."""
        from bot.cli.common import run_with_app

        start, end = _parse_day(from_, "--from"), _parse_day(to, "--to")
        if end < start:
            raise typer.BadParameter(f"--to ({end}) is before --from ({start}); swap them.", param_hint="--to")
        if (end - start).days > 3 * 366:
            raise typer.BadParameter("Simulate at most three years at a time.", param_hint="--to")

        async def work(application: Any) -> list[Line]:
            return await simulate_lines(application, start, end)

        _print(run_with_app(work), as_json, f"Nothing would be sent between {start} and {end}.")

    @app.command()
    def reminders(
        as_json: bool = typer.Option(False, "--json", help='One JSON object a line: {"kind","to","due","clause","subject"}'),
        limit: int = typer.Option(500, min=1, help="Show at most this many"),
    ) -> None:
        """Pending reminders in the outbox, soonest first."""
        from bot.cli.common import run_with_app

        async def work(application: Any) -> list[Line]:
            return await pending_lines(application, limit)

        _print(run_with_app(work), as_json, "No reminders are waiting.")

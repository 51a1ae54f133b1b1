"""Generated trusts for the planning-at-scale figures, written through the store in bulk.

A trust of ``n`` colleagues: one trust organisation, one academy per ``ACADEMY_SIZE`` people, in each
academy a headteacher who line-manages the managers, and managers who each line-manage about
``TEAM_SIZE`` colleagues. People and line management go in with bulk INSERTs on the store's own
tables (an ORM object per row would measure the generator, not the bot), and so do the 2026 cycle
of each academy and one review per line-managed colleague, as bot.enrolment would make them. Every
value is derived from the row number, so two runs build the same trust.

``pending_reminders`` fills the outbox with any number of pending rows in one statement (a
recursive CTE on SQLite, generate_series on PostgreSQL), due from 40 days ago to a year ahead, so
about one in ten is due at the benchmark's "now".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select, text

from store.models import (
    POLICY_VERSION,
    Cycle,
    LineManagement,
    Organisation,
    Person,
    Reminder,
    Review,
    RoleGrant,
)

ACADEMY_SIZE = 100
TEAM_SIZE = 8
CHUNK = 5000
REVIEW_TEXT = ("professional_development", "other_information", "midyear_comments", "midyear_dialogue",
               "midyear_coop_dialogue", "midyear_reviewee_comments", "eoy_comments", "eoy_dialogue",
               "eoy_reviewee_comments", "eoy_reviewer_comments", "transfer_addendum")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _chunks(rows: list[dict[str, Any]]):  # noqa: ANN202
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


async def generate_trust(app: Any, colleagues: int) -> dict[str, int]:
    """Write a trust of ``colleagues`` people (managers and heads included) and enrol them."""
    engine = app.db.engine
    academies = max(1, -(-colleagues // ACADEMY_SIZE))
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(insert(Organisation), [{"name": "Bench Trust", "kind": "trust", "calendar_name": "default",
                                                   "created_at": now}])
        trust_id = (await conn.execute(select(Organisation.id).where(Organisation.name == "Bench Trust"))).scalar_one()
        await conn.execute(insert(Organisation), [
            {"name": f"Bench Academy {a:04d}", "kind": "academy", "parent_id": trust_id, "calendar_name": "default",
             "created_at": now} for a in range(academies)])
        org_ids = [r[0] for r in (await conn.execute(
            select(Organisation.id).where(Organisation.name.like("Bench Academy %"))  # type: ignore[attr-defined]
            .order_by(Organisation.id))).all()]
        people: list[dict[str, Any]] = []
        for i in range(colleagues):
            people.append({
                "email": f"person{i:06d}@bench.example", "name": f"Person {i}", "job_title": "Teaching Assistant",
                "organisation_id": org_ids[i // ACADEMY_SIZE], "start_date": date(2015 + i % 10, 9, 1),
                "employment_type": "support", "extended_agency": False, "on_induction": False,
                "in_capability": False, "leadership_role": i % ACADEMY_SIZE == 0, "working_hours_start": 8,
                "working_hours_end": 17, "legal_hold": False, "legal_hold_reason": "", "adjustments": "",
                "checkin_cadence": "", "active": True, "created_at": now, "updated_at": now})
        for chunk in _chunks(people):
            await conn.execute(insert(Person), chunk)
        first = (await conn.execute(select(func.min(Person.id))  # the trust may sit beside others
                                    .where(Person.email.like("%@bench.example")))).scalar_one()  # type: ignore[attr-defined]
        links: list[dict[str, Any]] = []
        grants: list[dict[str, Any]] = []
        for i in range(colleagues):
            head = i - i % ACADEMY_SIZE
            pos = i % ACADEMY_SIZE
            if pos == 0:
                grants.append({"person_id": first + i, "role": "headteacher", "organisation_id": org_ids[i // ACADEMY_SIZE]})
                continue
            managers_in_academy = max(1, ACADEMY_SIZE // (TEAM_SIZE + 1))
            if pos <= managers_in_academy:
                manager = head  # managers report to the head
            else:
                manager = head + 1 + (pos % managers_in_academy)
                if manager >= colleagues:
                    manager = head
            links.append({"manager_id": first + manager, "report_id": first + i, "is_lead": True})
        for chunk in _chunks(links):
            await conn.execute(insert(LineManagement), chunk)
        for chunk in _chunks(grants):
            await conn.execute(insert(RoleGrant), chunk)
        reviews = await _bulk_reviews(conn, org_ids, links)
    return {"people": colleagues, "academies": academies, "line_links": len(links), "reviews": reviews}


async def _bulk_reviews(conn: Any, org_ids: list[int], links: list[dict[str, Any]]) -> int:
    """One review per line-managed colleague in the 2026 cycle of their academy, as enrolment makes
    them (bot.enrolment.enrol_all creates them one ORM object at a time: see RESULTS.md)."""
    from bot.policy.deadlines import retain_until

    year = 2026
    now = datetime.now(UTC)
    await conn.execute(insert(Cycle), [{"organisation_id": o, "year": year, "policy_version": POLICY_VERSION,
                                        "created_at": now} for o in org_ids])
    cycles = dict((await conn.execute(select(Cycle.organisation_id, Cycle.id).where(Cycle.year == year))).all())
    orgs = dict((await conn.execute(select(Person.id, Person.organisation_id))).all())
    keep = retain_until(year)
    reviews = [{"cycle_id": cycles[orgs[link["report_id"]]], "colleague_id": link["report_id"],
                "reviewer_id": link["manager_id"], "delegated": False, "stage": "preparation",
                "policy_version": POLICY_VERSION, "prep_shared_with_reviewer": False, "retain_until": keep,
                **{f: "" for f in REVIEW_TEXT}, "created_at": now, "updated_at": now} for link in links]
    for chunk in _chunks(reviews):
        await conn.execute(insert(Review), chunk)
    return len(reviews)


async def pending_reminders(app: Any, rows: int, people: int | None = None) -> int:
    """Add ``rows`` pending reminders addressed to existing people; returns the outbox's size."""
    engine = app.db.engine
    async with engine.begin() as conn:
        lo, hi = (await conn.execute(select(func.min(Person.id), func.max(Person.id)))).one()
        span = (hi - lo + 1) if people is None else min(people, hi - lo + 1)
        start = (await conn.execute(select(func.coalesce(func.max(Reminder.id), 0)))).scalar_one()
        params = {"n": rows, "lo": lo, "span": span, "start": start}
        if app.db.is_sqlite:
            sql = """
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n)
            INSERT INTO reminder (dedupe_key, kind, recipient_id, due_at, clause, subject, body, action,
                                  escalation_level, status, attempts, claimed_by, channel, last_error, created_at)
            SELECT 'bench:' || (x + :start), 'prep_nudge', :lo + (x % :span),
                   datetime('2026-11-23 10:00:00', ((x * 7919) % 405 - 40) || ' days',
                            ((x * 31) % 1440) || ' minutes') || '.000000',
                   '5.1', 'Your preparation', 'Please answer the preparation questions.', 'prep',
                   0, 'pending', 0, '', '', '', '2026-11-23 09:00:00.000000'
            FROM c"""
        else:
            sql = """
            INSERT INTO reminder (dedupe_key, kind, recipient_id, due_at, clause, subject, body, action,
                                  escalation_level, status, attempts, claimed_by, channel, last_error, created_at)
            SELECT 'bench:' || (x + :start), 'prep_nudge', :lo + (x % :span),
                   TIMESTAMPTZ '2026-11-23 10:00:00+00' + ((x * 7919) % 405 - 40) * INTERVAL '1 day'
                       + ((x * 31) % 1440) * INTERVAL '1 minute',
                   '5.1', 'Your preparation', 'Please answer the preparation questions.', 'prep',
                   0, 'pending', 0, '', '', '', TIMESTAMPTZ '2026-11-23 09:00:00+00'
            FROM generate_series(1::bigint, :n) AS x"""  # bigint: x * 7919 overflows int4 past 271,000
        if app.db.is_sqlite:
            await conn.exec_driver_sql("PRAGMA cache_size=-1048576")  # 1 GiB of page cache while bulk loading
        await conn.execute(text(sql), params)
        if app.db.is_postgres:
            await conn.execute(text("ANALYZE reminder"))
        else:
            await conn.execute(text("ANALYZE"))
        return (await conn.execute(select(func.count()).select_from(Reminder))).scalar_one()

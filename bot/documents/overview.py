"""The overview for headteachers, HR and the executive leader: progress only, never review content.

For every colleague of an organisation: the stage of their current review (3.2), the next
deadline and its clause, what is overdue, who is excluded and why (1.1, 1.2 via
bot.policy.eligibility), who has no line manager to review them (4.1), and whose reminders are
paused by an extended absence (3.7). ``overview_for`` is what ``cadence overview`` prints;
``home_overview`` is what the Slack App Home / Teams tab shows (a Card per organisation).

Where the policy is silent: "overdue" means a pending reminder whose deadline has passed, or the
Meeting 1 window (3.2) ended with no objectives agreed, or the Spring term ended with no mid-year
review recorded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bot import access
from bot.enrolment import eligibility_of
from bot.policy.calendar import academic_year_label, academic_year_of
from bot.policy.deadlines import cycle_year_end
from bot.policy.meetings import meeting_kind_label
from bot.policy.text import day_label
from bot.policy.windows import meeting1_window, midyear_window
from store.models import Person, Review, Role

if TYPE_CHECKING:
    from bot.messages import Reply
    from bot.services import Services
    from store.repos.values import PersonContext

STAGE_LABELS = {
    "preparation": "Preparing for the planning meeting",
    "planning": "Planning meeting booked or held; form being completed",
    "objectives_agreed": "Objectives agreed and signed",
    "mid_year_done": "Mid-year review done",
    "end_of_year_done": "End-of-year review done",
    "closed": "Closed",
}
ORDER = list(STAGE_LABELS)
# The reminders whose deadlines the overview may show: the cycle's own steps. A support plan's review
# dates (7.4), an appeal's (9.1-9.5) and check-ins (3.3) would tell a "progress only" reader that a
# plan, an appeal or a wellbeing conversation exists, so they never reach a cell of it (10.1).
PROGRESS_KINDS = frozenset({"meeting_notice", "prep_nudge", "reviewer_prep", "form_completion", "signoff_request",
                            "annual_review_due", "midyear_due", "new_joiner_planning", "leaver_review"})
COLUMNS = ("Colleague", "Job title", "Stage", "Next deadline", "Next deadline: what", "Overdue", "Notes",
           "Policy version")


@dataclass
class OverviewRow:
    person_id: int
    name: str
    job_title: str
    status: str  # in_cycle | excluded | no_reviewer | not_enrolled | paused
    stage: str = ""
    next_deadline: date | None = None
    next_deadline_what: str = ""
    overdue: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    policy_version: str = ""  # of the review the row reads (none for those without one)

    @property
    def stage_label(self) -> str:
        if self.status == "excluded":
            return "Excluded"
        if self.status == "no_reviewer":
            return "Not enrolled: no line manager"
        if self.status == "not_enrolled":
            return "No review this cycle yet"
        return STAGE_LABELS.get(self.stage, self.stage)

    @property
    def next_deadline_label(self) -> str:
        if self.next_deadline is None:
            return "—"
        return f"{_day(self.next_deadline)}: {self.next_deadline_what}"

    @property
    def overdue_label(self) -> str:
        return "; ".join(self.overdue) or "—"

    @property
    def notes_label(self) -> str:
        return "; ".join(self.notes) or "—"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["next_deadline"] = self.next_deadline.isoformat() if self.next_deadline else None
        out["stage_label"] = self.stage_label
        return out

    def cells(self) -> tuple[str, ...]:
        """One spreadsheet row (COLUMNS), dates as UK dates."""
        when = f"{self.next_deadline.day} {self.next_deadline:%B %Y}" if self.next_deadline else ""
        return (self.name, self.job_title, self.stage_label, when, self.next_deadline_what,
                "; ".join(self.overdue), "; ".join(self.notes), self.policy_version)


def to_csv(rows: list[OverviewRow]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in rows)
    return out.getvalue()


def to_xlsx(rows: list[OverviewRow], title: str) -> bytes:
    """A workbook HR can sort and filter: a header row, frozen, with a filter; real dates in column D."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Overview"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        cells = list(row.cells())
        cells[3] = row.next_deadline  # a date Excel can sort by
        sheet.append(cells)
    for cell in sheet["D"][1:]:
        cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEFGH", (24, 24, 34, 12, 48, 48, 48, 14), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.title = title
    book.properties.creator = "Cadence"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _day(d: date) -> str:
    return f"{day_label(d)} {d.year}"


def _paused(person: Person, today: date) -> bool:
    return person.absent_from is not None and person.absent_from <= today and (
        person.absent_until is None or today <= person.absent_until)


async def overview_rows(services: Services, organisation_id: int) -> list[OverviewRow]:
    """The rows, without access checks (callers go through :func:`overview_for`)."""
    repos, today = services.repos, services.clock.today()
    org = await repos.people.organisation(organisation_id)
    assert org is not None
    year = academic_year_of(today)
    reviews = {r.colleague_id: r for r, _p in await repos.records.reviews_in_org_year(organisation_id, year)}
    reminders: dict[int, list[Any]] = {}
    for rem in await repos.records.pending_reminders_for_reviews([r.id for r in reviews.values() if r.id]):
        if rem.kind in PROGRESS_KINDS:
            reminders.setdefault(rem.review_id, []).append(rem)
    non_staff = {p.id for role in (Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS)
                 for p in await repos.people.role_holders(role, organisation_id)}
    leaders = {p.id for role in (Role.HEADTEACHER, Role.EXECUTIVE_LEADER)
               for p in await repos.people.role_holders(role, organisation_id)}
    windows = _windows(services, org.calendar_name, year)
    rows: list[OverviewRow] = []
    for person in await repos.people.people_in(organisation_id):
        assert person.id is not None
        if person.id in non_staff:
            continue  # governors are not staff of the academy (11.2)
        row = OverviewRow(person.id, person.name, person.job_title, "in_cycle")
        review = reviews.get(person.id)
        decision = eligibility_of(person)
        if review is None:
            if not decision.enrolled:
                row.status = "excluded"
                row.notes.append(f"{decision.reason} (Policy {decision.clause})")
            elif person.id in leaders:
                row.status = "excluded"
                row.notes.append("Headteacher / executive leader: appraised outside this support-staff cycle "
                                 "(Policy 1.1, 1.3)")
            elif not await repos.people.line_managers(person.id):
                row.status = "no_reviewer"
                row.notes.append("No line manager in the roster, so no reviewer (Policy 4.1). Add one and "
                                 "re-import the roster.")
            else:
                row.status = "not_enrolled"
                row.notes.append(f"No review in {academic_year_label(year)} yet (Policy 3.2).")
        else:
            meetings = [m for m in await repos.reviews.meetings_for(review.id) if m.status == "scheduled"]  # type: ignore[arg-type]
            _progress(row, review, reminders.get(review.id, []), windows, today, year)
            for m in meetings:
                when = m.starts_at.astimezone(services.zone).date()
                if when >= today and (row.next_deadline is None or when < row.next_deadline):
                    row.next_deadline = when
                    row.next_deadline_what = f"{meeting_kind_label(m.kind)} booked (Policy 5.3)"
        if _paused(person, today):
            until = f" until {_day(person.absent_until)}" if person.absent_until else ""
            row.notes.append(f"Reminders paused: extended absence{until} (Policy 3.7)")
            if row.status == "in_cycle":
                row.status = "paused"
        if person.legal_hold:
            row.notes.append("Legal hold (Policy 10.3)")
        rows.append(row)
    return rows


def _windows(services: Services, calendar_name: str, year: int) -> dict[str, Any]:
    try:
        cal = services.calendar_for(calendar_name)
        return {"meeting1": meeting1_window(cal, year), "midyear": midyear_window(cal, year)}
    except Exception:  # noqa: BLE001 - a calendar without this year: deadlines come from reminders only
        return {}


def _progress(row: OverviewRow, review: Review, reminders: list[Any], windows: dict[str, Any], today: date,
              year: int) -> None:
    row.stage, row.policy_version = review.stage, review.policy_version
    stage_index = ORDER.index(review.stage) if review.stage in ORDER else 0
    upcoming: list[tuple[date, str]] = []
    for rem in reminders:
        due = rem.deadline or rem.due_at.date()
        what = f"{rem.subject or rem.kind.replace('_', ' ')} (Policy {rem.clause})" if rem.clause else \
            (rem.subject or rem.kind.replace("_", " "))
        if rem.deadline is not None and rem.deadline < today:
            row.overdue.append(f"{what}, due {_day(rem.deadline)}")
        elif due >= today:
            upcoming.append((due, what))
    m1, m2 = windows.get("meeting1"), windows.get("midyear")
    if m1 is not None and stage_index < ORDER.index("objectives_agreed"):
        if today > m1.end:
            row.overdue.append(f"Meeting 1 and objectives, due by {_day(m1.end)} (Policy 3.2)")
        else:
            upcoming.append((m1.end, "Meeting 1 and objectives agreed (Policy 3.2)"))
    elif m2 is not None and stage_index < ORDER.index("mid_year_done"):
        if today > m2.end:
            row.overdue.append(f"Mid-year review, due by {_day(m2.end)} (Policy 3.2)")
        else:
            upcoming.append((m2.end, "Mid-year review in the Spring term (Policy 3.2)"))
    elif stage_index < ORDER.index("end_of_year_done"):
        upcoming.append((cycle_year_end(year), "End-of-year review (Policy 7.1)"))
    if upcoming:
        row.next_deadline, row.next_deadline_what = min(upcoming)


async def overview_for(services: Services, actor: PersonContext, organisation_id: int, *, channel: str = "",
                       identity: str = "") -> list[OverviewRow]:
    """The overview of one organisation, if the actor may see it (10.1); the read is audited."""
    await access.authorise(services.repos, actor, "overview", organisation_id=organisation_id, channel=channel,
                           identity=identity)
    rows = await overview_rows(services, organisation_id)
    await access.record(services.repos, actor, "read", "overview", record_id=organisation_id, channel=channel,
                        identity=identity, detail={"organisation_id": organisation_id, "rows": len(rows)})
    return rows


async def home_overview(services: Services, actor: PersonContext, *, channel: str = "",
                        identity: str = "") -> list[Reply]:
    """What the Slack App Home / Teams view shows a headteacher, HR admin or executive leader:
    one Card per organisation they oversee (empty for everyone else)."""
    from bot.messages import Card, Reply

    replies: list[Reply] = []
    for org_id in await access.organisations_with(services.repos, actor, access.ORG_WIDE_ROLES):
        org = await services.repos.people.organisation(org_id)
        rows = await overview_for(services, actor, org_id, channel=channel, identity=identity)
        overdue = [r for r in rows if r.overdue]
        facts = tuple((r.name, f"{r.stage_label} · next: {r.next_deadline_label}"
                       + (f" · OVERDUE: {r.overdue_label}" if r.overdue else "")
                       + (f" · {r.notes_label}" if r.notes else "")) for r in rows)
        title = f"{org.name if org else 'Organisation'}: {len(rows)} colleagues, {len(overdue)} overdue"
        text = title + "\n" + "\n".join(f"• {k}: {v}" for k, v in facts)
        replies.append(Reply(text, card=Card(title, facts), clause="10.1"))
    return replies

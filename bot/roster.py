"""Roster import: the whole file is validated first; one bad row and nothing is written.

Decisions where the issue is silent:
- organisations named with kind ``trust`` become the parent of the academies and central teams in
  the same file (a file with exactly one trust);
- ``hr_admin`` and ``executive_leader`` held by someone in the trust or a central team are granted on
  the trust, so they cover every academy (1.3); other roles are granted on the person's own organisation;
- ``line_manager_email`` may list several managers separated by ``;`` (4.1); ``lead_line_manager``
  names the lead (defaults to the first);
- booleans accept yes/no, true/false, y/n, 1/0 and blank (= no); dates are YYYY-MM-DD or DD/MM/YYYY.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from store.repos.values import RosterPerson

COLUMNS = ("email", "name", "job_title", "organisation", "organisation_kind", "line_manager_email",
           "lead_line_manager", "start_date", "contract_end", "employment_type", "extended_agency", "on_induction",
           "in_capability", "leadership_role", "roles", "slack_user_id", "teams_user_id", "last_day", "leave_start")
REQUIRED = ("email", "name", "organisation", "organisation_kind")
ORG_KINDS = ("trust", "academy", "central")
EMPLOYMENT_TYPES = ("support", "agency")
ROLES = ("headteacher", "hr_admin", "chair_of_governors", "governor", "executive_leader")
TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0", ""}
EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,20}$")
TEAMS_ID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PLATFORM_ID_FORMATS = {
    "slack_user_id": (SLACK_ID_RE, "a Slack member ID like U024BE7LH (Profile → ⋮ → Copy member ID)"),
    "teams_user_id": (TEAMS_ID_RE, "the person's Microsoft Entra object ID, like 3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
}
PROGRESS_THRESHOLD = 500


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


class RosterError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the roster")
        self.problems = problems


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"Roster imported: {self.created} added, {self.updated} updated, {self.unchanged} unchanged "
                f"across {len(self.organisations)} organisation(s).")


def _bool(value: str, column: str, line: int, problems: list[Problem]) -> bool:
    low = value.strip().lower()
    if low in TRUE:
        return True
    if low not in FALSE:
        problems.append(Problem(line, f"{column} is “{value}”; use yes or no."))
    return False


def _date(value: str, column: str, line: int, problems: list[Problem]) -> date | None:
    text = value.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    problems.append(Problem(line, f"{column} “{text}” isn't a date; write it as YYYY-MM-DD, e.g. 2026-09-01."))
    return None


def _rows(reader: csv.DictReader, problems: list[Problem]) -> Iterator[dict[str | None, Any]]:
    """The reader's rows; a file the csv module cannot read past (a stray quote...) becomes a problem."""
    try:
        yield from reader
    except csv.Error as error:
        problems.append(Problem(reader.line_num, f"this line can't be read as CSV ({error}); save the file again "
                                                 "from your spreadsheet as CSV and import that."))


def parse_roster(text: str, known_emails: frozenset[str] = frozenset()) -> list[RosterPerson]:
    """Validate every row; raise RosterError listing every problem with its line number."""
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))  # \r, \n, \r\n all end a row
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise RosterError([Problem(reader.line_num or 1, f"the file can't be read as CSV ({error}); save it again "
                                                         "from your spreadsheet as CSV and import that.")]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RosterError([Problem(1, f"the header is missing column(s): {', '.join(missing)}. "
                                      f"Expected: {', '.join(COLUMNS)}.")])
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problems.append(Problem(1, f"unknown column(s): {', '.join(unknown)}. Expected: {', '.join(COLUMNS)}."))
    rows: list[RosterPerson] = []
    seen: dict[str, int] = {}
    org_kinds: dict[str, tuple[str, int]] = {}
    platform_ids: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(_rows(reader, problems), start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            problems.append(Problem(index, "this row has more values than the header has columns."))
        if not any(row.values()):
            continue
        line = index
        email = row.get("email", "").lower()
        for column in REQUIRED:
            if not row.get(column):
                problems.append(Problem(line, f"{column} is empty."))
        if email and not EMAIL_RE.match(email):
            problems.append(Problem(line, f"“{email}” doesn't look like an email address."))
        if email in seen:
            problems.append(Problem(line, f"{email} appears twice (first on line {seen[email]})."))
        elif email:
            seen[email] = line
        org, kind = row.get("organisation", ""), row.get("organisation_kind", "").lower()
        if kind and kind not in ORG_KINDS:
            problems.append(Problem(line, f"organisation_kind “{kind}” must be trust, academy or central."))
        elif org and kind:
            first = org_kinds.setdefault(org, (kind, line))
            if first[0] != kind:
                problems.append(Problem(line, f"{org} is “{kind}” here but “{first[0]}” on line {first[1]}."))
        employment = (row.get("employment_type") or "support").lower()
        if employment not in EMPLOYMENT_TYPES:
            problems.append(Problem(line, f"employment_type “{employment}” must be support or agency."))
        roles = [r.strip().lower() for r in row.get("roles", "").split(";") if r.strip()]
        for role in roles:
            if role not in ROLES:
                problems.append(Problem(line, f"role “{role}” is unknown; use {', '.join(ROLES)}."))
        managers = [m.strip().lower() for m in row.get("line_manager_email", "").split(";") if m.strip()]
        lead = row.get("lead_line_manager", "").strip().lower() or (managers[0] if managers else "")
        if lead and lead not in managers:
            problems.append(Problem(line, f"lead_line_manager {lead} isn't one of this person's line managers."))
        if email and email in managers:
            problems.append(Problem(line, "a person can't be their own line manager."))
        for column in ("slack_user_id", "teams_user_id"):
            value = row.get(column, "")
            pattern, example = PLATFORM_ID_FORMATS[column]
            if value and not pattern.match(value):
                problems.append(Problem(line, f"{column} “{value}” should be {example}."))
            if value:
                other = platform_ids.setdefault((column, value), line)
                if other != line:
                    problems.append(Problem(line, f"{column} {value} is already used on line {other}."))
        start = _date(row.get("start_date", ""), "start_date", line, problems)
        end = _date(row.get("contract_end", ""), "contract_end", line, problems)
        if start and end and end < start:
            problems.append(Problem(line, "contract_end is before start_date."))
        rows.append(RosterPerson(
            line=line, email=email, name=row.get("name", ""), job_title=row.get("job_title", ""),
            organisation=org, organisation_kind=kind, managers=tuple(managers), lead_manager=lead or None,
            start_date=start, contract_end=end, employment_type=employment,
            extended_agency=_bool(row.get("extended_agency", ""), "extended_agency", line, problems),
            on_induction=_bool(row.get("on_induction", ""), "on_induction", line, problems),
            in_capability=_bool(row.get("in_capability", ""), "in_capability", line, problems),
            leadership_role=_bool(row.get("leadership_role", ""), "leadership_role", line, problems),
            roles=tuple(roles), slack_user_id=row.get("slack_user_id") or None,
            teams_user_id=row.get("teams_user_id") or None,
            last_day=_date(row.get("last_day", ""), "last_day", line, problems),
            leave_start=_date(row.get("leave_start", ""), "leave_start", line, problems)))
    if not rows and not problems:
        problems.append(Problem(2, "the file has a header but no people."))
    in_file = {r.email for r in rows}
    for r in rows:
        for m in r.managers:
            if m not in in_file and m not in known_emails:
                problems.append(Problem(r.line, f"line manager {m} isn't in this file or already on the roster."))
    problems.extend(_cycles(rows))
    if sum(1 for k, _ in org_kinds.values() if k == "trust") > 1:
        problems.append(Problem(1, "the file names more than one trust; import one trust at a time."))
    if problems:
        raise RosterError(sorted(problems, key=lambda p: p.line))
    return rows


def _cycles(rows: list[RosterPerson]) -> list[Problem]:
    """A reporting line that loops back on itself (A manages B manages A)."""
    managers = {r.email: r.managers for r in rows}
    lines = {r.email: r.line for r in rows}
    problems: list[Problem] = []
    reported: set[frozenset[str]] = set()
    for start in managers:
        path: list[str] = []
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for m in managers.get(node, ()):
                if m == start:
                    loop = frozenset(path)
                    if loop not in reported:
                        reported.add(loop)
                        problems.append(Problem(lines[start], "the reporting line loops: "
                                                + " → ".join([*path, start]) + "."))
                elif m not in path and m in managers:
                    stack.append((m, [*path, m]))
    return problems


async def import_roster_text(app: Any, text: str, console: Console | None = None) -> ImportResult:
    known = frozenset(p.email.lower() for p in await app.repos.people.all_people())
    rows = parse_roster(text, known)
    progress = Progress(console=console, transient=True) if console and len(rows) >= PROGRESS_THRESHOLD else None
    if progress is not None:
        with progress:
            task = progress.add_task("Importing roster", total=len(rows))
            counts = await app.repos.people.apply_roster(rows, on_progress=lambda n: progress.update(task, completed=n))
    else:
        counts = await app.repos.people.apply_roster(rows)
    await app.repos.audit.audit(actor_id=None, action="import", record_type="roster", channel="cli",
                         detail={"rows": len(rows), **counts})
    from bot.enrolment import enrol_all

    await enrol_all(app)
    return ImportResult(counts["created"], counts["updated"], counts["unchanged"],
                        sorted({r.organisation for r in rows}))


async def import_roster_file(app: Any, path: Path, console: Console | None = None) -> ImportResult:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RosterError([Problem(1, "the file isn't UTF-8 text; save it as CSV UTF-8 and try again.")]) from None
    return await import_roster_text(app, text, console)

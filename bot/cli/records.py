"""CLI commands of the records work: exports, the governors' report, the overview, retention, audit.

Who may run what from a terminal (every command goes through bot.access and is audited with
channel ``cli`` and the terminal's login name as the platform identity):

| command | acts as | who may |
|---|---|---|
| ``export form EMAIL`` / ``export plan EMAIL`` | ``--as`` (default: EMAIL, the colleague's own copy, 10.2) | the colleague, their reviewer and line managers, the headteacher, HR, the executive leader |
| ``export invite EMAIL -o FILE.ics`` | ``--as`` (default: EMAIL) | as for reading the record |
| ``export subject EMAIL -o FILE.zip`` | ``--as`` (default: EMAIL) | the colleague or an HR admin of their organisation (10.1) |
| ``report governors`` | ``--as`` (optional) | anonymised by construction (11.3): without ``--as`` it is a terminal operator's run; with it, the headteacher, HR, executive leader or a governor of the organisation |
| ``overview --org`` | ``--as`` (required: it shows names) | the headteacher, HR admins and the executive leader of the organisation |
| ``purge``, ``hold``, ``audit`` | ``--as`` (required) | HR admins of the organisation (10.3, 10.1); ``purge`` covers only the organisations the HR admin administers |

The nightly scheduler calls ``bot.documents.retention.purge_due(app)`` itself, for every organisation.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)
CHANNEL = "cli"

export_app = typer.Typer(help="Export a form, a plan or a colleague's whole record (Policy 10.1, 10.2).",
                         no_args_is_help=True)
report_app = typer.Typer(help="Reports (Policy 11.3).", no_args_is_help=True)


class CliProblem(Exception):
    """A clear message for the terminal; nothing has been changed."""


def identity() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "cli:unknown"


async def actor_for(app: Any, email: str) -> Any:
    person = await app.repos.people.person_by_email(email)
    if person is None or person.id is None:
        raise CliProblem(f"I don't know {email}. Check the address, or import the roster first "
                         "(cadence import-roster FILE.csv).")
    if not person.active:
        raise CliProblem(f"{email} has left (inactive in the roster), so cannot act here.")
    return await app.repos.people.context(person.id)


async def subject_for(app: Any, email: str) -> int:
    person = await app.repos.people.person_by_email(email)
    if person is None or person.id is None:
        raise CliProblem(f"I don't know {email}. Check the address.")
    return person.id


async def org_for(app: Any, name: str) -> Any:
    org = await app.repos.people.organisation_by_name(name)
    if org is None:
        names = ", ".join(o.name for o in await app.repos.people.organisations()) or "none yet"
        raise CliProblem(f"There is no organisation called “{name}”. Known organisations: {names}.")
    return org


def run(work: Any) -> Any:
    """Run ``work(app)`` and turn every refusal or problem into a message and exit code 1."""
    from bot.access import AccessDenied
    from bot.cli.common import run_with_app
    from bot.documents.branding import BrandingProblem
    from bot.documents.exports import NothingToExport
    from bot.documents.render import UnknownFormat

    try:
        return run_with_app(work)
    except AccessDenied as denied:
        err.print(f"[red]Refused:[/red] {denied.message}")
        raise typer.Exit(1) from None
    except (CliProblem, NothingToExport, UnknownFormat, BrandingProblem) as problem:
        err.print(f"[red]{getattr(problem, 'message', None) or problem}[/red]")
        raise typer.Exit(1) from None


def _format(fmt: str | None, out: Path) -> str:
    """--format wins; else the -o suffix; else DOCX. A clash (--format pdf -o x.docx) is refused."""
    suffix = out.suffix.lower().lstrip(".")
    suffix = "md" if suffix == "markdown" else suffix
    if fmt:
        fmt = fmt.lower().lstrip(".")
        if suffix in ("docx", "pdf", "md") and suffix != fmt:
            raise CliProblem(f"--format {fmt} but the file is named {out.name}. Use a matching name, "
                             f"for example -o {out.with_suffix('.' + fmt).name}.")
        return fmt
    return suffix if suffix in ("docx", "pdf", "md") else "docx"


def _write(out: Path, content: bytes) -> None:
    if out.parent and not out.parent.exists():
        raise CliProblem(f"The folder {out.parent} doesn't exist. Create it or choose another -o path.")
    out.write_bytes(content)


AS_OPTION = typer.Option(None, "--as", help="Email of the person running this (access is checked and audited)")


@export_app.command("form")
def export_form_cmd(email: str = typer.Argument(..., help="The colleague's email"),
                    cycle: int | None = typer.Option(None, "--cycle", help="Cycle year, e.g. 2026 for 2026-27"),
                    fmt: str | None = typer.Option(None, "--format", help="docx, pdf or md"),
                    out: Path = typer.Option(..., "-o", "--output", help="File to write"),
                    as_: str | None = AS_OPTION) -> None:
    """The Planning & Review Form laid out as Annex 1."""
    from bot.documents.exports import export_form

    async def work(app: Any) -> None:
        actor = await actor_for(app, as_ or email)
        attachment = await export_form(app.repos, actor, await subject_for(app, email), cycle_year=cycle,
                                       fmt=_format(fmt, out), channel=CHANNEL, identity=identity(),
                                       branding=app.services.extras.get("branding"), zone=app.services.zone)
        _write(out, attachment.content)
        console.print(f"[green]Wrote {out}[/green] ({attachment.title}). In confidence: Policy 10.1.")

    run(work)


@export_app.command("blank-form")
def export_blank_form_cmd(fmt: str | None = typer.Option(None, "--format", help="docx, pdf or md"),
                          out: Path = typer.Option(..., "-o", "--output", help="File to write"),
                          org: str | None = typer.Option(None, "--org", help="Organisation name for the header"),
                          cycle: int | None = typer.Option(None, "--cycle", help="Cycle year, e.g. 2026 for 2026-27")) -> None:
    """A blank Planning & Review Form (Annex 1, three objective blocks) to fill in during a meeting."""
    from bot.documents.form import build_blank_form
    from bot.documents.render import render
    from bot.policy.calendar import academic_year_of

    async def work(app: Any) -> None:
        organisation = await org_for(app, org) if org else None
        trust = await app.repos.people.organisation(organisation.parent_id) if organisation and organisation.parent_id else None
        year = cycle or academic_year_of(app.clock.today())
        doc = build_blank_form(organisation.name if organisation else "", trust.name if trust else "", year)
        _write(out, render(doc, _format(fmt, out), app.services.extras.get("branding")))
        console.print(f"[green]Wrote {out}[/green]: a blank Annex 1 form. Once filled in, the record is kept in "
                      "Cadence (say objectives NAME), not on paper.")

    run(work)


@export_app.command("plan")
def export_plan_cmd(email: str = typer.Argument(..., help="The colleague's email"),
                    fmt: str | None = typer.Option(None, "--format", help="docx, pdf or md"),
                    out: Path = typer.Option(..., "-o", "--output", help="File to write"),
                    plan_id: int | None = typer.Option(None, "--plan", help="A plan number (default: latest open)"),
                    as_: str | None = AS_OPTION) -> None:
    """The support plan (Annex 4) or Improvement Action Plan with its Review."""
    from bot.documents.exports import export_plan

    async def work(app: Any) -> None:
        actor = await actor_for(app, as_ or email)
        attachment = await export_plan(app.repos, actor, await subject_for(app, email), fmt=_format(fmt, out),
                                       plan_id=plan_id, channel=CHANNEL, identity=identity(),
                                       branding=app.services.extras.get("branding"), zone=app.services.zone)
        _write(out, attachment.content)
        console.print(f"[green]Wrote {out}[/green] ({attachment.title}).")

    run(work)


@export_app.command("invite")
def export_invite_cmd(email: str = typer.Argument(..., help="The colleague's email"),
                      out: Path = typer.Option(..., "-o", "--output", help="The .ics to write"),
                      meeting_id: int | None = typer.Option(None, "--meeting", help="A meeting number (default: next)"),
                      as_: str | None = AS_OPTION) -> None:
    """The calendar invite (ICS, in the trust's time zone) of the colleague's next review meeting (Policy 5.3)."""
    from bot.documents.exports import export_invite

    async def work(app: Any) -> None:
        actor = await actor_for(app, as_ or email)
        attachment = await export_invite(app.repos, actor, await subject_for(app, email), app.clock.now(),
                                         meeting_id=meeting_id, channel=CHANNEL, identity=identity(),
                                         zone=app.services.zone)
        _write(out, attachment.content)
        console.print(f"[green]Wrote {out}[/green] ({attachment.title}).")

    run(work)


@export_app.command("subject")
def export_subject_cmd(email: str = typer.Argument(..., help="The colleague's email"),
                       out: Path = typer.Option(..., "-o", "--output", help="The .zip to write"),
                       received: str | None = typer.Option(
                           None, "--received", help="The day the request was received, DD/MM/YYYY (default today): "
                                                    "the answer is due one month later"),
                       as_: str | None = AS_OPTION) -> None:
    """Subject access: everything held about the colleague, and who read it, in one zip (UK GDPR Art. 15)."""
    from datetime import datetime as _datetime

    from bot.documents.subject_access import export_subject
    from bot.policy.data_protection import subject_access_deadline

    async def work(app: Any) -> None:
        try:
            day = _datetime.strptime(received, "%d/%m/%Y").date() if received else None
        except ValueError:
            raise CliProblem(f"--received {received!r} is not a date like 20/11/2026 (day/month/year); "
                             "nothing was exported.") from None
        actor = await actor_for(app, as_ or email)
        attachment = await export_subject(app, actor, await subject_for(app, email), channel=CHANNEL,
                                          identity=identity(), received=day)
        _write(out, attachment.content)
        due = subject_access_deadline(day or app.clock.today())
        console.print(f"[green]Wrote {out}[/green]: open cover-note.pdf first. The answer is due by "
                      f"{due.day} {due:%B %Y} (one month from receipt).")

    run(work)


@report_app.command("governors")
def report_governors_cmd(org: str = typer.Option(..., "--org", help="Organisation name (a trust adds up its academies)"),
                         year: int = typer.Option(..., "--year", help="Cycle year, e.g. 2026 for 2026-27"),
                         out: Path = typer.Option(..., "-o", "--output",
                                                  help="FILE.pdf (a .docx is written beside it), .docx or .md"),
                         commentary: Path | None = typer.Option(
                             None, "--commentary", help="A text file with the headteacher's words for the report"),
                         as_: str | None = AS_OPTION) -> None:
    """The anonymised annual report to governors (Policy 11.3): (a) operation, (b) effectiveness,
    (c) training needs, each beside last year."""
    from bot.documents.governors import governors_report

    async def work(app: Any) -> None:
        words = ""
        if commentary is not None:
            try:
                words = commentary.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as problem:
                raise CliProblem(f"I couldn't read the commentary {commentary}: {problem}. Nothing was written.") \
                    from None
        organisation = await org_for(app, org)
        actor = await actor_for(app, as_) if as_ else None
        suffix = out.suffix.lower().lstrip(".")
        fmt = suffix if suffix in ("md", "docx") else "pdf"
        written = [out]
        _write(out, await governors_report(app, organisation.id, year, fmt=fmt, actor=actor, channel=CHANNEL,
                                           identity=identity(), commentary=words))
        if fmt == "pdf":  # the Word version beside it, for the headteacher to edit before the meeting
            beside = out.with_suffix(".docx")
            _write(beside, await governors_report(app, organisation.id, year, fmt="docx", actor=actor,
                                                  channel=CHANNEL, identity=identity(), commentary=words))
            written.append(beside)
        console.print(f"[green]Wrote {' and '.join(str(w) for w in written)}[/green]: no names; groups under 5 shown "
                      "as <5 (Policy 11.3).")

    run(work)


def overview_cmd(org: str = typer.Option(..., "--org", help="Organisation name"),
                 as_: str | None = AS_OPTION,
                 as_json: bool = typer.Option(False, "--json", help="One JSON object a line"),
                 as_csv: bool = typer.Option(False, "--csv", help="CSV for a spreadsheet (to -o FILE, else printed)"),
                 as_xlsx: bool = typer.Option(False, "--xlsx", help="An Excel workbook (needs -o FILE.xlsx)"),
                 out: Path | None = typer.Option(None, "-o", "--output", help="File to write")) -> None:
    """Every colleague's stage, next deadline, what is overdue, who is excluded or paused (progress only)."""
    from bot.documents.overview import overview_for, to_csv, to_xlsx

    async def work(app: Any) -> None:
        if not as_:
            raise CliProblem("The overview shows names, so say who you are: --as EMAIL (the headteacher, "
                             "an HR admin or the executive leader of the organisation; Policy 10.1).")
        if as_json + as_csv + as_xlsx > 1:
            raise CliProblem("Choose one of --json, --csv and --xlsx.")
        if as_xlsx and out is None:
            raise CliProblem("A workbook goes to a file: add -o overview.xlsx.")
        organisation = await org_for(app, org)
        actor = await actor_for(app, as_)
        rows = await overview_for(app.services, actor, organisation.id, channel=CHANNEL, identity=identity())
        text: str | None = None
        if as_json:
            text = "".join(json.dumps(row.as_dict(), ensure_ascii=False) + "\n" for row in rows)
        elif as_csv:
            text = to_csv(rows)
        elif as_xlsx:
            assert out is not None
            _write(out, to_xlsx(rows, f"{organisation.name}: progress only"))
            console.print(f"[green]Wrote {out}[/green]: {len(rows)} colleagues, progress only (Policy 10.1).")
            return
        if text is not None:
            if out is not None:
                _write(out, text.encode("utf-8"))
                console.print(f"[green]Wrote {out}[/green]: {len(rows)} colleagues, progress only (Policy 10.1).")
            else:
                typer.echo(text, nl=False)
            return
        table = Table(title=f"{organisation.name}: progress only (no review content)")
        for heading in ("Colleague", "Stage", "Next deadline", "Overdue", "Notes"):
            table.add_column(heading)
        for row in rows:
            table.add_row(row.name, row.stage_label, row.next_deadline_label, row.overdue_label, row.notes_label)
        console.print(table)

    run(work)


def purge_cmd(dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be deleted; delete nothing"),
              as_: str | None = AS_OPTION) -> None:
    """Delete reviews past retention (Policy 10.3), after HR's notice, skipping legal holds."""
    from bot.access import purge_scope
    from bot.documents.retention import purge_due

    async def work(app: Any) -> None:
        if not as_:
            raise CliProblem("The purge deletes records, so say who you are: --as EMAIL (an HR admin; "
                             "Policy 10.3). The nightly scheduler runs it for every organisation by itself.")
        actor = await actor_for(app, as_)
        scope = await purge_scope(app.repos, actor)
        if not scope:
            from bot.access import AccessDenied

            await app.repos.audit.audit(actor_id=actor.id, action="refused", record_type="purge", channel=CHANNEL,
                                 actor_identity=identity())
            raise AccessDenied("The retention purge is run by HR admins (Policy 10.3).", "10.3")
        report = await purge_due(app, dry_run=dry_run, organisation_ids=scope, actor_id=actor.id, channel=CHANNEL,
                                 identity=identity())
        console.print(report.summary())
        for label, items in (("Would delete" if dry_run else "Deleted", report.purged),
                             ("Legal hold", report.held), ("Waiting for notice", report.waiting)):
            for item in items:
                console.print(f"  {label}: {item.person_name}, cycle {item.cycle_year}-{(item.cycle_year + 1) % 100:02d}"
                              f" (kept until {item.retain_until.day} {item.retain_until:%B %Y}): {item.reason}")
        for table, rows in sorted(report.swept.items()):
            console.print(f"  {'Would delete' if dry_run else 'Deleted'} {rows} row(s) of {table} past its period "
                          "(README: retention)")

    run(work)


def hold_cmd(email: str = typer.Argument(..., help="The colleague's email"),
             reason: str = typer.Option("", "--reason", help="Why (e.g. an employment tribunal claim)"),
             release: bool = typer.Option(False, "--release", help="Release the hold"),
             as_: str | None = AS_OPTION) -> None:
    """Place (or --release) a legal hold: the colleague's records are not purged (Policy 10.3)."""
    from bot import access
    from bot.documents.retention import set_hold

    async def work(app: Any) -> None:
        if not as_:
            raise CliProblem("Say who you are: --as EMAIL (an HR admin; Policy 10.3).")
        actor = await actor_for(app, as_)
        subject_id = await subject_for(app, email)
        await access.authorise(app.repos, actor, "hold", subject_id=subject_id, channel=CHANNEL, identity=identity())
        if not release and not reason.strip():
            raise CliProblem("Please give a reason with --reason \"...\" (it is kept with the hold).")
        person = await set_hold(app.repos, subject_id, hold=not release, reason=reason.strip())
        await access.record(app.repos, actor, "hold", "person", record_id=subject_id, subject_id=subject_id,
                            channel=CHANNEL, identity=identity(),
                            detail={"legal_hold": not release, "reason": reason.strip()})
        if release:
            console.print(f"[green]Released the legal hold on {person.name}[/green]: records past retention will "
                          "be deleted by the next purge (Policy 10.3).")
        else:
            console.print(f"[green]Legal hold placed on {person.name}[/green]: nothing of theirs will be purged "
                          "until it is released (Policy 10.3).")

    run(work)


def audit_cmd(email: str = typer.Argument(..., help="The colleague whose record's access log to show"),
              as_: str | None = AS_OPTION,
              as_json: bool = typer.Option(False, "--json", help="One JSON object a line")) -> None:
    """Who read or changed a colleague's record, when, through which channel (Policy 10.1)."""
    from bot import access
    from bot.documents.audit_log import audit_rows

    async def work(app: Any) -> None:
        if not as_:
            raise CliProblem("Say who you are: --as EMAIL (an HR admin of the colleague's organisation; "
                             "Policy 10.1).")
        actor = await actor_for(app, as_)
        subject_id = await subject_for(app, email)
        await access.authorise(app.repos, actor, "audit", subject_id=subject_id, channel=CHANNEL,
                               identity=identity())
        rows = await audit_rows(app.repos, subject_id, app.services.zone)
        await access.record(app.repos, actor, "read", "audit_log", subject_id=subject_id, channel=CHANNEL,
                            identity=identity())
        if as_json:
            for row in rows:
                console.print(json.dumps(row), soft_wrap=True)
            return
        table = Table(title=f"Audit log for {email}")
        for heading in (f"When ({app.services.timezone})", "Who", "Did", "What", "Channel", "Identity"):
            table.add_column(heading)
        for row in rows:
            table.add_row(row["when"], row["who"], row["action"], row["what"], row["channel"], row["identity"])
        console.print(table)
        if not rows:
            console.print("No reads or changes recorded yet.")

    run(work)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(export_app, name="export")
    app.add_typer(report_app, name="report")
    app.command("overview")(overview_cmd)
    app.command("purge")(purge_cmd)
    app.command("hold")(hold_cmd)
    app.command("audit")(audit_cmd)

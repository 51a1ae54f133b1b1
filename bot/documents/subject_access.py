"""Subject access: a colleague's whole record in one zip with a readable index (Policy 10.1).

Contents: ``index.md`` (start here), each cycle's Planning & Review Form (PDF and Markdown), the
preparation answers (the colleague's and the reviewer's notes about them), meetings, wellbeing
check-ins, support / improvement plans, appeals, the audit trail of who read or changed the
record (``audit.csv``), and ``data.json`` with every stored field for machine reading.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import access
from bot.documents.audit_log import audit_rows
from bot.documents.form import build_form, load_form
from bot.documents.plans import build_plan, load_plan
from bot.documents.render import MEDIA_TYPES, render, to_markdown
from bot.messages import Attachment
from bot.policy.calendar import academic_year_label
from store.models import Appeal, Meeting
from store.repo import PersonContext

if TYPE_CHECKING:
    from bot.services import Runtime

LONDON = ZoneInfo("Europe/London")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _row(model: Any) -> dict[str, Any]:
    return model.model_dump() if hasattr(model, "model_dump") else dict(model)


def _when(dt: datetime | None) -> str:
    return dt.astimezone(LONDON).strftime("%d %B %Y %H:%M") if dt else "—"


async def build_subject_zip(app: Runtime, subject_id: int) -> tuple[bytes, dict[str, int]]:
    """The zip's bytes and how many items of each kind it holds."""
    repo = app.repo
    person = await repo.person(subject_id)
    assert person is not None
    org = await repo.organisation(person.organisation_id)
    files: dict[str, bytes] = {}
    index: list[str] = []
    data: dict[str, Any] = {"person": _row(person), "organisation": _row(org) if org else None, "reviews": []}
    counts: dict[str, int] = {}

    reviews = await repo.reviews_of(subject_id)
    index.append("## Planning & Review Forms (Annex 1)")
    for review, cycle in reviews:
        assert review.id is not None
        label = academic_year_label(cycle.year)
        form = build_form(await load_form(repo, review.id))
        files[f"forms/planning-review-form-{label}.pdf"] = render(form, "pdf")
        files[f"forms/planning-review-form-{label}.md"] = to_markdown(form).encode()
        index.append(f"- {label}: `forms/planning-review-form-{label}.pdf` (and `.md`), stage: "
                     f"{review.stage.replace('_', ' ')}")
        prep_lines = [f"# Preparation answers, {label} (Annex 2)", ""]
        prep_rows: list[dict[str, Any]] = []
        for side, heading in (("colleague", "Your preparation"), ("reviewer", "Your reviewer's preparation")):
            answers = await repo.preparation_answers(review.id, side)
            prep_rows += [_row(a) for a in answers]
            if answers:
                prep_lines += [f"## {heading}", ""]
                for a in answers:
                    prep_lines += [f"**{a.question}**", "", a.answer or "—", ""]
        meetings = await repo.meetings_for(review.id)
        if prep_rows:
            files[f"preparation/preparation-{label}.md"] = "\n".join(prep_lines).encode()
            index.append(f"  - preparation answers: `preparation/preparation-{label}.md` ({len(prep_rows)})")
        counts["preparation_answers"] = counts.get("preparation_answers", 0) + len(prep_rows)
        counts["forms"] = counts.get("forms", 0) + 1
        counts["meetings"] = counts.get("meetings", 0) + len(meetings)
        objectives = await repo.objectives(review.id)
        data["reviews"].append({
            "cycle": label, "review": _row(review), "meetings": [_row(m) for m in meetings],
            "objectives": [_row(o) for o in objectives],
            "progress": [_row(p) for p in await repo.progress([o.id for o in objectives if o.id])],
            "reflections": [_row(r) for r in await repo.coop_reflections(review.id)],
            "signatures": [_row(s) for s in await repo.signatures("review", review.id)],
            "training_needs": [_row(t) for t in await repo.training_needs(review.id)],
            "preparation_answers": prep_rows,
        })
        if meetings:
            files[f"meetings/meetings-{label}.md"] = _meetings_md(label, meetings).encode()
            index.append(f"  - meetings: `meetings/meetings-{label}.md` ({len(meetings)})")
    if not reviews:
        index.append("- none on record")

    checkins = await repo.export_checkins(subject_id)
    counts["checkins"] = len(checkins)
    data["checkins"] = [_row(c) for c in checkins]
    index += ["", "## Wellbeing check-ins (Policy 3.3)"]
    if checkins:
        lines = ["# Wellbeing check-ins", "", "Kept apart from your performance record unless you chose otherwise "
                 "(Policy 3.3).", "", "| When | Mood (1-5) | Note | One-to-one asked | Shared with manager |",
                 "|---|---|---|---|---|"]
        lines += [f"| {_when(c.created_at)} | {c.mood} | {(c.note or '—').replace('|', '/')} | "
                  f"{'yes' if c.wants_one_to_one else 'no'} | {c.share_with_manager} |" for c in checkins]
        files["checkins.md"] = "\n".join(lines).encode()
        index.append(f"- `checkins.md` ({len(checkins)})")
    else:
        index.append("- none on record")

    plans = await repo.export_support_plans(subject_id)
    counts["plans"] = len(plans)
    data["plans"] = []
    index += ["", "## Support plans and improvement action plans (Annex 4)"]
    for plan in plans:
        plan_data = await load_plan(repo, plan)
        doc = build_plan(plan_data)
        kind = "improvement-action-plan" if plan.kind == "improvement" else "support-plan"
        files[f"plans/{kind}-{plan.id}.pdf"] = render(doc, "pdf")
        files[f"plans/{kind}-{plan.id}.md"] = to_markdown(doc).encode()
        index.append(f"- `plans/{kind}-{plan.id}.pdf` (and `.md`), {plan.status}")
        data["plans"].append({"plan": _row(plan), "actions": [_row(a) for a in plan_data.actions],
                              "reviews": [_row(r) for r in plan_data.reviews]})
    if not plans:
        index.append("- none on record")

    appeals = await repo.export_appeals(subject_id)
    counts["appeals"] = len(appeals)
    data["appeals"] = [_row(a) for a in appeals]
    index += ["", "## Appeals (Policy 9)"]
    if appeals:
        files["appeals.md"] = _appeals_md(appeals).encode()
        index.append(f"- `appeals.md` ({len(appeals)})")
    else:
        index.append("- none on record")

    rows = await audit_rows(repo, subject_id)
    counts["audit_events"] = len(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["when", "who", "action", "what", "channel", "identity"],
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    files["audit.csv"] = buffer.getvalue().encode()
    index += ["", "## Who read or changed your record (Policy 10.1)",
              f"- `audit.csv` ({len(rows)} events, oldest first, UK time)"]
    data["audit"] = rows
    files["data.json"] = json.dumps(data, default=_json_default, indent=2, ensure_ascii=False).encode()

    today = app.clock.today()
    head = [f"# Your Cadence record: {person.name}", "",
            f"{person.email} · {person.job_title} · {org.name if org else ''}",
            f"Prepared on {today.day} {today:%B %Y} in answer to a subject access request (Policy 10.1).", "",
            "Start with the forms; `data.json` holds every stored field for machine reading.", ""]
    files["index.md"] = "\n".join(head + index + [""]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["index.md", *sorted(k for k in files if k != "index.md")]:
            z.writestr(name, files[name])
    return out.getvalue(), counts


def _meetings_md(label: str, meetings: list[Meeting]) -> str:
    lines = [f"# Meetings, {label}", "", "| When (UK time) | Kind | Minutes | Where | Status |", "|---|---|---|---|---|"]
    lines += [f"| {_when(m.starts_at)} | {m.kind.replace('_', ' ')} | {m.minutes} | {m.location or '—'} | {m.status} |"
              for m in meetings]
    return "\n".join(lines)


def _appeals_md(appeals: list[Appeal]) -> str:
    lines = ["# Appeals", ""]
    for a in appeals:
        lines += [f"## Appeal {a.id}: {a.stage.replace('_', ' ')}", "",
                  f"- Concerns raised informally on: {a.informal_raised_on or '—'}",
                  f"- Written appeal received on: {a.written_received_on or '—'}",
                  f"- Grounds: {a.grounds or '—'}", f"- Concerns: {a.concerns or '—'}",
                  f"- Hearing: {_when(a.hearing_at)}", f"- Companion (9.4): {a.companion_name or '—'}",
                  f"- Outcome: {a.outcome or '—'} ({a.decided_on or 'not decided'})", ""]
    return "\n".join(lines)


async def export_subject(app: Runtime, actor: PersonContext, subject_id: int, *, channel: str = "",
                         identity: str = "") -> Attachment:
    await access.authorise(app.repo, actor, "subject_access", subject_id=subject_id, channel=channel,
                           identity=identity)
    content, counts = await build_subject_zip(app, subject_id)
    await access.record(app.repo, actor, "export", "subject_access", subject_id=subject_id, channel=channel,
                        identity=identity, detail={"document": "subject_access", "format": "zip", **counts})
    person = await app.repo.person(subject_id)
    slug = "-".join((person.name if person else "record").lower().split())
    return Attachment(f"subject-access-{slug}.zip", content, MEDIA_TYPES["zip"], title="Subject access export")

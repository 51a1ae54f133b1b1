"""Subject access: everything Cadence holds about a colleague, in one zip (UK GDPR Art. 15; Policy 10.1).

The zip opens with a cover note (``cover-note.pdf``, also ``.md``): what is included, the date it
was prepared, the date the request was received and the one-month deadline for the answer
(bot.policy.data_protection). Then one part per kind of record, each as a PDF to read or print
and as Markdown: each cycle's Planning & Review Form, the preparation answers, the meetings (each
with its calendar invite, ``.ics``), wellbeing check-ins, support / improvement plans, appeals,
the notices sent to the colleague and about them, the answers of conversations not yet finished
(theirs, and their managers' about them), and the audit log of who read or changed the record
(also ``audit.csv``). ``data.json`` holds every stored field for machine reading. People are named,
never given by their internal id; dates read as in the UK (5 March 2027, 14:00), times in the trust's
time zone (Settings.timezone, named in each table's heading).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import access
from bot.documents.audit_log import audit_rows, when
from bot.documents.exports import meeting_invite
from bot.documents.form import build_form, load_form, long_date
from bot.documents.layout import EMPTY, Doc, policy_version_label, value
from bot.documents.plans import build_plan, load_plan
from bot.documents.render import MEDIA_TYPES, render, to_markdown
from bot.messages import Attachment
from bot.policy.calendar import academic_year_label
from bot.policy.data_protection import SUBJECT_ACCESS_CLAUSE, subject_access_deadline
from bot.services import DEFAULT_ZONE
from store.models import POLICY_VERSION, Appeal, DialogSession, Meeting, Person, Reminder
from store.repos.values import PersonContext

if TYPE_CHECKING:
    from bot.services import Runtime

COVER = "cover-note"

# Stored columns that hold a person's id: shown as the person's name (a key without "_id").
PERSON_FIELDS = ("person_id", "colleague_id", "reviewer_id", "manager_id", "recipient_id", "subject_person_id",
                 "handler_id", "hearing_by_id", "recorded_by_id", "reviewed_by_id", "scheduled_by_id", "actor_id")


def _label(text: str) -> str:
    return text.replace("_", " ")


@dataclass
class Zip:
    """The parts as they are added: files, the cover note's list, and counts for the audit log."""

    names: dict[int, str]
    files: dict[str, bytes] = field(default_factory=dict)
    contents: list[tuple[str, str, int]] = field(default_factory=list)  # (what, file, how many)
    counts: dict[str, int] = field(default_factory=dict)
    organisation: str = ""  # printed in every part's header
    zone: ZoneInfo = DEFAULT_ZONE  # the trust's time zone (Settings.timezone): every time is shown in it

    def when(self, dt: datetime | None) -> str:
        return when(dt, self.zone)

    def day(self, d: date | datetime | None) -> str:
        return long_date(d, self.zone)

    @property
    def when_heading(self) -> str:
        return f"When ({self.zone.key})"

    def name(self, person_id: int | None) -> str:
        if person_id is None:
            return "Cadence"
        return self.names.get(person_id, "a former colleague")

    def part(self, path: str, doc: Doc, what: str, count: int, key: str) -> None:
        """One part as PDF and Markdown, listed on the cover note."""
        doc.organisation = doc.organisation or self.organisation
        self.files[f"{path}.pdf"] = render(doc, "pdf")
        self.files[f"{path}.md"] = to_markdown(doc).encode()
        self.contents.append((what, f"{path}.pdf", count))
        self.counts[key] = self.counts.get(key, 0) + count

    def row(self, model: Any) -> dict[str, Any]:
        """A stored row for data.json, with people by name."""
        data = model.model_dump() if hasattr(model, "model_dump") else dict(model)
        for key in PERSON_FIELDS:
            if key in data:
                pid = data.pop(key)
                data[key.removesuffix("_id")] = self.name(pid) if pid is not None else None
        return data


def _doc(title: str, person: Person, footer: str) -> Doc:
    doc = Doc(title, footer=footer)
    doc.fields(("Colleague:", person.name))
    return doc


async def build_subject_zip(app: Runtime, subject_id: int, *, received: date | None = None) -> tuple[bytes, dict[str, int]]:
    """The zip's bytes and how many items of each kind it holds."""
    repos = app.repos
    person = await repos.people.person(subject_id)
    assert person is not None
    org = await repos.people.organisation(person.organisation_id)
    zone = app.services.zone
    today = app.clock.today()
    received = received or today
    reviews = await repos.reviews.reviews_of(subject_id)
    notices = await repos.subject_access.notices_about(subject_id)
    sessions = await repos.subject_access.unfinished_sessions_about(subject_id)
    plans = await repos.plans.plans_for(subject_id)
    appeals = await repos.appeals.appeals_of(subject_id)
    checkins = await repos.records.checkins(subject_id, None, oldest_first=True)
    meetings = {r.id: await repos.reviews.meetings_for(r.id) for r, _c in reviews if r.id is not None}
    ids = ({subject_id} | {r.reviewer_id for r, _c in reviews if r.reviewer_id}
           | {n.recipient_id for n in notices} | {s.person_id for s in sessions}
           | {p.manager_id for p in plans} | {a.handler_id for a in appeals if a.handler_id}
           | {a.hearing_by_id for a in appeals if a.hearing_by_id})
    parent = await repos.people.organisation(org.parent_id) if org and org.parent_id else None
    z = Zip({p.id: p.name for p in (await repos.people.people(ids)).values() if p.id is not None},
            organisation=(parent or org).name if (parent or org) else "", zone=zone)
    footer = f"{org.name if org else ''} · subject access for {person.name} · {long_date(today)} · " \
             f"policy {policy_version_label(POLICY_VERSION)} · in confidence (Policy 10.1)"
    data: dict[str, Any] = {"prepared_on": today, "request_received_on": received,
                            "answer_due_by": subject_access_deadline(received), "policy_version": POLICY_VERSION,
                            "person": z.row(person), "organisation": org.name if org else None, "reviews": []}

    for review, cycle in reviews:
        assert review.id is not None
        label = academic_year_label(cycle.year)
        form = build_form(await load_form(repos, review.id, zone))
        z.part(f"forms/planning-review-form-{label}", form, f"Planning & Review Form {label} (Annex 1), "
               f"stage: {_label(review.stage)}", 1, "forms")
        prep = {side: await repos.forms.preparation_answers(review.id, side) for side in ("colleague", "reviewer")}
        if prep["colleague"] or prep["reviewer"]:
            doc = _doc(f"Preparation answers, {label} (Annex 2)", person, footer)
            for side, heading in (("colleague", "Your preparation"), ("reviewer", "Your reviewer's preparation")):
                if prep[side]:
                    doc.heading(heading)
                    doc.table(("Question", "Answer", "Answered"),
                              [(a.question, value(a.answer), z.when(a.answered_at)) for a in prep[side]])
            z.part(f"preparation/preparation-{label}", doc, f"Preparation answers {label}",
                   len(prep["colleague"]) + len(prep["reviewer"]), "preparation_answers")
        mine = meetings.get(review.id, [])
        if mine:
            z.part(f"meetings/meetings-{label}", _meetings_doc(label, person, mine, footer, z), f"Meetings {label} "
                   "(each with its calendar invite, .ics)", len(mine), "meetings")
            reviewer = await repos.people.person(review.reviewer_id) if review.reviewer_id else None
            for m in mine:
                invite = meeting_invite(m, person, reviewer, app.clock.now(), zone)
                z.files[f"meetings/{invite.filename}"] = invite.content
        objectives = await repos.forms.objectives(review.id)
        data["reviews"].append({
            "cycle": label, "review": z.row(review), "meetings": [z.row(m) for m in mine],
            "objectives": [z.row(o) for o in objectives],
            "milestones": [z.row(m) for m in await repos.forms.milestones([o.id for o in objectives if o.id])],
            "progress": [z.row(p) for p in await repos.forms.progress([o.id for o in objectives if o.id])],
            "reflections": [z.row(r) for r in await repos.forms.coop_reflections(review.id)],
            "signatures": [z.row(s) for s in await repos.forms.signatures("review", review.id)],
            "training_needs": [z.row(t) for t in await repos.forms.training_needs(review.id)],
            "input_requests": [z.row(i) for i in await repos.forms.input_requests(review.id)],
            "preparation_answers": [z.row(a) for a in prep["colleague"] + prep["reviewer"]],
        })

    if checkins:
        doc = _doc("Wellbeing check-ins (Policy 3.3)", person, footer)
        doc.para("Kept apart from your performance record unless you chose otherwise (Policy 3.3).")
        doc.table((z.when_heading, "Mood (1-5)", "Note", "One-to-one asked", "Shared with manager"),
                  [(z.when(c.created_at), str(c.mood), value(c.note), "yes" if c.wants_one_to_one else "no",
                    _label(c.share_with_manager)) for c in checkins])
        z.part("checkins", doc, "Wellbeing check-ins", len(checkins), "checkins")
    data["checkins"] = [z.row(c) for c in checkins]

    data["plans"] = []
    for number, plan in enumerate(plans, 1):
        plan_data = await load_plan(repos, plan, zone)
        kind = "improvement-action-plan" if plan.kind == "improvement" else "support-plan"
        written = z.day(plan.date_agreed or plan.meeting_date or plan.created_at)
        z.part(f"plans/{kind}-{number}", build_plan(plan_data),
               f"{'Improvement Action Plan' if plan.kind == 'improvement' else 'Support Plan'} of {written}, "
               f"{plan.status}", 1, "plans")
        data["plans"].append({"plan": z.row(plan), "actions": [z.row(a) for a in plan_data.actions],
                              "reviews": [z.row(r) for r in plan_data.reviews],
                              "signatures": [z.row(s) for s in await repos.forms.signatures("support_plan", plan.id)]})

    if appeals:
        z.part("appeals", _appeals_doc(appeals, person, footer, z), "Appeals (Policy 9)", len(appeals), "appeals")
    data["appeals"] = [z.row(a) for a in appeals]

    if notices:
        z.part("notices", _notices_doc(notices, person, footer, z), "Notices sent to you and about you",
               len(notices), "notices")
    data["notices"] = [z.row(n) for n in notices]

    if sessions:
        z.part("conversations-in-progress", _sessions_doc(sessions, person, footer, z, app),
               "Answers of conversations not finished yet", len(sessions), "conversations")
    data["conversations_in_progress"] = [z.row(s) for s in sessions]

    rows = await audit_rows(repos, subject_id, zone)
    doc = _doc("Who read or changed your record (Policy 10.1)", person, footer)
    doc.table((z.when_heading, "Who", "Action", "What", "Channel"),
              [(r["when"], r["who"], r["action"], r["what"], r["channel"]) for r in rows] or [(EMPTY,) * 5])
    z.part("audit-log", doc, "Who read or changed your record (also audit.csv)", len(rows), "audit_events")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["when", "who", "action", "what", "channel", "identity"],
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    z.files["audit.csv"] = buffer.getvalue().encode()
    data["audit"] = [{k: v for k, v in r.items() if k != "actor_id"} for r in rows]
    z.files["data.json"] = json.dumps(data, default=partial(_json_default, zone=zone), indent=2, ensure_ascii=False).encode()

    cover = cover_note(person, org.name if org else "", today, received, z.contents, footer)
    cover.organisation = z.organisation
    z.files[f"{COVER}.pdf"] = render(cover, "pdf")
    z.files[f"{COVER}.md"] = to_markdown(cover).encode()
    out = io.BytesIO()
    first = [f"{COVER}.pdf", f"{COVER}.md"]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [*first, *sorted(k for k in z.files if k not in first)]:
            archive.writestr(name, z.files[name])
    return out.getvalue(), z.counts


def cover_note(person: Person, organisation: str, today: date, received: date,
               contents: list[tuple[str, str, int]], footer: str) -> Doc:
    """What is included, when it was prepared and by when the answer is due (one month)."""
    doc = Doc("Your personal data held by Cadence", footer=footer)
    due = subject_access_deadline(received)
    doc.fields(("Colleague:", person.name), ("Organisation:", organisation or EMPTY),
               ("Request received:", long_date(received)), ("Prepared on:", long_date(today)),
               ("Answer due by:", f"{long_date(due)} (one month from receipt, {SUBJECT_ACCESS_CLAUSE})"),
               ("Policy:", f"Performance Management Policy (Support Staff), {policy_version_label(POLICY_VERSION)}"))
    doc.para("This is everything Cadence, the trust's performance management assistant, holds about you: "
             "your forms and plans, what you and others wrote for your reviews, the notices it sent, the "
             "answers of conversations you have not finished, and who read or changed your record. Each part "
             "below is a PDF, with the same text as Markdown (.md) beside it; data.json holds every stored "
             "field for a computer to read.")
    doc.heading("What is included")
    doc.table(("Part", "File", "Items"), [(what, path, str(n)) for what, path, n in contents])
    doc.para("Not included: other colleagues' records, and Cadence's own settings. Records past their "
             "retention period (Policy 10.3: the review year and then 5 years) have already been deleted.")
    doc.para("Questions, or something you believe is wrong? Reply to HR, who prepared this for you.", italic=True)
    return doc


def _meetings_doc(label: str, person: Person, meetings: list[Meeting], footer: str, z: Zip) -> Doc:
    doc = _doc(f"Meetings, {label}", person, footer)
    doc.table((z.when_heading, "Kind", "Minutes", "Where", "Status", "Booked by"),
              [(z.when(m.starts_at), _label(m.kind), str(m.minutes), value(m.location), m.status,
                z.name(m.scheduled_by_id)) for m in meetings])
    return doc


def _appeals_doc(appeals: list[Appeal], person: Person, footer: str, z: Zip) -> Doc:
    doc = _doc("Appeals (Policy 9)", person, footer)
    for a in appeals:
        doc.heading(f"Appeal raised {z.day(a.informal_raised_on or a.written_received_on or a.created_at)}: "
                    f"{_label(a.stage)}", 2)
        doc.fields(("Concerns raised informally on:", long_date(a.informal_raised_on)),
                   ("Written appeal received on:", long_date(a.written_received_on)),
                   ("Concerns:", value(a.concerns)), ("Grounds:", value(a.grounds)),
                   ("Heard by:", z.name(a.hearing_by_id or a.handler_id) if (a.hearing_by_id or a.handler_id) else EMPTY),
                   ("Hearing:", z.when(a.hearing_at)), ("Companion (9.4):", value(a.companion_name)),
                   ("Outcome:", value(a.outcome)), ("Decided on:", long_date(a.decided_on)))
    return doc


def _notices_doc(notices: list[Reminder], person: Person, footer: str, z: Zip) -> Doc:
    doc = _doc("Notices sent to you and about you", person, footer)
    doc.para("Reminders and notices Cadence sent, or is due to send, to you or to others about you. Sent "
             "notices are kept for 90 days (README: retention).")
    for n in notices:
        to = "you" if n.recipient_id == person.id else z.name(n.recipient_id)
        doc.heading(f"{n.subject or _label(n.kind)}", 2)
        doc.fields(("To:", to), ("Status:", n.status), ("Due:", z.when(n.due_at)), ("Sent:", z.when(n.sent_at)),
                   ("Deadline:", long_date(n.deadline)), ("Policy clause:", value(n.clause)),
                   ("Message:", value(n.body)))
    return doc


def _sessions_doc(sessions: list[DialogSession], person: Person, footer: str, z: Zip, app: Any) -> Doc:
    doc = _doc("Answers of conversations not finished yet", person, footer)
    doc.para("What has been typed so far in conversations that are paused or still open. They become part of "
             "your record when finished; an unfinished one is deleted after a year without an answer.")
    for s in sessions:
        by = "you" if s.person_id == person.id else z.name(s.person_id)
        doc.heading(f"{_dialog_title(app, s.dialog_id)}, started by {by} on {z.day(s.created_at)}", 2)
        answers = (s.state or {}).get("answers", {})
        labels = _step_labels(app, s.dialog_id)
        doc.table(("Question", "Answer"), [(labels.get(k, _label(k)), _answer(v)) for k, v in answers.items()]
                  or [("(nothing answered yet)", EMPTY)])
        doc.para(f"Last answer: {z.when(s.updated_at)}; status: {s.status}.", italic=True)
    return doc


def _answer(v: Any) -> str:
    if v is None:
        return "skipped"
    if isinstance(v, list | tuple):
        return "; ".join(_answer(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{_label(str(k))}: {_answer(x)}" for k, x in v.items())
    if isinstance(v, bool):
        return "yes" if v else "no"
    return _long_if_date(str(v))


def _long_if_date(text: str) -> str:
    try:
        return long_date(date.fromisoformat(text)) if len(text) == 10 else text
    except ValueError:
        return text


def _registry(app: Any) -> Any:
    return getattr(getattr(app, "engine", None), "registry", None)


def _dialog_title(app: Any, dialog_id: str) -> str:
    registry = _registry(app)
    if registry is not None and registry.has(dialog_id):
        return registry.get(dialog_id).title
    return _label(dialog_id).capitalize()


def _step_labels(app: Any, dialog_id: str) -> dict[str, str]:
    registry = _registry(app)
    if registry is None or not registry.has(dialog_id):
        return {}
    steps = registry.get(dialog_id).steps
    if callable(steps):
        return {}
    return {s.key: s.label or (s.prompt if isinstance(s.prompt, str) else _label(s.key)) for s in steps}


def _json_default(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return when(value, zone)
    if isinstance(value, date):
        return long_date(value, zone)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


async def export_subject(app: Runtime, actor: PersonContext, subject_id: int, *, channel: str = "",
                         identity: str = "", received: date | None = None) -> Attachment:
    await access.authorise(app.repos, actor, "subject_access", subject_id=subject_id, channel=channel,
                           identity=identity)
    content, counts = await build_subject_zip(app, subject_id, received=received)
    await access.record(app.repos, actor, "export", "subject_access", subject_id=subject_id, channel=channel,
                        identity=identity, detail={"document": "subject_access", "format": "zip",
                                                   "policy_version": POLICY_VERSION, **counts})
    person = await app.repos.people.person(subject_id)
    slug = "-".join((person.name if person else "record").lower().split())
    return Attachment(f"subject-access-{slug}.zip", content, MEDIA_TYPES["zip"], title="Subject access export")

"""The Planning & Review Form (Support Staff) laid out as Annex 1 of the policy.

Three parts, in the order and with the headings of Annex 1: planning (objectives, professional &
career development, Ways of Being Co-op, other information, signatures), the mid-year interim
review, and the end-of-year review, each part ending with both signatures and their dates.

Decisions where the form is silent:
* Annex 1 prints three objective boxes. We print every stored objective (6.4 allows a fourth
  with a reason, which is shown), and three empty boxes when none are set yet, so a blank form
  still looks like the trust's paper one.
* A signature made in chat is shown as "Signed electronically by NAME" with the channel, and
  its date; an unsigned box says "Not yet signed".
* Training and development needs (8.1) are listed under "Professional & career development",
  by category, because that is where Annex 1 records development.
* Times are shown in the trust's time zone (Settings.timezone, Europe/London by default), dates as "23 November 2026".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.documents.layout import EMPTY, Doc, policy_version_label, value, yes_no
from bot.policy.calendar import academic_year_label
from bot.policy.objectives import (
    OBJECTIVE_KIND_LABELS,
    OUTCOME_LABELS,
    TRAINING_CATEGORIES,
    WAYS_OF_BEING_COOP,
)
from bot.services import DEFAULT_ZONE
from store.models import (
    POLICY_VERSION,
    CoopReflection,
    Cycle,
    Meeting,
    Milestone,
    Objective,
    ObjectiveProgress,
    Organisation,
    Person,
    Review,
    ReviewException,
    Signature,
    TrainingNeed,
)
from store.unit import Repositories

FORM_TITLE = "Planning & Review Form (Support Staff)"

# Annex 1, word for word
H_OBJECTIVES = "Agreeing your performance management objectives"
T_OBJECTIVES = ("Use this space to document your objectives, including success criteria / measures / "
                "milestones, and when it will be completed by.")
L_OBJECTIVE = "Objective:"
L_SUCCESS = "Success criteria:"
L_SUPPORT = "Development or support needed to successfully achieve this objective:"
H_DEVELOPMENT = "Professional & career development"
T_DEVELOPMENT = ("Use this space to record discussion around continuing professional development, "
                 "professional standards & career aspirations.")
H_COOP = "Ways of Being Co-op"
T_COOP = "Use this space to record discussion around the behaviours that underpin 'how we do things round here'"
T_OTHER = "Use this space to record any other relevant information in relation to the forthcoming year:"
T_SIGN_PLANNING = "Sign here to indicate that these objectives have been agreed:"
T_SIGN_NOTES = "Sign here to indicate that notes of meeting are agreed:"
H_MIDYEAR = "Mid-year interim review"
T_MIDYEAR = "Use this space to document progress made towards achieving your objectives."
Q_ON_TRACK = "Are all objectives on track to be met? YES / NO"
Q_EXPECTED = "Overall, is the colleague performing their job role to the level expected? YES / NO"
L_COMMENTS = "Please add comments here:"
T_DIALOGUE = ("Use this space to make a record of professional dialogue regarding progress, support / "
              "training, evidence and feedback, and any other relevant information.")
T_COOP_DIALOGUE = "Use this space to make a record of professional dialogue regarding the Ways of Being Co-op"
L_REVIEWEE_COMMENTS = "Reviewee comments (optional)"
L_REVIEWER_COMMENTS = "Reviewer comments (optional)"
H_EOY = "End of year review"
EOY_HEADER = ("Objective", "Outcome",
              "What evidence supports this? Note any factors that have affected performance")
NOT_SIGNED = "Not yet signed"
PARTS = ("planning", "mid_year", "end_of_year")


@dataclass
class FormData:
    """Everything the form shows, loaded once (tests compare the document with these rows)."""

    review: Review
    cycle: Cycle
    organisation: Organisation
    colleague: Person
    reviewer: Person | None
    objectives: list[Objective]
    progress: dict[tuple[int, str], ObjectiveProgress]
    milestones: dict[int, list[Milestone]]
    reflections: dict[tuple[str, str], CoopReflection]
    signatures: dict[tuple[str, str], Signature]
    signers: dict[int, Person]
    training: list[TrainingNeed]
    meetings: list[Meeting]
    extra: dict[str, str] = field(default_factory=dict)
    exceptions: list[ReviewException] = field(default_factory=list)  # bot.policy.lifecycle exceptions
    trust_name: str = ""  # the organisation's trust, printed in the header
    zone: ZoneInfo = DEFAULT_ZONE  # times and days as the trust reads them (Settings.timezone)

    @property
    def planning_meeting(self) -> Meeting | None:
        kept = [m for m in self.meetings if m.kind == "planning" and m.status != "cancelled"]
        return kept[0] if kept else None


async def load_form(repos: Repositories, review_id: int, zone: ZoneInfo = DEFAULT_ZONE) -> FormData:
    review = await repos.reviews.review(review_id)
    if review is None:
        raise LookupError(f"review {review_id} not found")
    cycle = await repos.reviews.cycle_by_id(review.cycle_id)
    colleague = await repos.people.person(review.colleague_id)
    assert cycle is not None and colleague is not None
    organisation = await repos.people.organisation(cycle.organisation_id)
    assert organisation is not None
    reviewer = await repos.people.person(review.reviewer_id) if review.reviewer_id else None
    objectives = await repos.forms.objectives(review_id)
    ids = [o.id for o in objectives if o.id is not None]
    progress = {(p.objective_id, p.stage): p for p in await repos.forms.progress(ids)}
    milestones: dict[int, list[Milestone]] = {}
    for m in await repos.forms.milestones(ids):
        milestones.setdefault(m.objective_id, []).append(m)
    reflections = {(r.part, r.way): r for r in await repos.forms.coop_reflections(review_id)}
    signatures = {(s.part, s.role): s for s in await repos.forms.signatures("review", review_id)}
    signers = await repos.people.people(s.person_id for s in signatures.values())
    training = sorted(await repos.forms.training_needs(review_id), key=lambda t: (t.category, t.id or 0))
    meetings = await repos.reviews.meetings_for(review_id)
    exceptions = (await repos.lifecycle.review_exceptions([review_id])).get(review_id, [])
    signers.update(await repos.people.people(e.recorded_by_id for e in exceptions if e.recorded_by_id not in signers))
    parent = await repos.people.organisation(organisation.parent_id) if organisation.parent_id else None
    return FormData(review, cycle, organisation, colleague, reviewer, objectives, progress, milestones,
                    reflections, signatures, signers, training, meetings, trust_name=parent.name if parent else "",
                    exceptions=exceptions, zone=zone)


EXCEPTION_LABELS = {"objectives": "Objectives recorded out of the usual order",
                    "mid_year": "Mid-year review outside the Spring term or out of order",
                    "end_of_year": "End of year review outside its window or out of order"}


def long_date(d: date | datetime | None, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    if d is None:
        return EMPTY
    if isinstance(d, datetime):
        d = d.astimezone(zone).date()
    return f"{d.day} {d:%B %Y}"


def signature_text(data: FormData, part: str, role: str) -> tuple[str, str]:
    """(signature, date) as the form prints them."""
    sig = data.signatures.get((part, role))
    if sig is None:
        return NOT_SIGNED, EMPTY
    signer = data.signers.get(sig.person_id)
    name = signer.name if signer else "a former colleague"
    via = f" via {sig.channel.capitalize()}" if sig.channel else ""
    return f"Signed electronically by {name}{via}", long_date(sig.signed_at, data.zone)


def _signatures(doc: Doc, data: FormData, part: str, intro: str) -> None:
    doc.para(intro, bold=True)
    reviewee, reviewee_date = signature_text(data, part, "reviewee")
    reviewer, reviewer_date = signature_text(data, part, "reviewer")
    doc.fields(("Reviewee signature:", reviewee), ("Date:", reviewee_date),
               ("Reviewer signature:", reviewer), ("Date:", reviewer_date))


def _coop(doc: Doc, data: FormData, part: str) -> None:
    for way in WAYS_OF_BEING_COOP:
        doc.heading(way, 3)
        reflection = data.reflections.get((part, way))
        doc.para(value(reflection.text if reflection else ""))


def objective_fields(data: FormData, o: Objective) -> list[tuple[str, str]]:
    rows = [(L_OBJECTIVE, value(o.text)), (L_SUCCESS, value(o.success_criteria)),
            (L_SUPPORT, value(o.support_needed)),
            ("To be completed by:", long_date(o.due_date) if o.due_date else EMPTY)]
    for m in data.milestones.get(o.id or -1, []):
        done = " (done)" if m.done else ""
        rows.append(("Milestone:", f"{m.description}, by {long_date(m.due_date)}{done}"))
    if o.kinds:
        rows.append(("Kind (Policy 6.4):", ", ".join(OBJECTIVE_KIND_LABELS.get(k, k) for k in o.kinds)))
    if o.agreement == "determined_by_reviewer":
        rows.append(("Agreement (Policy 6.3):", "Determined by the reviewer"))
    if o.extra_reason:
        rows.append(("Reason for an additional objective (Policy 6.4):", o.extra_reason))
    return rows


def build_form(data: FormData) -> Doc:
    r, c = data.review, data.colleague
    year = academic_year_label(data.cycle.year)
    doc = Doc(FORM_TITLE, footer=f"{data.organisation.name} · {c.name or 'blank form'} · cycle {year} · "
                                 f"policy {policy_version_label(r.policy_version)} · Policy 10.1: in confidence",
              organisation=data.trust_name or data.organisation.name)
    doc.para(f"{data.organisation.name} · Performance management cycle {year} (September to August, Policy 3.2)")
    meeting = data.planning_meeting
    doc.fields(("Colleague name:", c.name), ("Reviewer name:", data.reviewer.name if data.reviewer else EMPTY),
               ("Job title:", value(c.job_title)),
               ("Date of planning meeting:", long_date(meeting.starts_at, data.zone) if meeting else EMPTY))

    # --- planning ---
    doc.heading(H_OBJECTIVES, 1)
    doc.para(T_OBJECTIVES, italic=True)
    if data.objectives:
        for o in data.objectives:
            doc.heading(f"Objective {o.number}", 2)
            doc.fields(*objective_fields(data, o))
    else:
        for n in (1, 2, 3):
            doc.heading(f"Objective {n}", 2)
            doc.fields((L_OBJECTIVE, EMPTY), (L_SUCCESS, EMPTY), (L_SUPPORT, EMPTY))
    doc.heading(H_DEVELOPMENT, 1)
    doc.para(T_DEVELOPMENT, italic=True)
    doc.para(value(r.professional_development))
    if data.training:
        doc.heading("Training and development needs (Policy 8.1)", 3)
        doc.table(("Category", "Need", "Essential (8.4)", "Funded"),
                  [(f"({t.category}) {TRAINING_CATEGORIES.get(t.category, '')}", t.description,
                    "Yes" if t.essential else "No", "Yes" if t.funded else "No") for t in data.training])
    doc.heading(H_COOP, 1)
    doc.para(T_COOP, italic=True)
    _coop(doc, data, "planning")
    doc.para(T_OTHER, italic=True)
    doc.para(value(r.other_information))
    _signatures(doc, data, "planning", T_SIGN_PLANNING)

    # --- mid-year --- (no forced page break: each section's blocks are kept together instead)
    doc.heading(H_MIDYEAR, 1)
    doc.para(T_MIDYEAR, italic=True)
    doc.table(("Objective", "Comment"), _progress_rows(data, "mid_year", with_outcome=False))
    doc.fields((Q_ON_TRACK, yes_no(r.midyear_all_on_track)), (Q_EXPECTED, yes_no(r.midyear_performing_expected)),
               (L_COMMENTS, value(r.midyear_comments)))
    doc.para(T_DIALOGUE, italic=True)
    doc.para(value(r.midyear_dialogue))
    doc.para(T_COOP_DIALOGUE, italic=True)
    doc.para(value(r.midyear_coop_dialogue))
    doc.fields((L_REVIEWEE_COMMENTS, value(r.midyear_reviewee_comments)))
    _signatures(doc, data, "mid_year", T_SIGN_NOTES)

    # --- end of year ---
    doc.heading(H_EOY, 1)
    doc.table(EOY_HEADER, _progress_rows(data, "end_of_year", with_outcome=True))
    doc.fields((Q_EXPECTED, yes_no(r.eoy_performing_expected)), (L_COMMENTS, value(r.eoy_comments)))
    doc.para(T_DIALOGUE, italic=True)
    doc.para(value(r.eoy_dialogue))
    doc.heading(H_COOP, 2)
    doc.para(T_COOP, italic=True)
    _coop(doc, data, "end_of_year")
    doc.fields((L_REVIEWEE_COMMENTS, value(r.eoy_reviewee_comments)),
               (L_REVIEWER_COMMENTS, value(r.eoy_reviewer_comments)))
    _signatures(doc, data, "end_of_year", T_SIGN_NOTES)
    if data.exceptions:
        doc.heading("Exceptions to the order of the cycle (Policy 3.2, 3.8)", 2)
        for e in data.exceptions:
            who = data.signers.get(e.recorded_by_id)
            doc.para(f"{EXCEPTION_LABELS.get(e.step, e.step)}: {e.reason} (recorded by "
                     f"{who.name if who else 'the headteacher'} on {long_date(e.recorded_at)})")
    if r.transfer_addendum:
        doc.heading("Written addition: transfer to a new post (Policy 3.6)", 2)
        doc.para(r.transfer_addendum)
    doc.para(f"Made under the Performance Management Policy (Support Staff), {versions_label(form_versions(data))}"
             f". Kept until {long_date(retain_until_of(data))} (Policy 10.3).", italic=True)
    return doc


def form_versions(data: FormData) -> list[str]:
    """Every policy version the form's records were made under (usually one)."""
    rows: list[Any] = [data.review, *data.objectives, *data.progress.values(), *data.reflections.values(),
                       *data.signatures.values(), *data.training, *data.meetings,
                       *(m for ms in data.milestones.values() for m in ms)]
    return sorted({getattr(row, "policy_version", "") for row in rows} - {""})


def versions_label(versions: list[str]) -> str:
    """"version of 25 July 2019", or each version when parts were made under different ones."""
    return " and ".join(policy_version_label(v) for v in versions) or policy_version_label(POLICY_VERSION)


def retain_until_of(data: FormData) -> date:
    from bot.policy.deadlines import retain_until

    return data.review.retain_until or retain_until(data.cycle.year)


def _progress_rows(data: FormData, stage: str, *, with_outcome: bool) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    objectives = data.objectives or []
    for o in objectives:
        p = data.progress.get((o.id or -1, stage))
        label = f"{o.number}. {o.text}"
        if with_outcome:
            outcome = OUTCOME_LABELS.get(p.outcome or "", "Met / Partially Met / Not Met") if p else \
                "Met / Partially Met / Not Met"
            evidence = value(" ".join(x for x in ((p.evidence if p else ""), (p.comment if p else "")) if x))
            rows.append((label, outcome, evidence))
        else:
            rows.append((label, value(p.comment if p else "")))
    if not objectives:
        for n in (1, 2, 3):
            rows.append((f"{n}.", "Met / Partially Met / Not Met", EMPTY) if with_outcome else (f"{n}.", EMPTY))
    return rows


def form_filename(data: FormData, fmt: str) -> str:
    slug = "-".join(data.colleague.name.lower().split())
    return f"planning-review-form-{slug}-{academic_year_label(data.cycle.year)}.{fmt}"


BLANKS = {EMPTY: "", NOT_SIGNED: "", "Not yet answered": "YES / NO"}


def build_blank_form(organisation: str, trust: str, cycle_year: int) -> Doc:
    """Annex 1 with nothing filled in (three objective blocks) to write on in a meeting."""
    from dataclasses import replace as _replace

    from bot.documents.layout import Fields, Para, Table
    from store.models import Cycle, Organisation, Person, Review

    data = FormData(Review(cycle_id=0, colleague_id=0), Cycle(organisation_id=0, year=cycle_year),
                    Organisation(name=organisation), Person(email="", name="", organisation_id=0), None,
                    [], {}, {}, {}, {}, {}, [], [], trust_name=trust)
    doc = build_form(data)
    blocks = []
    for block in doc.blocks:
        if isinstance(block, Fields):
            block = Fields(tuple((label, BLANKS.get(v, v)) for label, v in block.rows))
        elif isinstance(block, Table):
            block = Table(block.header, tuple(tuple(BLANKS.get(c, c) for c in row) for row in block.rows))
        elif isinstance(block, Para) and block.text in BLANKS:
            block = Para("\n\n", italic=block.italic, bold=block.bold)  # room to write
        elif isinstance(block, Para) and block.text.startswith("Made under"):
            block = Para(f"Performance Management Policy (Support Staff), {policy_version_label(POLICY_VERSION)}. "
                         "Blank form for use in a meeting; the record is kept in Cadence (Policy 10.1, 10.3).",
                         italic=True)
        blocks.append(block)
    return _replace(doc, blocks=blocks)

"""The annual report to the Local Governing Body (Policy 11.2, 11.3): no information that could
identify anyone.

Three sections, as 11.3 lists them, each with a table and a chart:
(a) operation of the policy: reviews due, Meeting 1 held, objectives agreed on time (by the end of
    the Meeting 1 window, 3.2), meetings booked with 5 days' notice (5.3), mid-year reviews held
    (3.2), end-of-year reviews done (7.1), appeals and whether hearings met 15 working days (9.5);
(b) effectiveness: objective outcomes (7.1), colleagues performing to the expected level (6.6),
    support plans and improvement action plans opened and closed in the year (7.4, Annex 4);
(c) training and development needs by category (8.1 a-c), essential (8.4) and funded.

Anonymity (11.3), our reading:
* No name, email, job title or free text from any record appears: only counts.
* Every count under 5 (zero included) is printed as "<5".
* Where a small count could be worked out from a printed total, the smallest other count of that
  group is printed as a floor ("≥15"), so no small group can be recovered by subtraction.
* Charts draw the printed values only: a "<5" bar is drawn empty with its label.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import access
from bot.documents.layout import Doc
from bot.documents.render import render
from bot.policy.calendar import academic_year_label
from bot.policy.deadlines import appeal_hearing_deadline
from bot.policy.meetings import MIN_NOTICE_DAYS
from bot.policy.objectives import OUTCOME_LABELS, TRAINING_CATEGORIES
from bot.policy.windows import meeting1_window
from store.models import Appeal, Meeting, Objective, ObjectiveProgress, Signature, TrainingNeed

if TYPE_CHECKING:
    from bot.services import Runtime, Services
    from store.repo import PersonContext

LONDON = ZoneInfo("Europe/London")
THRESHOLD = 5  # Policy 11.3: groups smaller than this are shown as "<5"
SMALL = "<5"
STAGE_ORDER = ("preparation", "planning", "objectives_agreed", "mid_year_done", "end_of_year_done", "closed")


def shown(n: int) -> str:
    return SMALL if n < THRESHOLD else str(n)


def suppress(counts: dict[str, int], total_known: bool = True) -> dict[str, str]:
    """Print a group of counts safely: small ones as "<5"; when the group's total is printed elsewhere
    and any count is small, the smallest of the others is printed as a floor ("≥15") so the small
    ones cannot be worked out by subtraction."""
    out = {k: shown(v) for k, v in counts.items()}
    small = [k for k, v in counts.items() if v < THRESHOLD]
    if total_known and small and len(small) < len(counts):
        others = sorted((v, k) for k, v in counts.items() if k not in small)
        value, key = others[0]
        # one step below the value, so "≥35" of 40 does not pin the rest at 0
        out[key] = f"≥{max(THRESHOLD, ((value - 1) // THRESHOLD) * THRESHOLD)}"
    return out


@dataclass
class Section:
    key: str
    title: str
    clause: str
    header: tuple[str, str]
    rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chart_title: str = ""

    def add_group(self, counts: dict[str, int], *, total_known: bool = True) -> None:
        printed = suppress(counts, total_known)
        self.rows.extend((label, printed[label]) for label in counts)


def _academic_span(year: int) -> tuple[datetime, datetime]:
    start = datetime(year, 9, 1, tzinfo=LONDON)
    return start, datetime(year + 1, 9, 1, tzinfo=LONDON)


async def gather(services: Services, organisation_id: int, year: int) -> list[Section]:
    """Count everything the report shows for one organisation and cycle year."""
    repo = services.repo
    org = await repo.organisation(organisation_id)
    assert org is not None
    pairs = await repo.reviews_in_org_year(organisation_id, year)
    reviews = [r for r, _p in pairs]
    ids = [r.id for r in reviews if r.id is not None]
    meetings: list[Meeting] = await repo.rows_for_reviews(Meeting, ids)
    objectives: list[Objective] = await repo.rows_for_reviews(Objective, ids)
    appeals: list[Appeal] = await repo.rows_for_reviews(Appeal, ids)
    training: list[TrainingNeed] = await repo.rows_for_reviews(TrainingNeed, ids)
    progress: list[ObjectiveProgress] = await repo.progress([o.id for o in objectives if o.id is not None])
    signatures: list[Signature] = await repo.signatures_for("review", ids)
    plans = await repo.support_plans_of_people([p.id for _r, p in pairs if p.id is not None])
    workdays = services.workdays_for(org.calendar_name)
    try:
        m1_end: date | None = meeting1_window(services.calendar_for(org.calendar_name), year).end
    except Exception:  # noqa: BLE001 - no calendar for that year: "on time" cannot be judged
        m1_end = None

    def reached(stage: str) -> set[int]:
        i = STAGE_ORDER.index(stage)
        return {r.id for r in reviews if r.id is not None and r.stage in STAGE_ORDER
                and STAGE_ORDER.index(r.stage) >= i}

    held = {m.review_id for m in meetings if m.status == "held"}
    kinds = {m.review_id: set() for m in meetings}
    for m in meetings:
        if m.status == "held":
            kinds[m.review_id].add(m.kind)
    meeting1 = {rid for rid in held if "planning" in kinds.get(rid, set())} | reached("objectives_agreed")
    midyear = {rid for rid in held if "mid_year" in kinds.get(rid, set())} | reached("mid_year_done")
    signed_planning: dict[int, list[datetime]] = {}
    for s in signatures:
        if s.part == "planning":
            signed_planning.setdefault(s.subject_id, []).append(s.signed_at)
    agreed = {rid: max(ts) for rid, ts in signed_planning.items() if len(ts) >= 2}
    on_time = {rid for rid, when in agreed.items()
               if m1_end is not None and when.astimezone(LONDON).date() <= m1_end}
    formal = [m for m in meetings if m.kind in ("planning", "mid_year", "end_of_year", "split_second_half")
              and m.status != "cancelled"]
    with_notice = [m for m in formal if m.starts_at - m.scheduled_at >= timedelta(days=MIN_NOTICE_DAYS)]

    operation = Section("operation", "(a) How the policy operated", "11.3(a)", ("Measure", "Colleagues"),
                        chart_title="Reviews through the cycle")
    operation.rows.append(("Reviews due this cycle (Policy 3.2)", shown(len(reviews))))
    operation.add_group({"Meeting 1 held (3.2)": len(meeting1), "Meeting 1 not yet held": len(reviews) - len(meeting1)})
    if m1_end is not None:
        operation.add_group({f"Objectives agreed and signed by {m1_end.day} {m1_end:%B %Y} (on time)": len(on_time),
                             "Objectives agreed later or not yet": len(reviews) - len(on_time)})
    operation.add_group({"Mid-year reviews held (3.2)": len(midyear),
                         "Mid-year reviews not yet held": len(reviews) - len(midyear)})
    operation.add_group({"End-of-year reviews done (7.1)": len(reached("end_of_year_done")),
                         "End-of-year reviews not yet done": len(reviews) - len(reached("end_of_year_done"))})
    operation.add_group({f"Meetings booked with at least {MIN_NOTICE_DAYS} days' notice (5.3)": len(with_notice),
                         f"Meetings booked with less than {MIN_NOTICE_DAYS} days' notice": len(formal) - len(with_notice)})
    in_time = late = waiting = 0
    for a in appeals:
        if a.written_received_on is None or a.stage == "withdrawn":
            continue
        due = appeal_hearing_deadline(a.written_received_on, workdays).due
        if a.hearing_at is None:
            waiting += 1
        elif a.hearing_at.astimezone(LONDON).date() <= due:
            in_time += 1
        else:
            late += 1
    operation.rows.append(("Appeals raised (Policy 9)", shown(len(appeals))))
    operation.add_group({"Written appeals heard within 15 working days (9.5)": in_time,
                         "Written appeals heard after 15 working days": late,
                         "Written appeals awaiting a hearing": waiting})
    operation.notes.append("Meeting 1 is the annual review and planning meeting; it usually falls in the second "
                           "half of the Summer term or the first half of the Autumn term (Policy 3.2).")

    outcomes = {k: 0 for k in OUTCOME_LABELS}
    for p in progress:
        if p.stage == "end_of_year" and p.outcome in outcomes:
            outcomes[p.outcome] += 1
    effectiveness = Section("effectiveness", "(b) How effective it was", "11.3(b)", ("Measure", "Count"),
                            chart_title="Objective outcomes at the end of the year")
    effectiveness.rows.append(("Objectives set (6.4)", shown(len(objectives))))
    outcomes["none"] = len(objectives) - sum(outcomes.values())
    effectiveness.add_group({**{f"Objectives {OUTCOME_LABELS[k]} (7.1)": v for k, v in outcomes.items()
                                if k != "none"}, "Objectives with no end-of-year outcome yet": outcomes["none"]})
    expected = [r.eoy_performing_expected for r in reviews if r.eoy_performing_expected is not None]
    effectiveness.add_group({"Performing to the expected level (6.6)": sum(1 for e in expected if e),
                             "Not yet performing to the expected level": sum(1 for e in expected if not e)})
    start, end = _academic_span(year)
    for kind, label in (("support", "Support plans (Annex 4)"), ("improvement", "Improvement action plans")):
        of_kind = [p for p in plans if p.kind == kind]
        opened = sum(1 for p in of_kind if start <= p.created_at < end)
        closed = sum(1 for p in of_kind if p.closed_at is not None and start <= p.closed_at < end)
        effectiveness.add_group({f"{label} opened": opened, f"{label} closed": closed}, total_known=False)
    effectiveness.notes.append("Good progress towards a challenging objective counts favourably even when it is "
                               "only partially met (Policy 7.1).")

    needs = Section("training", "(c) Training and development needs", "11.3(c), 8.1", ("Category", "Needs"),
                    chart_title="Training and development needs by category (8.1)")
    by_category = {f"({c}) {label}": sum(1 for t in training if t.category == c)
                   for c, label in TRAINING_CATEGORIES.items()}
    needs.add_group(by_category)
    needs.rows.append(("All needs recorded", shown(len(training))))
    needs.add_group({"Essential to the role or objectives (8.4)": sum(1 for t in training if t.essential),
                     "Other needs": sum(1 for t in training if not t.essential)})
    needs.rows.append(("Funded (8.4)", shown(sum(1 for t in training if t.funded))))
    return [operation, effectiveness, needs]


def drawable(section: Section) -> bool:
    """A chart only when some bar can be drawn: values under 5 are not (Policy 11.3)."""
    return any(v != SMALL and float(v.lstrip("≥")) > 0 for _label, v in section.rows)


def chart(section: Section) -> bytes:
    """A horizontal bar chart of the printed values (Agg backend: no display needed)."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [label if len(label) <= 62 else label[:60] + "…" for label, _v in section.rows]
    values = []
    for _label, v in section.rows:
        values.append(float(v.lstrip("≥")) if v != SMALL else 0.0)
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(labels) + 1.2), dpi=110, layout="constrained")
    bars = ax.barh(range(len(labels)), values, color="#2f6f9f")
    for bar, (_label, v) in zip(bars, section.rows, strict=True):
        ax.text(bar.get_width() + 0.3, bar.get_y() + bar.get_height() / 2, v, va="center", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, max(values) * 1.12)  # room for the last bar's label
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of people
    ax.set_title(section.chart_title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel("Count (values under 5 shown as <5 and not drawn)", fontsize=7.5)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def build_report(org_name: str, year: int, sections: list[Section], today: date, *, charts: bool = True) -> Doc:
    label = academic_year_label(year)
    doc = Doc(f"Performance management of support staff: annual report to governors, {label}",
              footer=f"{org_name} · report to the Local Governing Body · Policy 11.3", confidential=False)
    doc.para(f"{org_name}. Prepared on {today.day} {today:%B %Y} for the Local Governing Body (Policy 11.2, 11.3).")
    doc.para("This report contains no information that could identify anyone: no names, only counts. Every "
             "number under 5 is shown as “<5”; where a small number could otherwise be worked out from a total, "
             "the next number is shown as a floor (for example “≥15”).", italic=True)
    for section in sections:
        doc.heading(f"{section.title} (Policy {section.clause})", 1)
        doc.table(section.header, section.rows)
        for note in section.notes:
            doc.para(note, italic=True)
        if charts and drawable(section):
            doc.image(chart(section), section.chart_title)
        elif charts:
            doc.para(f"No chart of “{section.chart_title}”: every count in it is under 5, and counts under 5 "
                     "are not drawn (Policy 11.3).", italic=True)
    return doc


async def governors_report(app: Runtime, organisation_id: int, year: int, *, fmt: str = "pdf",
                           actor: PersonContext | None = None, channel: str = "", identity: str = "") -> bytes:
    """The report as PDF (or Markdown). With an actor, access is checked (11.3); every run is audited."""
    if actor is not None:
        await access.authorise(app.repo, actor, "governors_report", organisation_id=organisation_id,
                               channel=channel, identity=identity)
    org = await app.repo.organisation(organisation_id)
    assert org is not None
    sections = await gather(app.services, organisation_id, year)
    doc = build_report(org.name, year, sections, app.clock.today(), charts=fmt != "md")
    await access.record(app.repo, actor, "export", "governors_report", record_id=organisation_id, channel=channel,
                        identity=identity, detail={"organisation_id": organisation_id, "year": year, "format": fmt})
    return render(doc, fmt)

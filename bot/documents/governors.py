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
from bot.documents.layout import Doc, policy_version_label
from bot.documents.render import render
from bot.policy.calendar import academic_year_label
from bot.policy.deadlines import appeal_hearing_deadline
from bot.policy.meetings import MIN_NOTICE_DAYS
from bot.policy.objectives import OUTCOME_LABELS, TRAINING_CATEGORIES
from bot.policy.windows import meeting1_window
from store.models import (
    POLICY_VERSION,
    Appeal,
    Meeting,
    Objective,
    ObjectiveProgress,
    Signature,
    TrainingNeed,
)

if TYPE_CHECKING:
    from bot.services import Runtime, Services
    from store.repos.values import PersonContext

THRESHOLD = 5  # Policy 11.3: groups smaller than this are shown as "<5"
SMALL = "<5"
REVIEWS_DUE = "Reviews due this cycle (Policy 3.2)"
ON_TIME = "Objectives agreed and signed on time (3.2)"
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
    """One of 11.3's three parts for one organisation and year: the raw counts, grouped as they must
    be suppressed together, and ``rows`` as printed (small numbers hidden)."""

    key: str
    title: str
    clause: str
    header: tuple[str, str]
    rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chart_title: str = ""
    groups: list[tuple[dict[str, int], bool]] = field(default_factory=list)  # (counts, total printed elsewhere)
    chart_rows: tuple[str, ...] = ()  # the few measures its one chart shows

    def add_group(self, counts: dict[str, int], *, total_known: bool = True) -> None:
        self.groups.append((dict(counts), total_known))
        printed = suppress(counts, total_known)
        self.rows.extend((label, printed[label]) for label in counts)

    def add_row(self, label: str, count: int) -> None:
        self.add_group({label: count}, total_known=False)

    def raw(self) -> dict[str, int]:
        return {label: n for counts, _known in self.groups for label, n in counts.items()}


def _academic_span(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(year, 9, 1, tzinfo=zone)
    return start, datetime(year + 1, 9, 1, tzinfo=zone)


async def gather(services: Services, organisation_id: int, year: int) -> list[Section]:
    """Count everything the report shows for one organisation and cycle year."""
    repos = services.repos
    org = await repos.people.organisation(organisation_id)
    assert org is not None
    pairs = await repos.records.reviews_in_org_year(organisation_id, year)
    reviews = [r for r, _p in pairs]
    ids = [r.id for r in reviews if r.id is not None]
    meetings: list[Meeting] = await repos.records.rows_for_reviews(Meeting, ids)
    objectives: list[Objective] = await repos.records.rows_for_reviews(Objective, ids)
    appeals: list[Appeal] = await repos.records.rows_for_reviews(Appeal, ids)
    training: list[TrainingNeed] = await repos.records.rows_for_reviews(TrainingNeed, ids)
    progress: list[ObjectiveProgress] = await repos.forms.progress([o.id for o in objectives if o.id is not None])
    signatures: list[Signature] = await repos.records.signatures_for("review", ids)
    plans = await repos.plans.plans_for([p.id for _r, p in pairs if p.id is not None])
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
               if m1_end is not None and when.astimezone(services.zone).date() <= m1_end}
    formal = [m for m in meetings if m.kind in ("planning", "mid_year", "end_of_year", "split_second_half")
              and m.status != "cancelled"]
    with_notice = [m for m in formal if m.starts_at - m.scheduled_at >= timedelta(days=MIN_NOTICE_DAYS)]

    operation = Section("operation", "(a) How the policy operated", "11.3(a)", ("Measure", "Colleagues"),
                        chart_title="Reviews through the cycle")
    operation.add_row(REVIEWS_DUE, len(reviews))
    operation.add_group({"Meeting 1 held (3.2)": len(meeting1), "Meeting 1 not yet held": len(reviews) - len(meeting1)})
    operation.add_group({ON_TIME: len(on_time), "Objectives agreed later or not yet": len(reviews) - len(on_time)})
    if m1_end is not None:
        operation.notes.append(f"On time: signed by both by {m1_end.day} {m1_end:%B %Y}, the end of the Meeting 1 "
                               "window (Policy 3.2).")
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
        elif a.hearing_at.astimezone(services.zone).date() <= due:
            in_time += 1
        else:
            late += 1
    operation.add_row("Appeals raised (Policy 9)", len(appeals))
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
    effectiveness.add_row("Objectives set (6.4)", len(objectives))
    outcomes["none"] = len(objectives) - sum(outcomes.values())
    effectiveness.add_group({**{f"Objectives {OUTCOME_LABELS[k]} (7.1)": v for k, v in outcomes.items()
                                if k != "none"}, "Objectives with no end-of-year outcome yet": outcomes["none"]})
    expected = [r.eoy_performing_expected for r in reviews if r.eoy_performing_expected is not None]
    effectiveness.add_group({"Performing to the expected level (6.6)": sum(1 for e in expected if e),
                             "Not yet performing to the expected level": sum(1 for e in expected if not e)})
    start, end = _academic_span(year, services.zone)
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
    needs.add_row("All needs recorded", len(training))
    needs.add_group({"Essential to the role or objectives (8.4)": sum(1 for t in training if t.essential),
                     "Other needs": sum(1 for t in training if not t.essential)})
    needs.add_row("Funded (8.4)", sum(1 for t in training if t.funded))
    operation.chart_rows = ("Meeting 1 held (3.2)", ON_TIME, "Mid-year reviews held (3.2)",
                            "End-of-year reviews done (7.1)")
    effectiveness.chart_rows = tuple(f"Objectives {OUTCOME_LABELS[k]} (7.1)" for k in OUTCOME_LABELS)
    needs.chart_rows = tuple(by_category)
    return [operation, effectiveness, needs]


def add_up(parts: list[list[Section]]) -> list[Section]:
    """Several organisations' sections as one (the trust's): each count summed, then suppressed."""
    first = parts[0]
    out: list[Section] = []
    for i, template in enumerate(first):
        total = Section(template.key, template.title, template.clause, template.header,
                        chart_title=template.chart_title, chart_rows=template.chart_rows)
        for g, (counts, known) in enumerate(template.groups):
            summed = {label: sum(p[i].groups[g][0].get(label, 0) for p in parts) for label in counts}
            total.add_group(summed, total_known=known)
        out.append(total)
    return out


def floored(section: Section) -> dict[str, str]:
    """A total over academies some of which are too small to show: every count printed as a floor in
    fives ("≥45" for 47), so a hidden academy's numbers cannot be worked out by subtraction."""
    return {label: shown(n) if n < THRESHOLD else f"≥{(n // THRESHOLD) * THRESHOLD}"
            for label, n in section.raw().items()}


@dataclass
class Column:
    heading: str
    values: list[dict[str, str]]  # per section: label -> printed value


def _column(heading: str, sections: list[Section], *, floor: bool = False) -> Column:
    return Column(heading, [floored(s) if floor else dict(s.rows) for s in sections])


@dataclass
class Report:
    organisation: str
    audience: str  # "Local Governing Body" or "Trust Board" (Policy 1.3)
    year: int
    sections: list[Section]  # this year's, for the rows' order, notes and charts
    columns: list[Column]
    notes: list[str] = field(default_factory=list)
    commentary: str = ""


async def build(services: Services, organisation_id: int, year: int, commentary: str = "") -> Report:
    """This year beside last year; for a trust, the trust's totals and each academy large enough to show."""
    repos = services.repos
    org = await repos.people.organisation(organisation_id)
    assert org is not None
    this, last = academic_year_label(year), academic_year_label(year - 1)
    if org.kind != "trust":
        now, before = await gather(services, organisation_id, year), await gather(services, organisation_id, year - 1)
        audience = "Trust Board" if org.kind == "central" else "Local Governing Body"
        return Report(org.name, audience, year, now, [_column(f"This year ({this})", now),
                                                      _column(f"Last year ({last})", before)],
                      commentary=commentary)
    members = [o for o in await repos.appeals.organisations_under(organisation_id) if o.id != organisation_id]
    parts = {o.name: (await gather(services, o.id, year), await gather(services, o.id, year - 1))
             for o in members if o.id is not None}
    if not parts:  # a trust with no academies yet: its own (empty) figures
        now = await gather(services, organisation_id, year)
        return Report(org.name, "Trust Board", year, now, [_column(f"This year ({this})", now)], commentary=commentary)
    now = add_up([p[0] for p in parts.values()])
    before = add_up([p[1] for p in parts.values()])
    shown_here = [name for name, (sections, _b) in parts.items() if sections[0].raw()[REVIEWS_DUE] >= THRESHOLD]
    hidden = [name for name in parts if name not in shown_here and parts[name][0][0].raw()[REVIEWS_DUE] > 0]
    columns = [_column(f"Trust {this}", now, floor=bool(hidden)), _column(f"Trust {last}", before, floor=bool(hidden))]
    columns += [_column(f"{name} {this}", parts[name][0]) for name in shown_here]
    notes = [f"The trust's figures add up its {len(parts)} academies and teams."]
    if hidden:
        notes.append(f"{len(hidden)} of them had fewer than {THRESHOLD} reviews: they are counted in the trust's "
                     f"figures but get no column of their own, and the trust's figures are shown to the nearest "
                     f"{THRESHOLD} below (for example “≥45”) so their numbers cannot be worked out (Policy 11.3).")
    return Report(org.name, "Trust Board", year, now, columns, notes, commentary=commentary)


def _bar_values(section: Section, values: dict[str, str]) -> list[float | None]:
    """Exact counts only: a "<5" or a floor ("≥35") is in the table, never drawn as if exact."""
    out: list[float | None] = []
    for label in section.chart_rows:
        v = values.get(label, SMALL)
        out.append(None if v == SMALL or v.startswith("≥") else float(v))
    return out


def drawable(section: Section, columns: list[Column] | None = None, index: int = 0) -> bool:
    columns = columns or [_column("", [section])]
    return any(v is not None and v > 0 for c in columns[:2] for v in _bar_values(section, c.values[index]))


def chart(section: Section, columns: list[Column], index: int) -> bytes:
    """One chart for the section: its few headline measures, this year beside last year (exact counts
    only; Agg backend: no display needed)."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [label if len(label) <= 48 else label[:46] + "…" for label in section.chart_rows]
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(labels) + 1.3), dpi=110, layout="constrained")
    height = 0.38
    top = 0.0
    for n, (column, colour) in enumerate(zip(columns[:2], ("#2f6f9f", "#a9c4d9"), strict=False)):
        values = _bar_values(section, column.values[index])
        ys = [i + (n - 0.5) * height for i in range(len(labels))]
        drawn = [v or 0.0 for v in values]
        ax.barh(ys, drawn, height=height, color=colour, label=column.heading)
        for y, v, raw in zip(ys, drawn, values, strict=True):
            if raw is not None:
                ax.text(v + 0.3, y, f"{int(v)}", va="center", fontsize=7)
        top = max([top, *drawn])
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(top, 1) * 1.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(section.chart_title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7.5, loc="lower right", frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def build_report(report: Report, today: date, *, charts: bool = True) -> Doc:
    label = academic_year_label(report.year)
    doc = Doc(f"Performance management of support staff: annual report, {label}",
              footer=f"{report.organisation} · report to the {report.audience} · Policy 11.3 · policy "
                     f"{policy_version_label(POLICY_VERSION)}", confidential=False,
              organisation=report.organisation)
    doc.para(f"{report.organisation}: the annual written report to the {report.audience} on the operation of the "
             f"performance management policy for support staff (Policy 11.2, 11.3). Prepared on "
             f"{today.day} {today:%B %Y}.")
    doc.para("How to read the numbers: the report names nobody and shows counts only. “<5” means fewer than five "
             "(none included); “≥15” means at least fifteen, shown where an exact number would let a small one "
             "be worked out from a total (Policy 11.3). Charts draw exact counts only.", italic=True)
    this_year = report.columns[0].values if report.columns else []
    if this_year and all(v == SMALL for section in this_year for v in section.values()):
        doc.para(f"Fewer than five colleagues were reviewed in {label}, so every number in this report is shown as "
                 "“<5” and there are no charts: any exact number could identify someone (Policy 11.3). The "
                 "commentary below is where the year is described.", bold=True)
    for note in report.notes:
        doc.para(note)
    for i, section in enumerate(report.sections):
        doc.heading(f"{section.title} (Policy {section.clause})", 1)
        header = ("Measure", *(c.heading for c in report.columns))
        doc.table(header, [(row_label, *(c.values[i].get(row_label, SMALL) for c in report.columns))
                           for row_label, _v in section.rows])
        for note in section.notes:
            doc.para(note, italic=True)
        if charts and report.columns and drawable(section, report.columns, i):
            doc.image(chart(section, report.columns, i), f"{section.chart_title}. Bars are exact counts; a count "
                      "under 5 or shown as “≥” is in the table only.")
    doc.heading("The headteacher's commentary" if report.audience == "Local Governing Body"
                else "The executive leader's commentary", 1)
    if report.commentary.strip():
        for paragraph in report.commentary.strip().split("\n\n"):
            doc.para(" ".join(paragraph.split()))
    else:
        doc.para("(Space for a commentary on the year: what went well, what will change. Add it with "
                 "cadence report governors --commentary FILE.)", italic=True)
        doc.para("\n\n\n\n\n")
    return doc


async def governors_report(app: Runtime, organisation_id: int, year: int, *, fmt: str = "pdf",
                           actor: PersonContext | None = None, channel: str = "", identity: str = "",
                           commentary: str = "") -> bytes:
    """The report as PDF, DOCX or Markdown. With an actor, access is checked (11.3); every run is audited."""
    if actor is not None:
        await access.authorise(app.repos, actor, "governors_report", organisation_id=organisation_id,
                               channel=channel, identity=identity)
    report = await build(app.services, organisation_id, year, commentary)
    doc = build_report(report, app.clock.today(), charts=fmt != "md")
    await access.record(app.repos, actor, "export", "governors_report", record_id=organisation_id, channel=channel,
                        identity=identity, detail={"organisation_id": organisation_id, "year": year, "format": fmt})
    return render(doc, fmt, app.services.extras.get("branding"))

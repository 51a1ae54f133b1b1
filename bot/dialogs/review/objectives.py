"""Objective setting: the planning part of the Planning & Review Form (Annex 1; Policy 6.1-6.8, 7.3).

Up to three objectives (6.4; a fourth needs a stated reason), each with the objective, success
criteria, the date it will be completed by, the development or support needed, its kinds (6.4)
and optional milestones for objectives that span cycles (7.3). A SMART check (6.2) names what looks
missing and lets the reviewer go back and revise, or go on (the reviewer and colleague are the
judges). Agreement is recorded as agreed or determined by the reviewer (6.3). Then professional and
career development, the four Ways of Being Co-op (6.8, Annex 3) and other information.

Saving signs the planning part as reviewer; the colleague is asked to read and sign (signoff).
Changing objectives that were already signed withdraws both planning signatures: both sign again.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.dialogs import lifecycle_guard
from bot.dialogs.answers import parse_date, whole_number
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.errors import Refusal
from bot.dialogs.review.common import (
    audit_change,
    ensure_review,
    first_name,
    now_utc,
    reviewer_confirm_step,
    reviewer_refusal,
    subject_of,
)
from bot.dialogs.review.signoff import record_signature
from bot.messages import Choice, PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.policy.lifecycle import StepName
from bot.policy.objectives import (
    MAX_OBJECTIVE_CHARS,
    MAX_OBJECTIVES,
    OBJECTIVE_KINDS,
    WAYS_OF_BEING_COOP,
    WAYS_OF_BEING_COOP_DESCRIPTIONS,
    objective_count_check,
    smart_check,
)
from bot.policy.questions import (
    COOP_GUIDANCE,
    OTHER_INFORMATION,
    PROFESSIONAL_DEVELOPMENT_GUIDANCE,
    SUCCESS_CRITERIA_LABEL,
    SUPPORT_LABEL,
)
from bot.services import Services
from store.models import Milestone, Objective, Review, ReviewStage
from store.repos.values import PersonContext

CLAUSE = "6.2"
MAX_TOTAL = 6  # a hard stop well past the policy's "normally no more than 3" (6.4)
AGREEMENT_CHOICES = (Choice("agreed", "Agreed together", "primary"),
                     Choice("determined_by_reviewer", "Not agreed: I have determined it as reviewer"))
MODE_CHOICES = (Choice("add", "Keep them and add more"), Choice("replace", "Start again: replace them"))
SMART_CHOICES = (Choice("confirm", "Go on as it is", "primary"), Choice("change", "Go back and revise"))
KIND_WORDS = {"leadership": "leadership", "lead": "leadership", "team": "team", "academy": "academy",
              "whole academy": "academy", "whole-academy": "academy", "school": "academy",
              "ways of being co-op": "ways_of_being_coop", "ways of being coop": "ways_of_being_coop",
              "co-op": "ways_of_being_coop", "coop": "ways_of_being_coop", "ways_of_being_coop": "ways_of_being_coop"}
NO_REASON = {"no", "none", "n/a", "na", "-", "nothing", "no reason", "dunno", "don't know"}


def coop_key(way: str) -> str:
    return "coop_" + re.sub(r"[^a-z]+", "_", way.lower()).strip("_")


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    assert subject is not None
    review = await ensure_review(services, subject)
    if isinstance(review, str):
        return review
    refusal = await reviewer_refusal(services, person, review, subject, "setting objectives")
    if refusal:
        return refusal
    refusal = await lifecycle_guard.refusal(services, review, subject.person, StepName.OBJECTIVES)  # 3.2, 6.3
    if refusal:
        return refusal
    repos = services.repos
    existing = await repos.forms.objectives(review.id)  # type: ignore[arg-type]
    progress = await repos.forms.progress([o.id for o in existing if o.id is not None])
    carried_already = {o.carried_from_id for o in existing if o.carried_from_id}
    carry: list[list[Any]] = []
    earlier = [r for r, _ in await repos.reviews.reviews_of(subject.id) if r.id != review.id]
    if earlier:
        old = await repos.forms.objectives(earlier[-1].id)  # type: ignore[arg-type]
        milestones = await repos.forms.milestones([o.id for o in old if o.id is not None])
        for o in old:
            open_ones = [[m.description, m.due_date.isoformat() if m.due_date else None]
                         for m in milestones if m.objective_id == o.id and not m.done]
            if open_ones and o.id not in carried_already:
                carry.append([o.id, o.text, o.success_criteria, o.support_needed, list(o.kinds), open_ones])
    return {"review_id": review.id, "existing": [[o.number, o.text] for o in existing],
            "locked": bool(progress), "carry": carry}


def _keeps_existing(data: dict[str, Any], answers: dict[str, Any]) -> bool:
    return bool(data.get("existing")) and bool(data.get("locked") or answers.get("mode") == "add")


def _carried(data: dict[str, Any], answers: dict[str, Any]) -> list[list[Any]]:
    """Last cycle's objectives the reviewer chose to carry over with their open milestones (7.3)."""
    return [c for c in data.get("carry", []) if answers.get(f"carry_{c[0]}") is True]


def _first_number(ctx: Ctx) -> int:
    """The number of the first new objective: after those kept and those carried over."""
    existing = ctx.data.get("existing", [])
    base = max(n for n, _ in existing) if _keeps_existing(ctx.data, ctx.answers) else 0
    return base + len(_carried(ctx.data, ctx.answers)) + 1


def _milestone_line(m: list[Any]) -> str:
    return m[0] + (f" (by {date.fromisoformat(m[1]):%d/%m/%Y})" if m[1] else "")


def _due(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _gaps(ctx: Ctx, i: int) -> list[str]:
    gaps = smart_check(ctx.get(f"o{i}_text", ""), ctx.get(f"o{i}_criteria", ""), _due(ctx.answers.get(f"o{i}_due")),
                       ctx.today)
    return [g.message for g in gaps]


def parse_kinds(text: str | None) -> list[str] | str:
    """Kinds from free text ("team, Ways of Being Co-op"); a str is what to fix."""
    if not text or text.strip().lower() in ("none", "no", "-"):
        return []
    out: list[str] = []
    for part in re.split(r"[,;/]| and ", text):
        word = part.strip().lower().rstrip(".")
        if not word:
            continue
        number = whole_number(word)
        if number is not None and 1 <= number <= len(OBJECTIVE_KINDS):
            kind = OBJECTIVE_KINDS[number - 1]
        else:
            kind = KIND_WORDS.get(word, "")
        if not kind:
            return (f"I don't know the kind “{part.strip()}”. Use any of: leadership, team, academy, "
                    "Ways of Being Co-op, separated by commas, or say none.")
        if kind not in out:
            out.append(kind)
    return out


_ITEM_BREAK = re.compile(r"[;\n]|(?:^|\s)\(?\d{1,2}[.)]\s+", re.M)  # a new line, a ";" or a number "2." / "2)"


def parse_milestones(text: str | None, today: date) -> list[tuple[date, str]] | str:
    """Milestones, each starting with its date ("31/03/2027 Halfway check"), one a line, or separated by
    ";", or numbered ("1. … 2. …"), since Enter sends in the console and a phone makes new lines awkward;
    a str is what to fix."""
    out: list[tuple[date, str]] = []
    for line in _ITEM_BREAK.split(text or ""):
        line = line.strip().lstrip("-•* ").strip()
        if not line:
            continue
        first, _, rest = line.partition(" ")
        when = parse_date(first, today)
        if when is None or not rest.strip(" -–:"):
            return (f"Please start each milestone with its date, then what will be done, separated by “;” (or one "
                    f"a line), like “31/03/2027 Halfway check; 30/06/2027 Final scores”. I couldn't read: “{line}”.")
        if when < today:
            return f"The milestone date {when:%d/%m/%Y} has passed; choose a date from today onwards (Policy 6.2)."
        out.append((when, rest.strip(" -–:")))
    return out


def _check_kinds(value: Any, ctx: Ctx) -> str | None:
    parsed = parse_kinds(value)
    return parsed if isinstance(parsed, str) else None


def _check_milestones(value: Any, ctx: Ctx) -> str | None:
    parsed = parse_milestones(value, ctx.today)
    return parsed if isinstance(parsed, str) else None


def _check_due(value: Any, ctx: Ctx) -> str | None:
    if date.fromisoformat(value) < ctx.today:
        return "That date has passed. Objectives are time-bound from today onwards: please give a future date (Policy 6.2)."
    return None


def _check_reason(value: Any, ctx: Ctx) -> str | None:
    if str(value).strip().lower().rstrip(".!") in NO_REASON:
        return objective_count_check(MAX_OBJECTIVES, None)
    return None


def _intro(ctx: Ctx) -> str:
    name = ctx.subject.person.name if ctx.subject else "your colleague"
    lines = [f"Objectives for {name} (Annex 1). Objectives should be within their control and SMART: specific, "
             "measurable, achievable, relevant and time-bound, with clear success criteria (Policy 6.2). "
             f"Normally no more than {MAX_OBJECTIVES} (6.4)."]
    existing = ctx.data.get("existing", [])
    if existing:
        lines.append("Already recorded: " + "; ".join(f"{n}. {t}" for n, t in existing) + ".")
        if ctx.data.get("locked"):
            lines.append("Progress is already recorded against them, so new objectives are added alongside.")
    return "\n".join(lines)


def _objective_steps(i: int, number: int) -> list[Step]:
    o = f"o{i}"
    steps: list[Step] = []
    if number > MAX_OBJECTIVES:
        steps.append(Step(f"{o}_reason", f"Policy 6.4: colleagues normally have no more than {MAX_OBJECTIVES} "
                          f"objectives. Why does this colleague need objective {number}? (Or say back to stop at "
                          f"{number - 1}.)", PromptKind.LONG_TEXT, validate=_check_reason, clause="6.4",
                          label=f"Objective {number}: reason for more than {MAX_OBJECTIVES}", max_length=1000))
    steps += [
        Step(f"{o}_text", f"Objective {number}: what is the objective?", PromptKind.LONG_TEXT, clause="6.2",
             label=f"Objective {number}: Objective", group=f"{o}a", max_length=MAX_OBJECTIVE_CHARS,
             help="Say what will be achieved, within the colleague's control (Policy 6.2)."),
        Step(f"{o}_criteria", f"Objective {number}: {SUCCESS_CRITERIA_LABEL[:-1].lower()}: how will you both know "
             "it has been achieved?", PromptKind.LONG_TEXT, clause="6.2", label=f"Objective {number}: Success criteria",
             group=f"{o}a", max_length=2000),
        Step(f"{o}_due", f"Objective {number}: when will it be completed by? (a date, like 17/07/2027)",
             PromptKind.DATE, validate=_check_due, clause="6.2", label=f"Objective {number}: Completed by",
             group=f"{o}a"),
        Step(f"{o}_smart", lambda ctx, i=i, number=number: (
            f"SMART check for objective {number} (Policy 6.2, Annex 2). This looks missing:\n"
            + "\n".join(f"• {g}" for g in _gaps(ctx, i))
            + "\nGo back and revise it (each back steps one answer: date, success criteria, objective), "
              "or go on as it is?"),
             PromptKind.CONFIRM, SMART_CHOICES, when=lambda ctx, i=i: bool(_gaps(ctx, i)), clause="6.2",
             label=f"Objective {number}: SMART check"),
        Step(f"{o}_support", f"Objective {number}: {SUPPORT_LABEL[:-1].lower()}?", PromptKind.LONG_TEXT,
             optional=True, clause="6.2", label=f"Objective {number}: Development or support needed",
             group=f"{o}b", max_length=2000),
        Step(f"{o}_kinds", f"Objective {number}: what kind is it (Policy 6.4)? Any of: leadership, team, academy, "
             "Ways of Being Co-op, separated by commas.", PromptKind.SHORT_TEXT, optional=True,
             validate=_check_kinds, clause="6.4", label=f"Objective {number}: Kind (leadership, team, academy, "
             "Ways of Being Co-op)", group=f"{o}b"),
        Step(f"{o}_milestones", f"Objective {number}: milestones, if it spans more than one cycle (Policy 7.3). "
             "Each starts with its date; separate them with “;” or number them, like “31/03/2027 Halfway check; "
             "30/06/2027 Final scores”.", PromptKind.LONG_TEXT,
             optional=True, validate=_check_milestones, clause="7.3", label=f"Objective {number}: Milestones",
             group=f"{o}b", max_length=2000),
        Step(f"{o}_agreement", f"Objective {number}: did you agree it together? If not, the reviewer determines it "
             "(Policy 6.3).", PromptKind.CHOICE, AGREEMENT_CHOICES, clause="6.3",
             label=f"Objective {number}: Agreement"),
    ]
    return steps


def steps(ctx: Ctx) -> list[Step]:
    out: list[Step] = []
    existing = ctx.data.get("existing", [])
    if existing and not ctx.data.get("locked"):
        out.append(Step("mode", f"{len(existing)} objective(s) are already recorded. Keep them and add more, or "
                        "start again?", PromptKind.CHOICE, MODE_CHOICES, clause="6.3"))
        if "mode" not in ctx.answers:
            return out
    for c in ctx.data.get("carry", []):
        out.append(Step(f"carry_{c[0]}", f"Last cycle's objective “{c[1]}” spans more than one cycle, with milestones "
                        "still to come: " + "; ".join(_milestone_line(m) for m in c[5]) + ". Carry it over into "
                        "this cycle with those milestones (Policy 7.3)?", PromptKind.YES_NO, clause="7.3"))
    first = _first_number(ctx)
    new_ones = True
    if _carried(ctx.data, ctx.answers):
        out.append(Step("o0_more", "Add a new objective as well?", PromptKind.YES_NO, clause="6.4"))
        new_ones = ctx.answers.get("o0_more") is True
    i = 1
    while new_ones:
        number = first + i - 1
        out += _objective_steps(i, number)
        if number >= MAX_TOTAL:
            break
        out.append(Step(f"o{i}_more", "Add another objective?" if number < MAX_OBJECTIVES else
                        f"That's {number} objectives. Policy 6.4 says normally no more than {MAX_OBJECTIVES}. "
                        "Add another anyway?", PromptKind.YES_NO, clause="6.4"))
        if ctx.answers.get(f"o{i}_more") is not True:
            break
        i += 1
    out.append(Step("pro_dev", f"Professional & career development: {PROFESSIONAL_DEVELOPMENT_GUIDANCE}",
                    PromptKind.LONG_TEXT, optional=True, clause="6.7", label="Professional & career development"))
    for way in WAYS_OF_BEING_COOP:
        out.append(Step(coop_key(way), f"Ways of Being Co-op — {way}: {WAYS_OF_BEING_COOP_DESCRIPTIONS[way]} "
                        f"{COOP_GUIDANCE}.", PromptKind.LONG_TEXT, optional=True, clause="6.8",
                        label=f"Ways of Being Co-op: {way}", group="coop"))
    out.append(Step("other", OTHER_INFORMATION, PromptKind.LONG_TEXT, optional=True, label="Other information"))
    out.append(reviewer_confirm_step("the plan", lambda ctx: [s for s in steps(ctx) if s.key != "confirm"], "6.3"))
    return out


PART_NAMES = {"reason": "why more than 3", "text": "the objective", "criteria": "success criteria",
              "due": "completion date", "smart": "SMART check", "support": "support needed", "kinds": "kind",
              "milestones": "milestones", "agreement": "agreement", "more": "another?"}


def _progress(ctx: Ctx, step: Step) -> str:
    """“objective 2 of 3, success criteria”: which objective and which part of it, which only moves on
    (a bare count of questions jumps as each objective brings its own steps, Policy 6.4's 3 the usual total)."""
    found = re.fullmatch(r"o(\d+)_(\w+)", step.key)
    if found is None:
        if step.key.startswith("carry_") or step.key == "mode":
            return "objectives already recorded"
        if step.key == "confirm":
            return "last step: check and sign"
        if step.key.startswith("coop") or step.key == "pro_dev":
            return "development and Ways of Being Co-op"
        return "other information"
    i, part = int(found.group(1)), found.group(2)
    if i == 0:
        return "objectives carried over"
    number = _first_number(ctx) + i - 1
    return f"objective {number} of {max(MAX_OBJECTIVES, number)}, {PART_NAMES.get(part, part)}"


def _count(answers: dict[str, Any]) -> int:
    return sum(1 for k in answers if re.fullmatch(r"o\d+_text", k))


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    subject = subject_of(run)
    review = await repos.reviews.review(int(run.data["review_id"]))
    assert review is not None and review.id is not None
    await lifecycle_guard.require(services, review, subject.person, StepName.OBJECTIVES)  # again, before it saves
    keep = _keeps_existing(run.data, run.answers)
    number = max((n for n, _ in run.data["existing"]), default=0) if keep else 0
    today = services.clock.today()
    rows: list[tuple[Objective, list[Milestone]]] = []
    for old_id, text, criteria, support, kinds, open_ones in _carried(run.data, run.answers):
        number += 1
        dues = [date.fromisoformat(d) for _, d in open_ones if d]
        rows.append((Objective(review_id=review.id, number=number, text=text, success_criteria=criteria,
                               support_needed=support, due_date=max(dues) if dues else None, kinds=kinds,
                               carried_from_id=old_id, policy_version=POLICY_VERSION,
                               smart_gaps=[g.element for g in smart_check(text, criteria, max(dues) if dues else None,
                                                                          today)]),
                     [Milestone(objective_id=0, description=d, due_date=date.fromisoformat(w) if w else None)
                      for d, w in open_ones]))
    first = number + 1
    for i in range(1, _count(run.answers) + 1):
        number = first + i - 1
        reason = run.get(f"o{i}_reason", "")
        problem = objective_count_check(number - 1, reason or None)
        if problem:
            raise Refusal(problem, "6.4", back_to=f"o{i}_text")
        text, criteria, due = run.answers[f"o{i}_text"], run.answers[f"o{i}_criteria"], _due(run.answers[f"o{i}_due"])
        kinds = parse_kinds(run.get(f"o{i}_kinds"))
        milestones = parse_milestones(run.get(f"o{i}_milestones"), today)
        assert not isinstance(kinds, str) and not isinstance(milestones, str)
        gaps = [g.element for g in smart_check(text, criteria, due, today)]
        rows.append((Objective(review_id=review.id, number=number, text=text, success_criteria=criteria,
                               support_needed=run.get(f"o{i}_support", ""), due_date=due, kinds=kinds,
                               agreement=run.answers[f"o{i}_agreement"], extra_reason=reason, smart_gaps=gaps,
                               policy_version=POLICY_VERSION),
                     [Milestone(objective_id=0, description=d, due_date=w) for w, d in milestones]))
    stored = await repos.forms.set_objectives(review.id, rows, replace=not keep)
    withdrawn = await repos.forms.clear_signatures("review", review.id, "planning")
    await repos.forms.set_coop_reflections(review.id, "planning",
                                    {way: run.get(coop_key(way), "") for way in WAYS_OF_BEING_COOP})
    review = await repos.reviews.review(review.id)
    assert review is not None
    review.professional_development = run.get("pro_dev", "")
    review.other_information = run.get("other", "")
    review.planning_submitted_at = now_utc(services)
    review.policy_version = POLICY_VERSION
    if review.stage in (ReviewStage.PREPARATION, ReviewStage.OBJECTIVES_AGREED):
        review.stage = ReviewStage.PLANNING
    await repos.reviews.save_review(Review.model_validate(review))
    await audit_change(run, "objectives", review.id, subject.id,
                       {"numbers": [o.number for o in stored], "replaced": not keep,
                        "signatures_withdrawn": withdrawn,
                        "determined_by_reviewer": [o.number for o in stored if o.agreement != "agreed"]})
    await record_signature(run, review, "planning", "reviewer")
    name = first_name(subject.person)
    await services.notifier.notify(
        subject.id, "Please read and sign your objectives",
        f"{run.person.person.name} has recorded your objectives for this cycle. Please read them and sign to "
        "show they're agreed: say signoff. If you don't agree, talk to your reviewer first (Policy 6.3).",
        kind="signoff_request", clause="6.3", dedupe_key=f"signoff:planning:{review.id}:{run.session_id}",
        review_id=review.id, action="signoff", subject_person_id=subject.id)
    determined = [o.number for o in stored if o.agreement == "determined_by_reviewer"]
    extra = f" Objective {', '.join(map(str, determined))} recorded as determined by you (Policy 6.3)." if determined else ""
    again = " The earlier signatures were withdrawn because the plan changed." if withdrawn else ""
    gaps = [o.number for o in stored if o.smart_gaps]
    smart = (f" Objective {', '.join(map(str, gaps))} went on with SMART gaps noted; you can revise later."
             if gaps else "")
    return [Reply(f"Saved {len(stored)} objective(s) for {subject.person.name} and signed the planning part as "
                  f"reviewer.{extra}{smart}{again} I've asked {name} to read and sign (Annex 1).", clause="6.3")]


DIALOG = Dialog(
    id="objectives", version=1, title="Objective setting", steps=steps, complete=complete, prepare=prepare,
    subject=Subject.REPORT, intro=_intro, clause=CLAUSE, progress=_progress,
    description="Up to 3 SMART objectives (6.2, 6.4), development, Ways of Being Co-op (6.8), then sign.",
)

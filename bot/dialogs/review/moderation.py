"""Moderation of delegated reviewing (Policy 4.4): the headteacher reads each sampled planning
statement and records that the sample was checked for consistency, with any note.

The sample is the one the ``moderation_sample`` reminder names (bot.scheduler.rules.moderation_sample_of,
the same seed), so the head reads exactly the statements they were told about. Recording the check
stores a ModerationCheck for the organisation and cycle; the planner then no longer plans the reminder.
Each statement read is audited as a read of that colleague's record (10.1).
"""

from __future__ import annotations

from typing import Any

from bot import access
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.errors import Refusal
from bot.dialogs.review.common import audit_change, now_utc
from bot.messages import PromptKind, Reply
from bot.policy.calendar import academic_year_of
from bot.scheduler.rules import StatementFacts, moderation_sample_of
from bot.services import Services
from store.models import Role
from store.repos.values import PersonContext

CLAUSE = "4.4"
HEAD_ROLES = (Role.HEADTEACHER, Role.EXECUTIVE_LEADER)


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any] | str:
    repos = services.repos
    org_ids = await access.organisations_with(repos, person, HEAD_ROLES)
    if not org_ids:
        return ("Moderation is for the headteacher (or executive leader for the central team), who checks a sample "
                "of the planning statements written by delegated reviewers (Policy 4.4).")
    year = academic_year_of(services.clock.today())
    checks = await repos.lifecycle.moderation_checks(org_ids)
    orgs: list[list[Any]] = []
    for oid in org_ids:
        rows = [StatementFacts(rid, cname, rname) for y, rid, cname, rname in await repos.planning.delegated_statements(oid)
                if y == year]
        if not rows:
            continue
        sample = moderation_sample_of(oid, year, rows)
        statements: list[str] = []
        for s in sample:
            review = await repos.reviews.review(s.review_id)
            objectives = await repos.forms.objectives(s.review_id)
            lines = [f"{s.colleague_name} (reviewed by {s.reviewer_name}):"]
            for o in objectives:
                lines.append(f"  {o.number}. {o.text}\n     Success criteria: {o.success_criteria or '—'}\n"
                             f"     Support: {o.support_needed or '—'}")
            if not objectives:
                lines.append("  No objectives recorded yet.")
            statements.append("\n".join(lines))
            if review is not None:
                await repos.audit.audit(actor_id=person.id, action="read", record_type="review", record_id=review.id,
                                 subject_person_id=review.colleague_id, detail={"moderation": year})
        done = checks.get((oid, year))
        orgs.append([oid, year, statements, done.checked_at.date().isoformat() if done else ""])
    if not orgs:
        return (f"No reviewing was delegated in {year}-{(year + 1) % 100:02d}, so there is no sample to check "
                "(Policy 4.4).")
    return {"orgs": orgs}


def _intro(ctx: Ctx) -> str:
    parts = []
    for _oid, year, statements, done in ctx.data.get("orgs", []):
        again = f" (you recorded a check on {done}; recording again replaces it)" if done else ""
        parts.append(f"The {len(statements)} sampled planning statement(s) for {year}-{(year + 1) % 100:02d}{again}. "
                     "Read them side by side for consistency (Policy 4.4):\n\n" + "\n\n".join(statements))
    return "\n\n".join(parts)


STEPS = (
    Step("note", "Any note on consistency (for example, objectives set by one reviewer that are much less "
         "challenging)? Say skip if none.", PromptKind.LONG_TEXT, optional=True, clause=CLAUSE, label="Note",
         max_length=2000),
    Step("confirm", "Record that you have checked this sample for consistency (Policy 4.4)?", PromptKind.CONFIRM,
         clause=CLAUSE),
)


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    mine = set(await access.organisations_with(repos, run.person, HEAD_ROLES))  # asked again before saving
    saved = 0
    for oid, year, _statements, _done in run.data.get("orgs", []):
        if oid not in mine:
            raise Refusal("Only the headteacher records the moderation check (Policy 4.4).", CLAUSE)
        row = await repos.lifecycle.record_moderation_check(int(oid), int(year), run.person.id, run.get("note", "") or "",
                                                 now_utc(run.services))
        await audit_change(run, "moderation_check", row.id, None, {"organisation_id": oid, "year": year})
        saved += 1
    return [Reply(f"Recorded: the moderation sample is checked (Policy 4.4). The reminder is closed; your note is "
                  f"kept with the check.{'' if saved == 1 else f' ({saved} organisations.)'}", clause=CLAUSE)]


DIALOG = Dialog(
    id="moderation", version=1, title="Moderation sample", steps=STEPS, complete=complete, prepare=prepare,
    subject=Subject.SELF, intro=_intro, clause=CLAUSE,
    description="Headteacher: read the sampled planning statements of delegated reviewers and record the check.",
)

"""An exception to the order of the cycle, recorded by the headteacher or HR with its reason.

bot.policy.lifecycle holds every step to the order and the windows of Policy 3.2; real life sometimes
needs otherwise: an end of year review held early because the colleague leaves (3.8), a mid-year
outside the Spring term after a long absence (3.7). The headteacher (executive leader for the central
team) or HR records the exception for one step with the reason; the reason is stored, audited and
printed on the Planning & Review Form. It lifts that step's timing and order guards only: a meeting
must still be held before its part is recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import access
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.errors import Refusal
from bot.dialogs.review.common import audit_change, first_name, now_utc
from bot.messages import Choice, Inbound, PromptKind, Reply
from bot.policy.lifecycle import EXCEPTABLE, EXCEPTION_CLAUSE, StepName
from store.models import Role
from store.repos.values import PersonContext

if TYPE_CHECKING:
    from bot.dialogs.engine import Engine

CLAUSE = EXCEPTION_CLAUSE
ROLES = (Role.HEADTEACHER, Role.EXECUTIVE_LEADER, Role.HR_ADMIN)
CHOICES = {StepName.OBJECTIVES: "Record the objectives before the planning meeting is held",
           StepName.MID_YEAR: "Hold the mid-year review outside the Spring term or out of order",
           StepName.END_OF_YEAR: "Hold the end of year review early or out of order (e.g. the colleague leaves, 3.8)"}
COMMANDS = {StepName.OBJECTIVES: "objectives", StepName.MID_YEAR: "midyear", StepName.END_OF_YEAR: "endyear"}
MIN_REASON = 10


async def exception_command(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    """“exception NAME”: for the headteacher or HR of the colleague's organisation."""
    if not argument:
        return [Reply("Say exception and the colleague's name, for example “exception Jo”. The headteacher or HR "
                      "may let one step of a review happen out of the usual order, with a reason (Policy 3.2, 3.8).",
                      clause=CLAUSE)]
    subject_id = await engine.registry.router.find_subject(engine, person, argument, "exception")
    subject = await engine.repos.people.context(subject_id)
    if subject is None or not await access._org_wide(engine.repos, person, subject.person.organisation_id, ROLES):
        raise Refusal("Only the headteacher or HR can record an exception to the order of the cycle (Policy 3.2, "
                      "4.2). Ask them if a step needs to happen early.", CLAUSE)
    review = await engine.repos.reviews.current_review(subject_id)
    if review is None:
        return [Reply(f"{subject.person.name} has no review in this cycle yet (Policy 1.1).", clause="1.1")]
    # HR are not the colleague's managers (10.1), so the colleague is passed as the asked subject
    return [Reply(f"An exception for {subject.person.name}'s review.", clause=CLAUSE),
            *await engine.start(person, DIALOG.id, inbound, subject_id=subject_id)]


def _subject_name(ctx: Ctx) -> str:
    return "this colleague"


def _reason_valid(value: Any, ctx: Ctx) -> str | None:
    if len(str(value).strip()) < MIN_REASON:
        return ("Please give the reason in a sentence: it is kept on the form for anyone who reads it later, "
                "for example “Leaves on 26 February; end of year review held before then (Policy 3.8)”.")
    return None


STEPS = (
    Step("step", lambda ctx: f"Which step of {_subject_name(ctx)}'s review may happen out of the usual order?",
         PromptKind.CHOICE, tuple(Choice(s.value, label) for s, label in CHOICES.items() if s in EXCEPTABLE),
         clause="3.2", label="Step"),
    Step("reason", "Why? The reason is kept and shown on the Planning & Review Form.", PromptKind.LONG_TEXT,
         validate=_reason_valid, clause=CLAUSE, label="Reason", max_length=1000),
    Step("confirm", lambda ctx: (f"Record this exception for {_subject_name(ctx)}: "
                                 f"{CHOICES[StepName(ctx.answers['step'])]}, because “{ctx.answers['reason']}”?"),
         PromptKind.CONFIRM, clause=CLAUSE),
)


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    subject = await repos.people.context(int(run.data["_asked_subject_id"]))
    if subject is None or not await access._org_wide(repos, run.person, subject.person.organisation_id, ROLES):
        raise Refusal("Only the headteacher or HR can record an exception (Policy 3.2).", CLAUSE)  # asked again
    review = await repos.reviews.current_review(subject.id)
    if review is None or review.id is None:
        raise Refusal(f"{subject.person.name} has no review in this cycle (Policy 1.1).", "1.1")
    step = StepName(run.answers["step"])
    reason = str(run.answers["reason"]).strip()
    row = await repos.lifecycle.record_review_exception(review.id, step.value, reason, run.person.id, now_utc(run.services))
    await audit_change(run, "review_exception", row.id, subject.id, {"step": step.value, "reason": reason})
    name = first_name(subject.person)
    return [Reply(f"Recorded: {CHOICES[step].lower()} for {subject.person.name}. The reason is kept on their "
                  f"Planning & Review Form (Policy 3.2, 10.1). Their reviewer can now say {COMMANDS[step]} {name} "
                  "once the meeting is held.", clause=CLAUSE)]


DIALOG = Dialog(
    id="review_exception", version=1, title="Exception to the cycle's order", steps=STEPS, complete=complete,
    subject=Subject.SELF, clause=CLAUSE,
    description="Headteacher or HR: let one step of a review happen out of the usual order, with a reason.",
)

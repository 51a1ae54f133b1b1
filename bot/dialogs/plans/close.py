"""Closing a plan: "draw a line under it" (Annex 4) by confirming in writing to the colleague that
the issue(s) have been addressed and the performance management process will continue as normal."""

from __future__ import annotations

from bot import access
from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.errors import Refusal
from bot.dialogs.plans.common import CLAUSE, NOTICE_KIND, chosen_plan, plan_choice_step
from bot.dialogs.plans.review import prepare_open_plans
from bot.messages import PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION

LINE = ("the issue(s) have been addressed and the performance management process will continue as normal")


def _confirm(ctx: Ctx) -> str:
    plan = chosen_plan(ctx) or {}
    first = ctx.data.get("first", "the colleague")
    unmet = [a["number"] for a in plan.get("actions", []) if a.get("last_result") != "met"]
    warning = ""
    if unmet:
        listed = ", ".join(str(n) for n in unmet)
        warning = (f"\nNote: action{'s' if len(unmet) > 1 else ''} {listed} "
                   f"{'were' if len(unmet) > 1 else 'was'} not recorded as Met at a review. Closing says the "
                   "issues have been addressed.")
    return (f"I'll close the {plan.get('label', 'plan')} and confirm to {first} in writing that {LINE} "
            f"(Annex 4).{warning}\nShall I go ahead?")


STEPS = (
    plan_choice_step("Which plan would you like to close?"),
    Step("note", lambda c: f"In a sentence or two, what has {c.data.get('first', 'the colleague')} addressed? "
         "This goes into the letter.", PromptKind.LONG_TEXT, clause=CLAUSE, max_length=2000,
         label="What has been addressed"),
    Step("confirm", _confirm, PromptKind.CONFIRM, clause=CLAUSE),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    subject = run.subject
    assert subject is not None
    plan = chosen_plan(Ctx(run.answers, run.data, run.person, subject, services.clock.today(), services.clock.now(),
                           run.channel))
    assert plan is not None
    if not await access.may_manage(repos, run.person, subject.id):
        raise Refusal("You're no longer this colleague's line manager or reviewer (Policy 10.1).", "10.1")
    note = run.get("note", "")
    if not await repos.plans.close_plan(plan["id"], note, services.clock.now()):
        raise Refusal("That plan is already closed. Nothing has changed.", CLAUSE)
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="support_plan", record_id=plan["id"],
                     subject_person_id=subject.id, channel=run.channel.value, actor_identity=run.platform_identity,
                     detail={"event": "closed", "policy_version": POLICY_VERSION})
    first = subject.person.name.split(" ")[0]
    await services.notifier.notify(
        subject.id, "Your plan is closed",
        f"Hello {first}, I'm pleased to confirm in writing that {LINE} (Annex 4). Your {plan['label']} is now "
        f"closed.\n\n{note}\n\n{run.person.person.name}",
        kind=NOTICE_KIND, clause=CLAUSE, dedupe_key=f"support_plan:{plan['id']}:closed",
        action="plan", subject_person_id=subject.id)
    return [Reply(f"Closed {subject.person.name}'s {plan['label']}. I've confirmed to {first} in writing that {LINE} "
                  "(Annex 4).", clause=CLAUSE)]


DIALOG = Dialog(
    id="plan_close", version=1, title="Close a plan", steps=STEPS, complete=complete, subject=Subject.REPORT,
    prepare=prepare_open_plans, clause=CLAUSE,
    description="Draw a line under a plan: confirm in writing that the issues have been addressed (Annex 4).",
)

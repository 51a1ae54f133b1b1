"""The colleague acknowledges the written confirmation of their plan (Annex 4: "by email, with
receipt acknowledged by the colleague"). Only the colleague's own plans are ever shown."""

from __future__ import annotations

from bot.dialogs.base import Ctx, Dialog, Run, Step
from bot.dialogs.plans.common import CLAUSE, NOTICE_KIND, chosen_plan, plan_choice_step, plan_data
from bot.messages import Choice, PromptKind, Reply
from bot.services import Services
from store.models import Signature
from store.repos.values import PersonContext

ACKNOWLEDGE = "acknowledge"
DISCUSS = "discuss"


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict | str:
    waiting = [p for p in await services.repos.plans.plans_for(person.id, status="open") if p.acknowledged_at is None]
    if not waiting:
        return "You have no plan waiting for your acknowledgement. Say plan to see your plans, or help for more."
    plans = [await plan_data(services, p) for p in waiting]
    for plan in plans:
        await services.repos.audit.audit(actor_id=person.id, action="read", record_type="support_plan", record_id=plan["id"],
                                  subject_person_id=person.id)
    return {"plans": plans}


def _prompt(ctx: Ctx) -> str:
    plan = chosen_plan(ctx) or {}
    return (f"Here is the written confirmation of your plan from {plan.get('manager', 'your manager')}:\n\n"
            f"{plan.get('text', '')}\n\nPlease confirm you have received it (Annex 4).")


STEPS = (
    plan_choice_step("Which plan would you like to acknowledge?"),
    Step("answer", _prompt, PromptKind.CHOICE, clause=CLAUSE,
         choices=(Choice(ACKNOWLEDGE, "I acknowledge receipt", "primary"),
                  Choice(DISCUSS, "I'd like to talk about it first"))),
    Step("comment", "Anything you'd like to add? It goes to your manager with your answer.", PromptKind.LONG_TEXT,
         optional=True, max_length=2000),
)


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    plan = chosen_plan(Ctx(run.answers, run.data, run.person, run.subject, run.services.clock.today(),
                           run.services.clock.now(), run.channel))
    assert plan is not None
    stored = await repos.plans.support_plan(plan["id"])
    if stored is None or stored.colleague_id != run.person.id or stored.status != "open":
        return [Reply("That plan is no longer open, so there's nothing to acknowledge. Say plan to see where "
                      "things stand.", clause=CLAUSE)]
    name = run.person.person.name
    comment = run.get("comment", "")
    note = f"\nTheir comment: {comment}" if comment else ""
    if run.get("answer") == DISCUSS:
        await repos.audit.audit(actor_id=run.person.id, action="change", record_type="support_plan", record_id=stored.id,
                         subject_person_id=run.person.id, channel=run.channel.value,
                         actor_identity=run.platform_identity, detail={"event": "asked_to_discuss"})
        await run.services.notifier.notify(
            stored.manager_id, f"{name} would like to talk about their plan",
            f"{name} has read the written confirmation of their {plan['label']} and would like to talk about it "
            f"before acknowledging it (Annex 4). Please arrange a time together.{note}",
            kind=NOTICE_KIND, clause=CLAUSE, dedupe_key=f"support_plan:{stored.id}:discuss:{run.session_id}",
            action="plan", subject_person_id=run.person.id)
        return [Reply(f"Thanks. I've let {plan['manager']} know you'd like to talk it through first. When you're "
                      "ready, say plan to acknowledge it.", clause=CLAUSE)]
    if not await repos.plans.acknowledge_plan(stored.id, run.services.clock.now()):  # type: ignore[arg-type]
        return [Reply("You've already acknowledged that plan. Nothing has changed.", clause=CLAUSE)]
    await repos.forms.save_signature(Signature(subject_type="support_plan", subject_id=stored.id, part="plan", role="colleague",
                              person_id=run.person.id, channel=run.channel.value,
                              platform_identity=run.platform_identity))
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="support_plan", record_id=stored.id,
                     subject_person_id=run.person.id, channel=run.channel.value, actor_identity=run.platform_identity,
                     detail={"event": "acknowledged", "comment": bool(comment)})
    await run.services.notifier.notify(
        stored.manager_id, f"{name} acknowledged their plan",
        f"{name} has acknowledged receipt of the written confirmation of their {plan['label']} (Annex 4).{note}",
        kind=NOTICE_KIND, clause=CLAUSE, dedupe_key=f"support_plan:{stored.id}:acknowledged",
        action="plan", subject_person_id=run.person.id)
    return [Reply(f"Thank you, that's recorded. {plan['manager']} has been told. Your plan's review dates are in "
                  "the copy above; say plan any time to see it again.", clause=CLAUSE)]


DIALOG = Dialog(
    id="plan_acknowledge", version=1, title="Acknowledge your plan", steps=STEPS, complete=complete,
    prepare=prepare, clause=CLAUSE,
    description="Confirm you have received the written copy of your support plan (Annex 4).",
)

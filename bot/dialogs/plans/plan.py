"""The `plan` command (Policy 7.4, Annex 4): one word, a first step that asks what to do.

For a line manager, reviewer or headteacher: a new support plan (Annex 4), a new improvement
action plan, a review of a plan, or closing a plan ("draw a line under it"). For a colleague with
a plan: acknowledge the written confirmation, or see the plan. The chosen dialog then starts with
its own subject picker; "plan Sam" carries Sam through. Only the colleague's own plans are shown
to them; nothing here reads or shows check-ins (3.3), and plans never appear in check-ins.
"""

from __future__ import annotations

from typing import Any

from bot import access
from bot.dialogs.base import Dialog, Run, Step
from bot.dialogs.plans.common import CLAUSE, plan_data
from bot.messages import Card, Choice, PromptKind, Reply
from bot.services import Services
from store.models import Role
from store.repos.values import PersonContext

OPTIONS: dict[str, tuple[str, str | None]] = {  # value -> (label, dialog it hands over to)
    "new_support": ("New support plan (Annex 4)", "plan_support"),
    "new_improvement": ("New improvement action plan", "plan_improvement"),
    "review": ("Review a plan", "plan_review"),
    "close": ("Close a plan: “draw a line under it”", "plan_close"),
    "see": ("See a colleague's plan", "plan_view"),
    "acknowledge": ("Acknowledge my plan", "plan_acknowledge"),
    "mine": ("See my plan", None),
}


async def prepare(services: Services, person: PersonContext, _subject: PersonContext | None) -> dict[str, Any] | str:
    repos = services.repos
    manages = bool(await access.subjects_for(repos, person)) or any(
        person.has_role(r) for r in (Role.HEADTEACHER, Role.EXECUTIVE_LEADER))
    mine = await repos.plans.plans_for(person.id, status="open")
    options: list[str] = []
    if any(p.acknowledged_at is None for p in mine):
        options.append("acknowledge")
    if manages:
        options += ["new_support", "new_improvement", "review", "close", "see"]
    if mine:
        options.append("mine")
    if not options:
        return ("You don't have a support plan at the moment. Plans are agreed with your line manager when "
                "someone needs extra support (Policy 7.4, Annex 4). Say help to see what else I can do.")
    return {"options": options}


STEPS = (
    Step("what", "What would you like to do?", PromptKind.CHOICE, clause=CLAUSE,
         choices=lambda ctx: tuple(Choice(v, OPTIONS[v][0]) for v in ctx.data.get("options", [])),
         when=lambda ctx: len(ctx.data.get("options", [])) > 1,
         help="Support plans and improvement action plans are the supportive, informal route of Policy 7.4 "
              "and Annex 4, before any capability procedure."),
)


async def complete(run: Run) -> list[Reply]:
    options = run.data.get("options", [])
    what = run.get("what") or options[0]
    target = OPTIONS[what][1]
    if target is not None:
        asked = run.data.get("_asked_subject_id") if target not in ("plan_acknowledge",) else None
        run.then = (target, asked)
        return []
    return await _show_mine(run)


async def _show_mine(run: Run) -> list[Reply]:
    """The colleague's own open plans, each as a card (a read, audited: 10.1)."""
    repos = run.services.repos
    replies = []
    for plan in await repos.plans.plans_for(run.person.id, status="open"):
        data = await plan_data(run.services, plan)
        await repos.audit.audit(actor_id=run.person.id, action="read", record_type="support_plan", record_id=plan.id,
                         subject_person_id=run.person.id, channel=run.channel.value,
                         actor_identity=run.platform_identity)
        lines = data["text"].split("\n")
        card = Card(data["label"], facts=(("Manager", data["manager"]),
                                          ("Acknowledged", "yes" if data["acknowledged"] else "not yet")),
                    sections=("\n".join(lines[1:]),))
        replies.append(Reply(data["text"], card=card, clause=CLAUSE))
    replies.append(Reply("Your manager reviews the plan with you on the review dates. If something isn't working, "
                         "talk to them, or to your trade union representative (Annex 4).", clause=CLAUSE))
    return replies


DIALOG = Dialog(
    id="support_plan", version=1, title="Support plan", steps=STEPS, complete=complete, prepare=prepare,
    clause=CLAUSE,
    description="Support plans and improvement action plans (Policy 7.4, Annex 4).",
)

"""A line manager, reviewer or headteacher reads a colleague's open plans (10.1: every read is audited)."""

from __future__ import annotations

from bot.dialogs.base import Ctx, Dialog, Run, Step, Subject
from bot.dialogs.plans.common import CLAUSE, chosen_plan, plan_choice_step
from bot.dialogs.plans.review import prepare_open_plans
from bot.messages import Card, Reply

STEPS: tuple[Step, ...] = (plan_choice_step("Which plan would you like to see?"),)


async def complete(run: Run) -> list[Reply]:
    services = run.services
    plan = chosen_plan(Ctx(run.answers, run.data, run.person, run.subject, services.clock.today(),
                           services.clock.now(), run.channel))
    assert plan is not None
    lines = plan["text"].split("\n")
    card = Card(plan["label"], facts=(("Colleague", plan["colleague"]), ("Manager", plan["manager"]),
                                      ("Acknowledged", "yes" if plan["acknowledged"] else "not yet")),
                sections=("\n".join(lines[1:]),))
    return [Reply(plan["text"], card=card, clause=CLAUSE),
            Reply("To record a review or close it, say plan. For a document, say export.", clause=CLAUSE)]


DIALOG = Dialog(
    id="plan_view", version=1, title="See a colleague's plan", steps=STEPS, complete=complete,
    subject=Subject.REPORT, prepare=prepare_open_plans, clause=CLAUSE,
    description="Read a colleague's open support plan or improvement action plan (Annex 4).",
)

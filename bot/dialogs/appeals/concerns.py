"""Policy 9.1: the colleague first raises their concerns with their reviewer, within 10 days of
receiving their performance management report. The reviewer is told through the outbox."""

from __future__ import annotations

from typing import Any

from bot.dialogs.answers import show
from bot.dialogs.appeals.common import colleague_view, window_note
from bot.dialogs.base import Dialog, Run, Step
from bot.dialogs.errors import Refusal
from bot.messages import PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.services import Services
from store.models import Appeal
from store.repos.values import PersonContext

CLAUSE = "9.1"


async def prepare(services: Services, person: PersonContext, _subject: PersonContext | None) -> dict[str, Any] | str:
    view = await colleague_view(services, person)
    if not view:
        return "There's no performance management review on record for you yet, so there's nothing to appeal (Policy 9.1)."
    if view["appeal"] is not None:
        return "You've already raised this; say appeal to see where it stands."
    return view


STEPS = (
    Step("concerns", lambda c: f"What are your concerns about your report? {c.data.get('reviewer')} will see what you "
         "write here, so say what you disagree with and what would put it right.", PromptKind.LONG_TEXT,
         clause=CLAUSE, max_length=3000, label="Your concerns"),
    Step("confirm", lambda c: f"Shall I send this to {c.data.get('reviewer')} and ask them to talk it through with you "
         "(Policy 9.1)?", PromptKind.CONFIRM, clause=CLAUSE),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    view = await colleague_view(services, run.person)
    if not view or view["appeal"] is not None:
        raise Refusal("You've already raised this; say appeal to see where it stands.", CLAUSE)
    today = services.clock.today()
    appeal = await repos.appeals.save_appeal(Appeal(review_id=view["review_id"], colleague_id=run.person.id, stage="informal",
                                    concerns=run.get("concerns"), informal_raised_on=today,
                                    policy_version=POLICY_VERSION))
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="appeal", record_id=appeal.id,
                     subject_person_id=run.person.id, channel=run.channel.value, actor_identity=run.platform_identity,
                     detail={"event": "informal_raised", "late": view["late"], "policy_version": POLICY_VERSION})
    name = run.person.person.name
    by = f" The policy asks for this within 10 days of the report, by {show(view['informal_by'])}." \
        if view["informal_by"] and not view["late"] else ""
    if view["reviewer_id"]:
        await services.notifier.notify(
            view["reviewer_id"], f"{name} has concerns about their review",
            f"{name} has concerns about their performance management report and would like to resolve them with "
            f"you directly (Policy 9.1).{by}\n\nTheir concerns: {run.get('concerns')}\n\nPlease arrange a time to talk "
            "it through. A genuine attempt to resolve it by discussion often avoids a formal appeal.",
            kind="informal_resolution", clause=CLAUSE, dedupe_key=f"appeal:{appeal.id}:informal",
            review_id=view["review_id"], action="appeal", subject_person_id=run.person.id)
    return [Reply(f"I've sent your concerns to {view['reviewer']} and asked them to talk it through with you "
                  f"(Policy 9.1). If you can't resolve it together, say appeal to appeal in writing (Policy 9.2).",
                  clause=CLAUSE)]


DIALOG = Dialog(
    id="appeal_concerns", version=1, title="Raise concerns about your review", steps=STEPS, complete=complete,
    prepare=prepare, clause=CLAUSE, intro=lambda c: window_note(c.data) if c.data else "",
    description="Raise concerns with your reviewer first, within 10 days of receiving your report (Policy 9.1).",
)

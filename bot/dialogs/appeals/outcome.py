"""Recording the outcome of an appeal hearing; the colleague receives it in writing (Policy 9.3)."""

from __future__ import annotations

from typing import Any

from bot.dialogs.answers import show
from bot.dialogs.appeals.common import DECISIONS, appeals_i_handle, as_local, local_zone
from bot.dialogs.base import Ctx, Dialog, Run, Step
from bot.dialogs.errors import Refusal
from bot.messages import Choice, PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.services import Services
from store.repos.values import PersonContext

CLAUSE = "9.3"


async def prepare(services: Services, person: PersonContext, _subject: PersonContext | None) -> dict[str, Any] | str:
    repos = services.repos
    zone = local_zone(services)
    now = services.clock.now()
    ready, later = [], []
    for appeal in await appeals_i_handle(services, person, ("hearing_scheduled",)):
        if appeal.hearing_by_id not in (None, person.id):
            continue  # only the person who heard it records the outcome
        colleague = await repos.people.person(appeal.colleague_id)
        held = as_local(appeal.hearing_at, zone)
        if colleague is None or held is None:
            continue
        item = {"id": appeal.id, "colleague": colleague.name, "colleague_id": colleague.id,
                "held": held.replace(tzinfo=None).isoformat(timespec="minutes")}
        (ready if held <= now else later).append(item)
    if not ready:
        if later:
            return (f"{later[0]['colleague']}'s appeal hearing is on {show(later[0]['held'])}. Please record the "
                    "outcome after the hearing: say appeal then (Policy 9.3).")
        return "There's no appeal hearing of yours waiting for an outcome."
    return {"appeals": ready}


def chosen(ctx: Ctx) -> dict[str, Any]:
    items: list[dict[str, Any]] = ctx.data.get("appeals", [])
    if len(items) == 1:
        return items[0]
    return next((a for a in items if str(a["id"]) == str(ctx.answers.get("appeal"))), items[0])


STEPS = (
    Step("appeal", "Which appeal's outcome are you recording?", PromptKind.CHOICE,
         choices=lambda c: tuple(Choice(str(a["id"]), f"{a['colleague']} (heard {show(a['held'])})")
                                 for a in c.data.get("appeals", [])),
         when=lambda c: len(c.data.get("appeals", [])) > 1),
    Step("decision", lambda c: f"What did you decide on {chosen(c)['colleague']}'s appeal?", PromptKind.CHOICE,
         choices=tuple(Choice(k, v) for k, v in DECISIONS.items()), clause=CLAUSE, label="Decision"),
    Step("outcome", lambda c: f"Please explain the decision and any changes to the report. "
         f"{chosen(c)['colleague'].split(' ')[0]} receives this in writing.", PromptKind.LONG_TEXT, max_length=5000,
         label="Outcome"),
    Step("confirm", lambda c: f"Send the outcome to {chosen(c)['colleague']} and close the appeal?", PromptKind.CONFIRM,
         clause=CLAUSE),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    item = chosen(Ctx(run.answers, run.data, run.person, run.subject, services.clock.today(), services.clock.now(),
                      run.channel))
    appeal = await repos.appeals.appeal(item["id"])
    if appeal is None or appeal.stage != "hearing_scheduled" or appeal.hearing_by_id not in (None, run.person.id):
        raise Refusal("That appeal's outcome has already been recorded. Nothing has changed.", CLAUSE)
    label = DECISIONS[run.get("decision")]
    appeal.outcome = f"{label}. {run.get('outcome')}"
    appeal.decided_on, appeal.stage, appeal.policy_version = services.clock.today(), "decided", POLICY_VERSION
    appeal = await repos.appeals.save_appeal(appeal)
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="appeal", record_id=appeal.id,
                     subject_person_id=appeal.colleague_id, channel=run.channel.value,
                     actor_identity=run.platform_identity,
                     detail={"event": "decided", "decision": run.get("decision"), "policy_version": POLICY_VERSION})
    first = item["colleague"].split(" ")[0]
    await services.notifier.notify(
        appeal.colleague_id, f"The outcome of your appeal: {label.lower()}",
        f"Hello {first}, following your appeal hearing on {show(item['held'])}, {run.person.person.name} has decided: "
        f"{label.lower()}.\n\n{run.get('outcome')}",
        kind="appeal_hearing_deadline", clause=CLAUSE, dedupe_key=f"appeal:{appeal.id}:outcome",
        review_id=appeal.review_id, action="appeal", subject_person_id=appeal.colleague_id)
    return [Reply(f"Recorded: {label.lower()}. {first} has the outcome in writing, and the appeal is closed.",
                  clause=CLAUSE)]


DIALOG = Dialog(
    id="appeal_outcome", version=1, title="Appeal outcome", steps=STEPS, complete=complete, prepare=prepare,
    clause=CLAUSE, description="Record the outcome of an appeal hearing and send it in writing.",
)

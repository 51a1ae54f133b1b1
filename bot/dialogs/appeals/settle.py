"""The reviewer records that a colleague's concerns were resolved informally (Policy 9.1).

Policy 9.1 asks a colleague who disagrees with their report to resolve it with the reviewer first,
and the aim is to settle it by discussion. Once they have, the reviewer says so here: the concern is
closed (stage ``withdrawn``, the date in ``decided_on``, ``RESOLVED_INFORMALLY`` as the outcome, so
no schema change), status stops asking them both to talk it through and shows it was resolved, and
the colleague is told. A colleague who does not agree can still appeal in writing (9.2).
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.base import Ctx, Dialog, Run, Step
from bot.dialogs.errors import Refusal
from bot.messages import Choice, PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.services import Services
from store.models import Appeal
from store.repos.values import PersonContext
from store.unit import Repositories

CLAUSE = "9.1"
RESOLVED_INFORMALLY = "Resolved informally with the reviewer (Policy 9.1)"


async def concerns_i_hear(repos: Repositories, person: PersonContext) -> list[Appeal]:
    """Open informal concerns (9.1) on the current reviews of the colleagues this person reviews."""
    out: list[Appeal] = []
    for review in await repos.reviews.reviews_by_reviewer(person.id):
        if review.id is None:
            continue
        appeal = await repos.appeals.open_appeal(review.id)
        if appeal is not None and appeal.stage == "informal" and appeal.colleague_id != person.id:
            out.append(appeal)
    return out


def resolved_informally(appeals: list[Appeal], review_id: int) -> Appeal | None:
    """The latest concern on this review that was settled informally (9.1), if any."""
    done = [a for a in appeals if a.review_id == review_id and a.stage == "withdrawn"
            and a.outcome.startswith(RESOLVED_INFORMALLY) and a.decided_on is not None]
    return done[-1] if done else None


async def close_as_resolved(repos: Repositories, appeal: Appeal, today: Any, note: str = "") -> Appeal:
    appeal.stage, appeal.decided_on, appeal.policy_version = "withdrawn", today, POLICY_VERSION
    appeal.outcome = RESOLVED_INFORMALLY + (f": {note}" if note else "")
    return await repos.appeals.save_appeal(appeal)


async def prepare(services: Services, person: PersonContext, _subject: PersonContext | None) -> dict[str, Any] | str:
    items = []
    for appeal in await concerns_i_hear(services.repos, person):
        colleague = await services.repos.people.person(appeal.colleague_id)
        if colleague is not None:
            items.append({"id": appeal.id, "colleague": colleague.name})
    if not items:
        return "None of the colleagues you review has open concerns about their report (Policy 9.1)."
    return {"concerns": items}


def chosen(ctx: Ctx) -> dict[str, Any]:
    items: list[dict[str, Any]] = ctx.data.get("concerns", [])
    return next((a for a in items if str(a["id"]) == str(ctx.answers.get("which"))), items[0])


STEPS = (
    Step("which", "Whose concerns were resolved?", PromptKind.CHOICE, clause=CLAUSE,
         choices=lambda c: tuple(Choice(str(a["id"]), a["colleague"]) for a in c.data.get("concerns", [])),
         when=lambda c: len(c.data.get("concerns", [])) > 1),
    Step("note", lambda c: f"In a line, what did you and {chosen(c)['colleague'].split(' ')[0]} agree? "
         "They will see it.", PromptKind.SHORT_TEXT, optional=True, max_length=500, clause=CLAUSE,
         label="What you agreed"),
    Step("confirm", lambda c: f"Record that {chosen(c)['colleague']}'s concerns were resolved informally, and let "
         "them know (Policy 9.1)?", PromptKind.CONFIRM, clause=CLAUSE),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    item = chosen(Ctx(run.answers, run.data, run.person, run.subject, services.clock.today(), services.clock.now(),
                      run.channel))
    appeal = await repos.appeals.appeal(item["id"])
    review = await repos.reviews.review(appeal.review_id) if appeal is not None else None
    if appeal is None or appeal.stage != "informal" or review is None or review.reviewer_id != run.person.id:
        raise Refusal("Those concerns are already closed, or have become a written appeal (Policy 9.2). "
                      "Nothing has changed; say status to see where things stand.", CLAUSE)
    note = (run.get("note") or "").strip()
    appeal = await close_as_resolved(repos, appeal, services.clock.today(), note)
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="appeal", record_id=appeal.id,
                     subject_person_id=appeal.colleague_id, channel=run.channel.value,
                     actor_identity=run.platform_identity,
                     detail={"event": "resolved_informally", "by": "reviewer", "policy_version": POLICY_VERSION})
    first = item["colleague"].split(" ")[0]
    agreed = f"\n\nWhat you agreed: {note}" if note else ""
    await services.notifier.notify(
        appeal.colleague_id, "Your concerns about your review are resolved",
        f"Hello {first}, {run.person.person.name} has recorded that the concerns you raised about your report were "
        f"resolved between you (Policy 9.1).{agreed}\n\nIf that's not right, say appeal to appeal in writing "
        "(Policy 9.2).", kind="informal_resolution", clause=CLAUSE, dedupe_key=f"appeal:{appeal.id}:resolved",
        review_id=appeal.review_id, action="appeal", subject_person_id=appeal.colleague_id)
    return [Reply(f"Recorded: {item['colleague']}'s concerns were resolved informally (Policy 9.1). I've let "
                  f"{first} know; if they don't agree they can still appeal in writing (9.2). Say status for "
                  "your team's next steps.", clause=CLAUSE)]


DIALOG = Dialog(
    id="appeal_settle", version=1, title="Concerns resolved informally", steps=STEPS, complete=complete,
    prepare=prepare, clause=CLAUSE,
    description="Record that a colleague's concerns about their report were resolved by talking it through "
                "(Policy 9.1).",
)
